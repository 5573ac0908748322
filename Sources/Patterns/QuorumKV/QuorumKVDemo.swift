/// The `quorum-kv` demo: a Dynamo-style store (DeCandia et al., SOSP 2007) built from the
/// ring of `ConsistentHashing` and the version vectors of `VectorClocks`. First the shopping
/// cart across a partition, with siblings and with last-writer-wins; then the staleness of
/// partial quorums under message delay (Bailis et al., VLDB 2012), every read checked.
///
/// Simplifications:
/// - See `StoreNode`: static ring, no anti-entropy, clients co-located with coordinators.
import Simulation

public enum QuorumKVDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var nodes = 5
        public var n = 3
        /// Replies a get waits for; taken as at most `n`.
        public var r = 2
        /// Acknowledgements a put waits for; taken as at most `n`.
        public var w = 2
        public var sloppy = false
        public var resolution = Resolution.siblings
        /// Faults drawn from the seed for the staleness and busy-cart runs (the story has its own).
        public var faults = FaultMode.none
        /// Reads per configuration in the staleness measurement.
        public var ops = 700
        public var delayMin = SimDuration.milliseconds(1)
        public var delayMax = SimDuration.milliseconds(20)
        public var tailPerMille: UInt32 = 50
        public var tailMax = SimDuration.milliseconds(100)

        var network: NetworkConditions {
            NetworkConditions(delayMin: delayMin, delayMax: delayMax, tailPerMille: tailPerMille, tailDelayMax: tailMax)
        }

        /// The quorum the run uses: R and W larger than N are taken as N.
        var quorum: (r: Int, w: Int) { (min(r, n), min(w, n)) }

        func policy(r: Int, w: Int) -> QuorumPolicy {
            let roundTrip = (delayMax + tailMax) * 2
            return QuorumPolicy(n: n, r: r, w: w, sloppy: sloppy, resolution: resolution,
                                fallbackAfter: delayMax * 2 + .milliseconds(5),
                                timeout: roundTrip + .milliseconds(100))
        }

        var configuredPolicy: QuorumPolicy { policy(r: quorum.r, w: quorum.w) }
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
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
        timeline.section("3. Four clients adding to three carts at once (\(options.configuredPolicy.label), "
            + "faults: \(options.faults))")
        let carts = concurrentCarts(options, timeline)
        let violation = kept.violation ?? lww.violation ?? rows.compactMap(\.violation).first
            ?? carts.compactMap(\.outcome.violation).first
        let shortfall = kept.shortfall ?? lww.shortfall ?? rows.compactMap(\.shortfall).first
            ?? carts.compactMap(\.outcome.shortfall).first
        let main = rows.first { $0.policy.r == options.quorum.r && $0.policy.w == options.quorum.w }
        let configuredCarts = carts.first { $0.resolution == options.resolution }?.outcome
        var summary: [(String, JSONValue)] = [
            ("cart, siblings", .string(kept.finalItems.joined(separator: ","))),
            ("cart, siblings lost", .string(kept.lostItems.joined(separator: ","))),
            ("cart, lww", .string(lww.finalItems.joined(separator: ","))),
            ("cart, lww lost", .string(lww.lostItems.joined(separator: ","))),
        ]
        for row in rows {
            summary.append(("stale reads ‰ R=\(row.policy.r) W=\(row.policy.w)", perMille(row.stale, row.reads)))
        }
        if let main {
            summary += [("configured reads", JSONValue(main.reads)), ("configured stale", JSONValue(main.stale)),
                        ("configured failed", JSONValue(main.failed))]
        }
        if let configuredCarts {
            summary += [("busy carts acknowledged", JSONValue(configuredCarts.acked)),
                        ("busy carts sibling reads", JSONValue(configuredCarts.siblingReads)),
                        ("busy carts lost", JSONValue(configuredCarts.lost.count))]
        }
        summary.append(("invariants", .string("read-after-acknowledged-write (R+W>N, strict), put on W disks, "
            + "durability, no lost additions (siblings); hints handed back within the horizon")))
        timeline.summary(summary)
        return DemoOutcome(violation: violation, shortfall: shortfall)
    }

    private static func staleness(_ options: Options, _ timeline: Timeline) -> [StalenessExperiment.Row] {
        let quorum = options.quorum
        var configs: [(Int, Int)] = [(1, 1), (1, 2), (2, 1), (2, 2)].filter { $0.0 <= options.n && $0.1 <= options.n }
        if !configs.contains(where: { $0 == quorum }) { configs.append(quorum) }
        let experiment = StalenessExperiment(seed: options.seed, nodes: options.nodes, network: options.network,
                                             faults: options.faults,
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
        for row in rows {
            if let finding = row.violation ?? row.shortfall { timeline.note("\(row.policy.label): \(finding.description)") }
        }
        return rows
    }

    private static func concurrentCarts(_ options: Options, _ timeline: Timeline)
        -> [(resolution: Resolution, outcome: ConcurrentCarts.Outcome)] {
        let workload = ConcurrentCarts(seed: options.seed, nodes: options.nodes, network: options.network,
                                       faults: options.faults, addsPerClient: 15)
        let results = Resolution.allCases.map { resolution -> (Resolution, ConcurrentCarts.Outcome) in
            var policy = options.configuredPolicy
            policy.resolution = resolution
            return (resolution, workload.run(policy))
        }
        timeline.table("Same seed, same clients, same faults; only the reconciliation differs",
                       columns: ["resolve", "acked", "failed", "sibling reads", "max siblings", "lost adds",
                                 "hints", "handoffs", "repairs"],
                       rows: results.map { resolution, outcome in
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
        return results.map { ($0.0, $0.1) }
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "-" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `part` of `whole` in per mille, rounded; nil (no reads) as JSON null.
    static func perMille(_ part: Int, _ whole: Int) -> JSONValue {
        whole > 0 ? JSONValue((part * 1000 + whole / 2) / whole) : .null
    }
}
