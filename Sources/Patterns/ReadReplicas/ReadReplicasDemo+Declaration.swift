import Simulation

extension ReadReplicasDemo.Options {
    public static var defaults: Self { Self() }
}

/// The read-replicas demo as the CLI offers it: every parameter, its range and its help.
extension ReadReplicasDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "read-replicas",
            title: "Async read replicas: replica lag, stale reads, and session tokens for RYW and monotonic reads.",
            story: """
                A primary ships its log to replicas of different speeds under write bursts while \
                one replica crashes. The same sessions read from the primary, from any replica, and \
                from any replica with an LSN session token; every read is checked against the log.
                """,
            examples: [
                "demo read-replicas",
                "demo read-replicas --max-wait-ms 0 --write-per-mille 400",
                "check read-replicas --seeds 1..300",
            ],
            parameters: [
                .integer("replicas", \.replicas, in: 1...9, help: "Replicas; apply speeds cycle fast, medium, slow."),
                .integer("sessions", \.sessions, in: 1...64, help: "Client sessions."),
                .integer("keys", \.keys, in: 1...10_000, help: "Distinct keys."),
                .integer("duration-ms", \.durationMs, in: 200...20_000, help: "Length of the run in ms."),
                .integer("write-per-mille", \.writePerMille, in: 0...1_000, help: "Writes per mille of operations."),
                .integer("max-wait-ms", \.maxWaitMs, in: 0...1_000,
                         help: "How long a replica holds a read for the log to catch up; 0 redirects at once."),
                .faults(\.faults, offers: .all, story: true,
                        help: "story crashes one replica mid-run (the seed picks which and when); drawn kinds strike any node instead."),
                .flag("forget-tokens", \.forgetTokens,
                      help: "Sessions claim tokens but the client never sends them (broken on purpose).").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("prefix consistency", .safety, "every read returns a value of a prefix of the primary's log"),
                DemoInvariant("read your writes", .safety, "with tokens, a session reads its own latest write or later"),
                DemoInvariant("monotonic reads", .safety, "with tokens, a session never reads older than it read before"),
            ],
            nodeCount: { 1 + $0.replicas + $0.sessions },
            run: run)
    }
}
