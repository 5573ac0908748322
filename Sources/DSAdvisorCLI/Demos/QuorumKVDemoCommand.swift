import ArgumentParser
import QuorumKV
import Simulation

/// `dsadvisor demo quorum-kv`: a Dynamo-style store with sloppy quorums, hinted handoff,
/// read repair and vector-clock siblings; a shopping cart story and a staleness table.
struct QuorumKVDemoCommand: DemoRunner {
    static let demoID = "quorum-kv"
    static let configuration = CommandConfiguration(
        commandName: "quorum-kv",
        abstract: "Dynamo-style quorum store: siblings vs last-writer-wins, stale partial quorums.",
        discussion: """
            A cart edited on both sides of a partition keeps both additions as siblings and \
            loses one under last-writer-wins. Then reads t ms after a put measure how often \
            partial quorums (R+W<=N) return stale data; R+W>N rows are checked for zero.
            Examples:
              dsadvisor demo quorum-kv
              dsadvisor demo quorum-kv --r 1 --w 1 --delay 1-50 --tail 100:200
              dsadvisor check quorum-kv --seeds 1..300 --faults all
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Servers in the cluster (5-9).")
    var nodes = 5

    @Option(help: "Replicas per key (1-5, at most --nodes).")
    var n = 3

    @Option(help: "Replies a get waits for (1...n).")
    var r = 2

    @Option(help: "Acknowledgements a put waits for (1...n).")
    var w = 2

    @Flag(help: "Sloppy quorum: fallback nodes' answers count toward R and W.")
    var sloppy = false

    @Option(help: "Concurrent versions: siblings (kept, client merges) or lww (last writer wins).")
    var resolve = "siblings"

    @Option(help: "Faults drawn from the seed for the staleness runs: none, crash, partition, drop, all.")
    var faults = "none"

    @Option(help: "Reads per quorum configuration in the staleness measurement (7-2000).")
    var ops = 700

    @Option(help: "One-way message delay range in ms, MIN-MAX (uniform).")
    var delay = "1-20"

    @Option(help: "Slow tail: PERMILLE:MS, a message takes up to MS more with these odds.")
    var tail = "50:100"

    func validate() throws {
        guard (5...9).contains(nodes) else { throw ValidationError("--nodes must be 5...9") }
        guard (1...5).contains(n), n <= nodes else { throw ValidationError("--n must be 1...5 and at most --nodes") }
        guard (1...n).contains(r), (1...n).contains(w) else { throw ValidationError("--r and --w must be 1...n") }
        guard Resolution(rawValue: resolve) != nil else { throw ValidationError("--resolve must be siblings or lww") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        guard (7...2_000).contains(ops) else { throw ValidationError("--ops must be 7...2000") }
        guard parsedDelay != nil else { throw ValidationError("--delay must be MIN-MAX in ms, 0 <= MIN <= MAX <= 1000") }
        guard parsedTail != nil else { throw ValidationError("--tail must be PERMILLE:MS, 0-1000 and 0-1000") }
    }

    private var parsedDelay: (UInt64, UInt64)? {
        let parts = delay.split(separator: "-").compactMap { UInt64($0) }
        guard parts.count == 2, parts[0] <= parts[1], parts[1] <= 1_000 else { return nil }
        return (parts[0], parts[1])
    }

    private var parsedTail: (UInt32, UInt64)? {
        let parts = tail.split(separator: ":")
        guard parts.count == 2, let odds = UInt32(parts[0]), let ms = UInt64(parts[1]), odds <= 1_000, ms <= 1_000
        else { return nil }
        return (odds, ms)
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let (low, high) = parsedDelay ?? (1, 20)
        let (odds, extra) = parsedTail ?? (50, 100)
        let options = QuorumKVDemo.Options(
            seed: common.seed, nodes: nodes, n: n, r: r, w: w, sloppy: sloppy,
            resolution: Resolution(rawValue: resolve) ?? .siblings, faults: FaultPlan.Kinds(name: faults) ?? [],
            ops: ops, delayMin: .milliseconds(low), delayMax: .milliseconds(high), tailPerMille: odds,
            tailMax: .milliseconds(extra))
        return QuorumKVDemo.run(options, on: timeline)
    }
}
