/// The `quorum-kv` demo: a Dynamo-style store (DeCandia et al., SOSP 2007) built from the
/// ring of `ConsistentHashing` and the version vectors of `VectorClocks`. First the shopping
/// cart across a partition, with siblings and with last-writer-wins; then the staleness of
/// partial quorums under message delay (Bailis et al., VLDB 2012), every read checked.
///
/// Simplifications:
/// - See `StoreNode`: static ring, no anti-entropy, clients co-located with coordinators.
import Simulation
import VectorClocks

public enum QuorumKVDemo {
    public struct Options: Sendable {
        public var seed: UInt64
        public var nodes: Int
        public var n: Int
        public var r: Int
        public var w: Int
        public var sloppy: Bool
        public var resolution: Resolution
        public var faults: FaultPlan.Kinds
        /// Reads per configuration in the staleness measurement.
        public var ops: Int
        public var delayMin: SimDuration
        public var delayMax: SimDuration
        public var tailPerMille: UInt32
        public var tailMax: SimDuration

        public init(seed: UInt64 = 1, nodes: Int = 5, n: Int = 3, r: Int = 2, w: Int = 2, sloppy: Bool = false,
                    resolution: Resolution = .siblings, faults: FaultPlan.Kinds = [], ops: Int = 700,
                    delayMin: SimDuration = .milliseconds(1), delayMax: SimDuration = .milliseconds(20),
                    tailPerMille: UInt32 = 50, tailMax: SimDuration = .milliseconds(100)) {
            self.seed = seed
            self.nodes = nodes
            self.n = n
            self.r = r
            self.w = w
            self.sloppy = sloppy
            self.resolution = resolution
            self.faults = faults
            self.ops = ops
            self.delayMin = delayMin
            self.delayMax = delayMax
            self.tailPerMille = tailPerMille
            self.tailMax = tailMax
        }

        var network: NetworkConditions {
            NetworkConditions(delayMin: delayMin, delayMax: delayMax, tailPerMille: tailPerMille, tailDelayMax: tailMax)
        }

        func policy(r: Int, w: Int) -> QuorumPolicy {
            let roundTrip = (delayMax + tailMax) * 2
            return QuorumPolicy(n: n, r: r, w: w, sloppy: sloppy, resolution: resolution,
                                fallbackAfter: delayMax * 2 + .milliseconds(5),
                                timeout: roundTrip + .milliseconds(100))
        }
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.header(demo: "quorum-kv", seed: options.seed, settings: [
            ("nodes", JSONValue(options.nodes)), ("n", JSONValue(options.n)), ("r", JSONValue(options.r)),
            ("w", JSONValue(options.w)), ("sloppy", .bool(options.sloppy)),
            ("resolve", .string(options.resolution.rawValue)),
            ("faults", .string(faultsName(options.faults))), ("ops", JSONValue(options.ops)),
            ("delay", .string("\(options.delayMin.milliseconds)-\(options.delayMax.milliseconds)ms")),
            ("tail", .string("\(options.tailPerMille)‰ up to +\(options.tailMax.milliseconds)ms")),
        ])
        let story = CartStory(seed: options.seed, nodes: options.nodes, network: options.network)
        timeline.section("1. Alice's cart, edited on both sides of a partition (N=3 R=2 W=2, sloppy, siblings)")
        let kept = story.run(.siblings, timeline: timeline)
        timeline.note(kept.lostItems.isEmpty
            ? "Siblings: the cart ends as \"\(kept.finalItems.joined(separator: ","))\". Both sides' additions survived; "
                + "the client saw \(kept.siblingsSeen) concurrent versions and merged them."
            : "Siblings LOST " + kept.lostItems.joined(separator: ","))
        timeline.section("1b. The same edits under last-writer-wins")
        let lww = story.run(.lww, timeline: timeline)
        timeline.note(lww.lostItems.isEmpty
            ? "Last-writer-wins: nothing was lost this time (the writes did not overlap)."
            : "LOST under last-writer-wins: \(lww.lostItems.joined(separator: ",")) was acknowledged to its client "
                + "and is gone; the cart ends as \"\(lww.finalItems.joined(separator: ","))\". No error was raised "
                + "anywhere: the later timestamp silently overwrote a concurrent write.")
        timeline.section("2. Stale reads under message delay (probabilistically bounded staleness)")
        let rows = staleness(options, timeline)
        timeline.section("3. Four clients adding to three carts at once (\(options.policy(r: options.r, w: options.w).label), "
            + "faults: \(faultsName(options.faults)))")
        let carts = concurrentCarts(options, timeline)
        let violation = kept.violation ?? rows.compactMap(\.violation).first ?? carts.compactMap(\.violation).first
        let main = rows.first { $0.policy.r == options.r && $0.policy.w == options.w }
        let keptText = kept.finalItems.joined(separator: ",") + "; lost: "
            + (kept.lostItems.isEmpty ? "nothing" : kept.lostItems.joined(separator: ","))
        let lwwText = lww.finalItems.joined(separator: ",") + "; lost: "
            + (lww.lostItems.isEmpty ? "nothing" : lww.lostItems.joined(separator: ","))
        let configuredCarts = carts.first { $0.resolution == options.resolution }?.outcome
        let cartsText = configuredCarts.map { "\($0.acked) additions acknowledged, \($0.siblingReads) reads saw siblings, "
            + "\($0.lost.count) lost (\(options.resolution.rawValue))" } ?? "-"
        let staleText = rows.map { row -> String in
            "R=\(row.policy.r) W=\(row.policy.w): " + percent(row.stale, row.reads)
        }.joined(separator: "; ")
        var configured = "-"
        if let main {
            configured = "\(main.policy.label): \(main.stale) stale of \(main.reads) reads, \(main.failed) failed"
        }
        let verdict = violation.map { "BROKEN: \($0.invariant)" } ?? "all invariants held"
        timeline.summary([
            ("cart, siblings", .string(keptText)),
            ("cart, lww", .string(lwwText)),
            ("stale reads", .string(staleText)),
            ("configured", .string(configured)),
            ("busy carts", .string(cartsText)),
            ("invariants", .string("read-after-acknowledged-write (R+W>N, strict), put on W disks, "
                + "durability, hints handed back, no lost additions (siblings)")),
            ("verdict", .string(verdict)),
        ])
        return DemoOutcome(violation: violation)
    }

    private static func staleness(_ options: Options, _ timeline: Timeline) -> [StalenessExperiment.Row] {
        var configs: [(Int, Int)] = [(1, 1), (1, 2), (2, 1), (2, 2)].filter { $0.0 <= options.n && $0.1 <= options.n }
        if !configs.contains(where: { $0 == (options.r, options.w) }) { configs.append((options.r, options.w)) }
        let experiment = StalenessExperiment(seed: options.seed, nodes: options.nodes, network: options.network,
                                             kinds: options.faults,
                                             readsPerOffset: max(1, options.ops / StalenessExperiment.offsets.count))
        let rows = configs.map { experiment.measure(options.policy(r: $0.0, w: $0.1), timeline: nil) }
        let offsetColumns = StalenessExperiment.offsets.map { "t=\($0)ms" }
        timeline.table("Stale reads: a read t ms after the put was acknowledged misses it (N=\(options.n))",
                       columns: ["R W", "R+W>N"] + offsetColumns + ["all", "failed"],
                       rows: rows.map { row in
                           [.string("\(row.policy.r) \(row.policy.w)"), .string(row.policy.overlaps ? "yes" : "no")]
                               + row.byOffset.map { .string(percent($0.stale, $0.reads)) }
                               + [.string(percent(row.stale, row.reads)), JSONValue(row.failed)]
                       })
        timeline.note("Each cell: stale reads / reads (about \(experiment.readsPerOffset) per cell). A put returns after "
            + "W acknowledgements; the other replicas get it one network delay later (uniform "
            + "\(options.delayMin.milliseconds)-\(options.delayMax.milliseconds)ms, \(options.tailPerMille)‰ up to "
            + "+\(options.tailMax.milliseconds)ms), so a read of R replicas that misses all W can still be "
            + "stale; the chance falls as t grows (t-visibility). With R+W>N and a strict quorum every read "
            + "quorum meets every write quorum: those rows are checked for zero, not measured.")
        for row in rows where row.violation != nil {
            timeline.note("\(row.policy.label): \(row.violation!.description)")
        }
        return rows
    }

    private static func concurrentCarts(_ options: Options, _ timeline: Timeline)
        -> [(resolution: Resolution, outcome: ConcurrentCarts.Outcome, violation: InvariantViolation?)] {
        let workload = ConcurrentCarts(seed: options.seed, nodes: options.nodes, network: options.network,
                                       kinds: options.faults, addsPerClient: 15)
        let results = Resolution.allCases.map { resolution -> (Resolution, ConcurrentCarts.Outcome, InvariantViolation?) in
            var policy = options.policy(r: options.r, w: options.w)
            policy.resolution = resolution
            let outcome = workload.run(policy)
            return (resolution, outcome, outcome.violation)
        }
        timeline.table("Same seed, same clients, same faults; only the reconciliation differs",
                       columns: ["resolve", "acked", "failed", "sibling reads", "max siblings", "lost adds",
                                 "hints", "handoffs", "repairs"],
                       rows: results.map { resolution, outcome, _ in
                           [.string(resolution.rawValue), JSONValue(outcome.acked), JSONValue(outcome.failed),
                            JSONValue(outcome.siblingReads), JSONValue(outcome.maxSiblings), JSONValue(outcome.lost.count),
                            JSONValue(outcome.hints), JSONValue(outcome.handoffs), JSONValue(outcome.repairs)]
                       })
        if let lww = results.first(where: { $0.0 == .lww })?.1, !lww.lost.isEmpty {
            timeline.note("Under last-writer-wins \(lww.lost.count) acknowledged additions vanished ("
                + lww.lost.prefix(6).joined(separator: ", ") + (lww.lost.count > 6 ? ", ..." : "")
                + "): each was overwritten by a concurrent put with a later timestamp, and no client was told.")
        }
        timeline.note("With siblings every acknowledged addition is checked to be in some stored version after "
            + "the faults heal and the hints are handed back.")
        return results.map { ($0.0, $0.1, $0.2) }
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "-" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    public static func faultsName(_ kinds: FaultPlan.Kinds) -> String {
        VectorClockDemo.faultsName(kinds)
    }
}
