import ArgumentParser
import DistributedCache
import Simulation

/// `dsadvisor demo distributed-cache`: look-aside caching with leases over a hash ring.
struct DistributedCacheDemoCommand: DemoRunner {
    static let demoID = "distributed-cache"
    static let configuration = CommandConfiguration(
        commandName: "distributed-cache",
        abstract: "Cache-aside over a hash ring: LRU+TTL, delete-on-write, leases against stale sets and herds.",
        discussion: """
            Three scenes: a Zipf workload with writes and a cache-server crash (no cache, plain \
            look-aside, leases); the stale-set race; a hot key expiring under a read storm. \
            Every read is checked for freshness against the writes that completed before it.
            Examples:
              dsadvisor demo distributed-cache
              dsadvisor demo distributed-cache --ttl-ms 200 --herd-rate 20000
              dsadvisor check distributed-cache --seeds 1..300
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Cache servers on the ring (1...32).")
    var cacheNodes = 4

    @Option(help: "Application servers (3...64).")
    var apps = 6

    @Option(help: "Entries per cache server (1...100000).")
    var capacity = 250

    @Option(help: "Entry time to live in ms (10...10000).")
    var ttlMs: UInt64 = 400

    @Option(help: "Distinct keys, Zipf(1)-distributed (10...1000000).")
    var keys = 10_000

    @Option(help: "Operations per second in scene 1 (1...50000).")
    var rate: UInt64 = 3000

    @Option(help: "Writes per mille of operations in scene 1 (0...1000).")
    var writePerMille: UInt32 = 50

    @Option(help: "Length of scene 1 in ms (100...20000).")
    var durationMs: UInt64 = 3000

    @Flag(inversion: .prefixedNo, help: "Crash one cache server in scene 1 (seed picks which and when).")
    var crash = true

    @Option(help: "Reads per second of the hot key in scene 3 (100...100000).")
    var herdRate: UInt64 = 8000

    func validate() throws {
        guard (1...32).contains(cacheNodes) else { throw ValidationError("--cache-nodes must be in 1...32") }
        guard (3...64).contains(apps) else { throw ValidationError("--apps must be in 3...64") }
        guard (1...100_000).contains(capacity) else { throw ValidationError("--capacity must be in 1...100000") }
        guard (10...10_000).contains(ttlMs) else { throw ValidationError("--ttl-ms must be in 10...10000") }
        guard (10...1_000_000).contains(keys) else { throw ValidationError("--keys must be in 10...1000000") }
        guard (1...50_000).contains(rate) else { throw ValidationError("--rate must be in 1...50000") }
        guard writePerMille <= 1000 else { throw ValidationError("--write-per-mille must be in 0...1000") }
        guard (100...20_000).contains(durationMs) else { throw ValidationError("--duration-ms must be in 100...20000") }
        guard (100...100_000).contains(herdRate) else { throw ValidationError("--herd-rate must be in 100...100000") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        DistributedCacheDemo.run(DistributedCacheDemo.Options(
            seed: common.seed, cacheNodes: cacheNodes, apps: apps, capacity: capacity, ttlMs: ttlMs, keys: keys,
            rate: rate, writePerMille: writePerMille, durationMs: durationMs, crash: crash, herdRate: herdRate),
            on: timeline)
    }
}
