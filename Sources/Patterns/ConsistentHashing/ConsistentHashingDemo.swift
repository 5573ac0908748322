/// The `consistent-hashing` demo: 100,000 keys on 10 nodes; a node joins and another leaves.
/// Keys moved against hash-mod-N; load spread against the number of virtual nodes and the
/// model √(1/v + (N−1)/K); jump hash (Lamping & Veach 2014) and bounded loads (Mirrokni,
/// Thorup & Zadimoghaddam, SODA 2018) beside the ring (Karger et al., STOC 1997); and the
/// preference-list walk that Dynamo (SOSP 2007, §4.3) replicates along.
///
/// Simplifications:
/// - Placement only: no simulated nodes, messages or data transfer; time does not pass.
///   Every figure is deterministic in the seed, which chooses the keys and the leaving node.
import Simulation

public enum ConsistentHashingDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var keys = 100_000
        public var nodes = 10
        public var virtualNodes = 160
        public var replicas = 3
        public var epsilonPercent = 10
        /// Take the next `replicas` points instead of distinct nodes: a deliberately broken
        /// walk (the design sketch's) that the replica check must catch.
        public var naiveWalk = false
        /// `bench` times lookups instead of running the demo, on the CLI's stopwatch.
        public var experiment: Experiment?
    }

    /// What `--experiment` selects instead of the demo.
    public enum Experiment: String, CaseIterable, Sendable {
        /// Wall-clock lookup timings, run by the CLI (this module reads no clock).
        case bench
    }

    /// The replica walk, as `--walk` names it.
    public enum Walk: String, CaseIterable, Sendable {
        case distinct
        case nextPoints = "next-points"
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        var experiment = PlacementExperiment(seed: options.seed, keys: options.keys, nodes: options.nodes)
        timeline.note("\(grouped(options.keys)) keys named user:<random> go to nodes n0..n\(options.nodes - 1); "
            + "then n\(experiment.joiner) joins and n\(experiment.leaver) leaves. A key's hash is "
            + "SplitMix64(FNV-1a 64(name)); node n's points sit at the hash of \"n<n>#<i>\".")
        let moves = rebalancing(&experiment, options, timeline)
        spread(experiment, options, timeline)
        let skips = preferenceLists(&experiment, options, timeline)
        var summary: [(String, JSONValue)] = [("keys", JSONValue(options.keys))]
        for move in moves { summary.append(("join moves, \(move.scheme)", JSONValue(move.movedOnAdd))) }
        summary += [
            ("ideal moves (K/(N+1))", JSONValue((options.keys + (options.nodes + 1) / 2) / (options.nodes + 1))),
            ("replica walks skipping a repeated node", JSONValue(skips.keys)),
            ("checks", JSONValue(experiment.checks)),
            ("invariants", .string("joins and leaves move only the changed node's keys; replicas distinct; "
                + "loads within capacity")),
        ]
        timeline.summary(summary)
        return DemoOutcome(violation: experiment.violation)
    }

    private static func rebalancing(_ experiment: inout PlacementExperiment, _ options: Options,
                                    _ timeline: Timeline) -> [PlacementExperiment.Rebalance] {
        let rows = [
            experiment.moduloRebalance(),
            experiment.ringRebalance(virtualNodes: options.virtualNodes),
            experiment.jumpRebalance(),
            experiment.boundedRebalance(virtualNodes: options.virtualNodes, epsilonPerMille: options.epsilonPercent * 10),
        ]
        let keys = options.keys
        let share = (keys + (options.nodes + 1) / 2) / (options.nodes + 1)
        timeline.section("Rebalancing: n\(experiment.joiner) joins, then n\(experiment.leaver) leaves")
        timeline.table("Keys moved (ideal: one node's share, K/\(options.nodes + 1) = \(grouped(share)), each time)",
                       columns: ["scheme", "max/mean", "n\(experiment.joiner) joins", "n\(experiment.leaver) leaves"],
                       rows: rows.map { row in
                           [.string(row.scheme), .string(fixed(row.before.maxOverMean, 3)),
                            .string(movedText(row.movedOnAdd, keys)),
                            .string(row.movedOnRemove.map { movedText($0, keys) } ?? "last bucket only")]
                       })
        timeline.note("hash mod N keeps a key only when h mod \(options.nodes) = h mod \(options.nodes + 1): "
            + "about 1 in \(options.nodes + 1). The ring and jump hash move only the joiner's share, all of it "
            + "to the joiner (checked key by key). Bounded loads also moves keys that overflowed a full node "
            + "and now fit nearer their hash; it never places more than ceil((1+e)K/N) on a node.")
        return rows
    }

    private static func spread(_ experiment: PlacementExperiment, _ options: Options, _ timeline: Timeline) {
        let n = options.nodes, k = options.keys
        var counts = [1, 10, 100, 1_000]
        if !counts.contains(options.virtualNodes) { counts.append(options.virtualNodes); counts.sort() }
        func row(_ name: String, _ points: Int, _ stats: LoadStatistics, _ model: String) -> [JSONValue] {
            [.string(name), points > 0 ? JSONValue(points) : "-", .string(fixed(stats.maxOverMean, 3)), .string(fixed(stats.minOverMean, 3)),
             .string(fixed(stats.spread, 4)), .string(model)]
        }
        var rows = counts.map { v in
            row("ring v=\(v)", v * n, experiment.spread(virtualNodes: v),
                fixed(LoadStatistics.modelSpread(virtualNodes: v, nodes: n, keys: k), 4))
        }
        rows.append(row("v=\(options.virtualNodes) FNV only", options.virtualNodes * n,
                        experiment.spread(virtualNodes: options.virtualNodes, placement: .fnv1aOnly),
                        fixed(LoadStatistics.modelSpread(virtualNodes: options.virtualNodes, nodes: n, keys: k), 4)))
        let jump = experiment.hashes.map { NodeID(JumpHash.bucket($0, buckets: Int32(n))) }
        rows.append(row("jump hash", 0, LoadStatistics(owners: jump, nodes: experiment.nodes),
                        fixed(LoadStatistics.samplingSpread(nodes: n, keys: k), 4)))
        var copy = experiment
        for v in Array(Set([1, options.virtualNodes])).sorted() {
            let bounded = copy.bounded(HashRing(nodes: experiment.nodes, virtualNodes: v), options.epsilonPercent * 10)
            let capacity = BoundedLoadPlacement.capacity(keys: k, nodes: n, epsilonPerMille: options.epsilonPercent * 10)
            rows.append(row("bounded e=\(options.epsilonPercent)% v=\(v)", v * n,
                            LoadStatistics(owners: bounded, nodes: experiment.nodes),
                            "max <= " + fixed(Double(capacity) * Double(n) / Double(k), 3)))
        }
        timeline.section("Load spread over \(n) nodes")
        timeline.table("Keys per node: max/mean, min/mean and stddev/mean, against the model",
                       columns: ["placement", "points", "max/mean", "min/mean", "stddev/mean", "model"],
                       rows: rows)
        timeline.note("model = sqrt(1/v + (N-1)/K): a node's share of the circle is the sum of v arcs between "
            + "N*v random points, about Gamma(v)/(N*v), whose stddev/mean is 1/sqrt(v); sampling K keys adds "
            + "(N-1)/K. So ten times the points cut the spread by sqrt(10), and max/mean falls like "
            + "1 + O(sqrt(log N / v)). Measured over one ring of \(n) nodes, stddev/mean scatters about "
            + "25% around the model. Jump hash is balanced up to sampling noise; bounded loads caps every node at ceil((1+e)K/N), even on a ring "
            + "with one point per node; FNV-1a without the finalizer "
            + "puts a node's points \"n3#0\"..\"n3#\(options.virtualNodes - 1)\" in clumps.")
    }

    private static func preferenceLists(_ experiment: inout PlacementExperiment, _ options: Options,
                                        _ timeline: Timeline) -> (keys: Int, skipped: Int) {
        let ring = HashRing(nodes: experiment.nodes, virtualNodes: options.virtualNodes)
        timeline.section("Preference lists: N=\(options.replicas) distinct nodes clockwise")
        let skips = experiment.checkReplicas(ring, count: options.replicas, naiveWalk: options.naiveWalk)
        let wanted = min(options.replicas, ring.nodes.count)
        if let index = experiment.hashes.indices.first(where: { ring.pointsWalked(from: experiment.hashes[$0], count: wanted) > wanted }) {
            let hash = experiment.hashes[index]
            let walked = ring.pointsWalked(from: hash, count: wanted)
            let start = ring.successor(of: hash)
            let met = (0..<walked).map { "n\(ring.points[(start + $0) % ring.points.count].node)" }
            timeline.note("\(experiment.names[index]) (hash \(hex(hash))) meets points " + met.joined(separator: " ")
                + " -> replicas " + ring.replicas(ofHash: hash, count: wanted).map { "n\($0)" }.joined(separator: ",")
                + "; the next \(wanted) points alone would give " + Set(met.prefix(wanted)).count.description
                + " distinct nodes.")
        }
        timeline.note("\(grouped(skips.keys)) of \(grouped(options.keys)) keys "
            + "(\(fixed(100 * Double(skips.keys) / Double(max(options.keys, 1)), 1))%) meet a repeated node among "
            + "their next \(wanted) points; the walk skipped \(grouped(skips.skipped)) points for them. Every list "
            + "was checked: \(wanted) distinct nodes, the owner first.")
        return skips
    }

    static func movedText(_ moved: Int, _ keys: Int) -> String {
        "\(grouped(moved)) (\(fixed(100 * Double(moved) / Double(max(keys, 1)), 1))%)"
    }

    /// 100000 → "100,000".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A fixed-point rendering with `places` decimals, rounded half away from zero.
    static func fixed(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        fraction = String(repeating: "0", count: max(0, places - fraction.count)) + fraction
        return (value < 0 ? "-" : "") + "\(whole)" + (places > 0 ? "." + fraction : "")
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
