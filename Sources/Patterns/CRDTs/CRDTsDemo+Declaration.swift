import Simulation

extension CRDTsDemo.Options {
    public static var defaults: Self { Self() }
}

/// The CRDT demo as the CLI offers it: every parameter, its range and its help.
extension CRDTsDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "crdt",
            title: "State-based CRDTs (counter, OR-Set, LWW, MV, RGA text) converging by gossip.",
            story: """
                Replicas edit concurrently through a partition on a lossy network (one crashes and \
                restarts from disk), the partition heals, and periodic anti-entropy to random peers \
                converges them. Every step checks that states only inflate, every state against a \
                log of the updates (for the OR-Set: against which updates the harness delivered to \
                each replica), and convergence by a horizon. The run is repeated with the other \
                shipping mode to compare bytes.
                """,
            examples: [
                "demo crdt",
                "demo crdt --type text --replicas 3 --seed 7",
                "demo crdt --type counter --replicas 16 --deltas off --updates 200",
                "check crdt --seeds 1..50 --variant remove-wins",
            ],
            parameters: [
                .choice("type", \.story, valueName: "story", help: "The story and its CRDT."),
                .integer("replicas", \.replicas, in: 2...16, help: "Replicas."),
                .choice("deltas", \.deltas, valueName: "on|off",
                        help: "Ship delta groups (on) or full states (off); the other mode is run for comparison."),
                .custom("updates", \.updates, valueName: "n", syntax: "0...500, or 'story' for the story's own number",
                        samples: ["0", "500"],
                        parse: { text in
                            if text == "story" { return .some(nil) }
                            return Int(text).flatMap { (0...500).contains($0) ? .some($0) : nil }
                        },
                        format: { $0.map { JSONValue($0) } ?? "story" },
                        help: "Background updates on top of the story's scripted ones."),
                .optionalChoice("variant", \.variant, help: "Run deliberately broken replicas.").asBrokenVariant(),
                .optionalChoice("experiment", \.experiment,
                                help: "A wall-clock measurement instead of the demo (not a checked run).").asMode(),
            ],
            invariants: [
                DemoInvariant("inflation", .safety, "every new state of a replica is an inflation of its previous one"),
                DemoInvariant("oracle", .safety,
                              "every state is what the updates its replica has seen make it (OR-Set: add wins)"),
                DemoInvariant("convergence", .liveness,
                              "once healed and the updates are done, every replica holds the same state by the horizon"),
            ],
            nodeCount: { $0.replicas },
            details: details,
            run: run)
    }
}
