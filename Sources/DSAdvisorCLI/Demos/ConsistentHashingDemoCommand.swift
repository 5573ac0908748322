import ArgumentParser
import ConsistentHashing
import Simulation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dsadvisor demo consistent-hashing`: keys moved and load spread for the ring, hash mod N,
/// jump hash and bounded loads; `--experiment bench` times lookups on the wall clock.
struct ConsistentHashingDemoCommand: DemoRunner {
    static let demoID = "consistent-hashing"
    static let configuration = CommandConfiguration(
        commandName: "consistent-hashing",
        abstract: "Consistent hashing: virtual nodes, replica walks, jump hash, bounded loads.",
        discussion: """
            Places keys on a ring, adds a node and removes one, and counts the keys that move \
            against hash mod N; prints the load spread for 1 to 1,000 virtual nodes beside \
            the model sqrt(1/v + (N-1)/K). Every join, leave, preference list and bounded \
            placement is checked.
            Examples:
              dsadvisor demo consistent-hashing
              dsadvisor demo consistent-hashing --seed 9 --nodes 20 --vnodes 64 --epsilon 10
              dsadvisor check consistent-hashing --seeds 1..300 --keys 20000
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Keys to place (1000-1000000).")
    var keys = 100_000

    @Option(help: "Nodes before the join (2-100).")
    var nodes = 10

    @Option(help: "Virtual nodes (ring points) per node (1-1000).")
    var vnodes = 160

    @Option(help: "Replicas per key: the preference-list length (1-10).")
    var replicas = 3

    @Option(help: "Bounded-loads slack epsilon, in percent (1-100).")
    var epsilon = 10

    @Option(help: ArgumentHelp("Replica walk: distinct (correct) or next-points (broken variant).",
                               visibility: .hidden))
    var walk = "distinct"

    @Option(help: ArgumentHelp("'bench' times lookups with the wall clock instead of the demo.",
                               visibility: .hidden))
    var experiment: String?

    func validate() throws {
        guard (1_000...1_000_000).contains(keys) else { throw ValidationError("--keys must be 1000...1000000") }
        guard (2...100).contains(nodes) else { throw ValidationError("--nodes must be 2...100") }
        guard (1...1_000).contains(vnodes) else { throw ValidationError("--vnodes must be 1...1000") }
        guard (1...10).contains(replicas) else { throw ValidationError("--replicas must be 1...10") }
        guard (1...100).contains(epsilon) else { throw ValidationError("--epsilon must be 1...100") }
        guard ["distinct", "next-points"].contains(walk) else { throw ValidationError("--walk must be distinct or next-points") }
        if let experiment, experiment != "bench" { throw ValidationError("--experiment must be bench") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        if experiment == "bench" {
            LookupBenchmark(nodes: nodes, virtualNodes: vnodes, seed: common.seed).run()
            return .passed
        }
        let options = ConsistentHashingDemo.Options(
            seed: common.seed, keys: keys, nodes: nodes, virtualNodes: vnodes, replicas: replicas,
            epsilonPercent: epsilon, naiveWalk: walk == "next-points")
        return ConsistentHashingDemo.run(options, on: timeline)
    }
}

/// Wall-clock timings of lookups, kept in the CLI so that the pattern module never reads a
/// clock. Keys are hashed beforehand unless the row says otherwise; every result feeds a
/// checksum that is printed, so the optimiser cannot drop the work.
struct LookupBenchmark {
    let nodes: Int
    let virtualNodes: Int
    let seed: UInt64

    func run() {
        var rng = SeededRNG(seed: seed)
        let hashes = (0..<1_000_000).map { _ in Hash64.mix(rng.next()) }
        let names = (0..<100_000).map { "user:\($0 &* 7_919)" }
        let ring = HashRing(nodes: Array(0..<nodes), virtualNodes: virtualNodes)
        let rounds = 10
        print("lookup benchmark: \(nodes) nodes x \(virtualNodes) virtual nodes = \(ring.points.count) points")
        time("ring owner(ofHash:)", hashes.count * rounds) {
            var sum = 0
            for _ in 0..<rounds { for h in hashes { sum &+= ring.owner(ofHash: h) } }
            return sum
        }
        time("ring replicas(N=3)", hashes.count) {
            var sum = 0
            for h in hashes { sum &+= ring.replicas(ofHash: h, count: 3).count }
            return sum
        }
        time("hash key string + owner", names.count * rounds) {
            var sum = 0
            for _ in 0..<rounds { for name in names { sum &+= ring.owner(of: name) } }
            return sum
        }
        let buckets = Int32(nodes)
        time("jump hash bucket", hashes.count * rounds) {
            var sum = 0
            for _ in 0..<rounds { for h in hashes { sum &+= Int(JumpHash.bucket(h, buckets: buckets)) } }
            return sum
        }
    }

    /// Prints wall-clock (ContinuousClock) and this thread's CPU time per operation: on a
    /// shared machine the second excludes the time the thread spent descheduled.
    private func time(_ label: String, _ operations: Int, _ body: () -> Int) {
        let clock = ContinuousClock()
        var checksum = 0
        let cpuStart = threadCPUNanoseconds()
        let elapsed = clock.measure { checksum = body() }
        let cpu = Double(threadCPUNanoseconds() - cpuStart)
        let wall = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        print("  \(label.padding(26)) wall \(tenths(wall / Double(operations))) ns/op"
              + "  cpu \(tenths(cpu / Double(operations))) ns/op  (\(operations) ops, checksum \(checksum))")
    }

    private func tenths(_ value: Double) -> String {
        let scaled = Int((value * 10).rounded())
        return "\(scaled / 10).\(scaled % 10)"
    }

    private func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
