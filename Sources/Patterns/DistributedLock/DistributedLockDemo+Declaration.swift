import Simulation

extension DistributedLockDemo.Options {
    public static var defaults: Self { Self() }
}

/// The distributed-lock demo as the CLI offers it: every parameter, its range and its help.
extension DistributedLockDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "distributed-lock",
            title: "Lease-based lock with fencing tokens, readers-writer modes and FIFO waiters.",
            story: """
                Act 1 replays Kleppmann's GC-pause failure with fencing on (the stale write is \
                rejected), act 2 without (the storage is corrupted), act 3 runs a seeded random \
                workload with crashes, partitions and message loss under the invariant checker. \
                A pause shorter than the lease breaks nothing, and the summary says so.
                """,
            examples: [
                "demo distributed-lock",
                "demo distributed-lock --seed 9 --no-fencing --quiet",
                "check distributed-lock --seeds 1..300 --clients 6 --faults all",
            ],
            parameters: [
                .integer("clients", \.clients, in: 2...8, help: "Clients."),
                .integer("jobs", \.jobsPerClient, in: 1...50, help: "Jobs per client in the random act."),
                .milliseconds("ttl-ms", \.ttl, in: 100...10_000, help: "Lease time-to-live."),
                .milliseconds("pause-ms", \.pause, in: 0...60_000,
                              help: "The GC pause of acts 1 and 2; longer than the TTL to break the lease."),
                .flag("no-fencing", \.fencing, setsTo: false,
                      help: "Turn fencing off in the random act (acts 1 and 2 always show both)."),
                .faults(\.faults, offers: .all, story: false, help: "Faults in the random act."),
                .integer("pause-per-mille", \.pausePerMille, in: 0...1000,
                         help: "Per mille of random jobs that pause before writing."),
                .optionalChoice("flaw", \.flaw, help: "Run a deliberately broken lock service.").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("mutual exclusion", .safety, "no two conflicting leases are live at once, by the service's clock"),
                DemoInvariant("fencing tokens increase", .safety, "every grant carries a higher token, across restarts"),
                DemoInvariant("storage rejects stale tokens", .safety,
                              "with fencing on, storage never accepts a token lower than one it has seen"),
                DemoInvariant("every job finishes", .liveness, "every job of a client that never crashed finishes"),
            ],
            injections: \.injected,
            nodeCount: { $0.clients + 2 },
            run: run)
    }
}
