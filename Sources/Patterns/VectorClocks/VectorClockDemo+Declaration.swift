import Simulation

extension VectorClockDemo.Options {
    public static var defaults: Self { Self() }
}

/// The vector-clock demo as the CLI offers it: every parameter, its range and its help.
extension VectorClockDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "vector-clock",
            title: "Vector clocks: causal chat broadcast with hold-back, against Lamport clocks.",
            story: """
                A question and its answer race past a partial partition; vector clocks hold the \
                answer back until the question arrives. Then random posts race over a reordering \
                network; every delivery is checked against the harness's ground-truth causality.
                """,
            examples: [
                "demo vector-clock",
                "demo vector-clock --seed 7 --nodes 5 --posts 40 --faults all",
                "check vector-clock --seeds 1..300 --faults all",
            ],
            parameters: [
                .integer("nodes", \.nodes, in: 3...8, help: "Chat participants."),
                .integer("posts", \.posts, in: 0...200, help: "Random posts after the scripted question and answer."),
                .faults(\.faults, offers: .all, story: false, help: "Faults drawn from the seed during the chatter."),
                .choice("delivery", \.delivery,
                        help: "Delivery rule under test: causal, or immediate (a deliberately broken variant).").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("causal delivery", .safety, "no node delivers a post before one that happened before it"),
                DemoInvariant("clock condition", .safety, "a -> b implies L(a) < L(b)"),
                DemoInvariant("vector clocks characterise happens-before", .safety, "a -> b iff V(a) < V(b)"),
                DemoInvariant("every post delivered everywhere", .liveness,
                              "every post reaches every node within the horizon after the last fault"),
            ],
            injections: \.injections,
            nodeCount: { $0.nodes },
            details: { _ in [
                ("network", "1-5ms, then 1-40ms +10% tail <=120ms, dup 3%"),
                ("retransmit-ms", JSONValue(ChatNode<CausalRule>.retransmitEvery.milliseconds)),
                ("settle-ms", JSONValue(ChatScript.settle.milliseconds)),
            ] },
            run: run)
    }
}
