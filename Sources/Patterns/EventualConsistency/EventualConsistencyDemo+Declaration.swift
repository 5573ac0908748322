import Simulation

extension EventualConsistencyDemo.Options {
    public static var defaults: Self { Self() }
}

/// The eventual-consistency demo as the CLI offers it: every parameter, its range and its help.
extension EventualConsistencyDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "eventual-consistency",
            title: "LWW replicas converging by Merkle-tree anti-entropy and read repair.",
            story: """
                Replicas take writes independently (last-writer-wins on (timestamp, replica) \
                versions), suffer partitions, loss and crashes drawn from the seed, and converge \
                through Merkle anti-entropy and read repair. The same run is replayed with \
                full-state exchange and both are compared on convergence time and bytes.
                """,
            examples: [
                "demo eventual-consistency",
                "demo eventual-consistency --replicas 7 --keys 1024 --faults partition",
                "check eventual-consistency --seeds 1..300 --mode full",
            ],
            parameters: [
                .integer("replicas", \.replicas, in: 2...9, help: "Replicas."),
                .integer("keys", \.keys, in: 16...8192, help: "Size of the key space."),
                .integer("writes", \.writes, in: 0...5000, help: "Client writes during the write phase."),
                .integer("reads", \.reads, in: 0...2000, help: "Quorum reads during the write phase."),
                .integer("read-quorum", \.readQuorum, in: 1...9,
                         help: "Replicas each read asks, coordinator included (capped at --replicas)."),
                .integer("tree-depth", \.treeDepth, in: 1...10, help: "Depth of the Merkle tree; 2^depth leaves."),
                .flag("empty-start", \.preloaded, setsTo: false,
                      help: "Start from empty stores instead of a data set every replica holds."),
                .choice("mode", \.mode, help: "Anti-entropy of the printed run (the other is run for comparison)."),
                .faults(\.faults, offers: .all, story: false, help: "Faults drawn from the seed during the write phase."),
                .milliseconds("write-phase-ms", \.writePhase, in: 100...10_000,
                              help: "Length of the write phase; drawn faults heal by its end."),
                .milliseconds("anti-entropy-ms", \.antiEntropyPeriod, in: 10...2_000, help: "Mean anti-entropy period."),
            ],
            invariants: [
                DemoInvariant("monotonic versions", .safety, "a replica's version of a key never goes backwards"),
                DemoInvariant("LWW winner", .safety, "converged replicas hold the highest write of every key"),
                DemoInvariant("convergence", .liveness,
                              "every replica holds the same store within the horizon after writes and faults stop"),
            ],
            injections: \.injections,
            nodeCount: { $0.replicas },
            details: { options in [
                ("versions", "LWW (hybrid timestamp, replica)"),
                ("horizon-ms", JSONValue(options.horizon.milliseconds)),
            ] },
            run: run)
    }
}
