import Simulation

extension DistributedCacheDemo.Options {
    public static var defaults: Self { Self() }
}

/// The distributed-cache demo as the CLI offers it: every parameter, its range and its help.
extension DistributedCacheDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "distributed-cache",
            title: "Cache-aside over a hash ring: LRU+TTL, delete-on-write, leases against stale sets and herds.",
            story: """
                Three scenes: a Zipf workload with writes and a cache-server crash (no cache, plain \
                look-aside, leases); the stale-set race; a hot key expiring under a read storm. \
                Every read is checked for freshness against the writes that completed before it.
                """,
            examples: [
                "demo distributed-cache",
                "demo distributed-cache --ttl-ms 200 --herd-rate 20000",
                "demo distributed-cache --faults none --inject '1s crash n2' --inject '1.3s restart n2'",
                "check distributed-cache --seeds 1..300",
            ],
            parameters: [
                .integer("cache-nodes", \.cacheNodes, in: 1...32, help: "Cache servers on the ring."),
                .integer("apps", \.apps, in: 3...64, help: "Application servers."),
                .integer("capacity", \.capacity, in: 1...100_000, help: "Entries per cache server."),
                .milliseconds("ttl-ms", \.ttl, in: 10...10_000, help: "Entry time to live."),
                .integer("keys", \.keys, in: 10...1_000_000, help: "Distinct keys, Zipf(1)-distributed."),
                // 4,000 at most: beyond it, with most keys missing the cache, the store falls behind
                // the open-loop clients and queues grow without bound (8,000 for 5 s with a million
                // keys took 16 s a run; 4,000 for 20 s in the worst corner, 0.7 s).
                .integer("rate", \.rate, in: 1...4_000, help: "Operations per second in scene 1."),
                .integer("write-per-mille", \.writePerMille, in: 0...1000, help: "Writes per mille of operations in scene 1."),
                .milliseconds("duration-ms", \.duration, in: 100...20_000, help: "Length of scene 1."),
                .faults(\.faults, offers: .crash, story: false,
                        help: "crash: one cache server crashes in scene 1 (the seed picks which and when)."),
                .integer("herd-rate", \.herdRate, in: 100...100_000, help: "Reads per second of the hot key in scene 3."),
            ],
            invariants: [
                DemoInvariant("fresh reads", .safety,
                              "with leases or without a cache no read is older than a write completed before it; "
                                + "plain look-aside only within the TTL plus the filler's lag"),
            ],
            injections: \.injected,
            nodeCount: { 1 + $0.cacheNodes + $0.apps },
            details: { options in
                [("nodes", .string("n0 store, n1..n\(options.cacheNodes) cache servers, "
                    + "n\(options.cacheNodes + 1)..n\(options.cacheNodes + options.apps) apps"))]
            },
            run: run)
    }
}
