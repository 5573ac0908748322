import Simulation

extension ConsistentHashingDemo.Options {
    public static var defaults: Self { Self() }

    /// `--walk`, over `naiveWalk`.
    var walk: ConsistentHashingDemo.Walk {
        get { naiveWalk ? .nextPoints : .distinct }
        set { naiveWalk = newValue == .nextPoints }
    }
}

/// The consistent-hashing demo as the CLI offers it: every parameter, its range and its help.
extension ConsistentHashingDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        let parameters: [DemoParameter<Options>] = [
            // 500,000 at most: a million keys took about 2 s a seed, too slow for `check`.
            .integer("keys", \.keys, in: 1_000...500_000, help: "Keys to place."),
            .integer("nodes", \.nodes, in: 2...100, help: "Nodes before the join."),
            .integer("vnodes", \.virtualNodes, in: 1...1_000, help: "Virtual nodes (ring points) per node."),
            .integer("replicas", \.replicas, in: 1...10, help: "Replicas per key: the preference-list length."),
            .integer("epsilon", \.epsilonPercent, in: 1...100, help: "Bounded-loads slack epsilon, in percent."),
            .choice("walk", \.walk, help: "Replica walk: distinct (correct) or next-points (broken variant).").asBrokenVariant(),
            .optionalChoice("experiment", \.experiment,
                                              help: "bench times ring, replica and jump-hash lookups on the wall clock instead of the demo.").asMode(),
        ]
        return DemoDeclaration(
            id: "consistent-hashing",
            title: "Consistent hashing: virtual nodes, replica walks, jump hash, bounded loads.",
            story: """
                Places keys on a ring, adds a node and removes one, and counts the keys that move \
                against hash mod N; prints the load spread for 1 to 1,000 virtual nodes beside \
                the model sqrt(1/v + (N-1)/K). Every join, leave, preference list and bounded \
                placement is checked.
                """,
            examples: [
                "demo consistent-hashing",
                "demo consistent-hashing --seed 9 --nodes 20 --vnodes 64 --epsilon 10",
                "check consistent-hashing --seeds 1..300 --keys 20000",
            ],
            parameters: parameters,
            invariants: [
                DemoInvariant("join moves keys only to the new node", .safety,
                              "on the ring, jump hash and bounded loads a join moves keys only to the joiner"),
                DemoInvariant("leave moves only the leaving node's keys", .safety, "a leave moves only the leaver's keys"),
                DemoInvariant("replicas are distinct physical nodes", .safety,
                              "every preference list holds min(N, nodes) distinct nodes, the owner first"),
                DemoInvariant("bounded loads stay within capacity", .safety, "no node holds more than ceil((1+e)K/N) keys"),
            ],
            nodeCount: { $0.nodes },
            details: { options in [("hash", .string(HashRing.Placement.fnv1aMix.rawValue))] },
            run: { options, timeline in
                if options.experiment == .bench {
                    guard let stopwatch = timeline.stopwatch else {
                        timeline.noteNoStopwatch("dsadvisor demo consistent-hashing --experiment bench")
                        return .passed
                    }
                    LookupBenchmark(nodes: options.nodes, virtualNodes: options.virtualNodes, seed: options.seed)
                        .run(timeline, stopwatch: stopwatch)
                    return .passed
                }
                return run(options, on: timeline)
            })
    }
}
