/// Drives a SWIM run period by period: applies the scenario's faults, writes to random
/// members, narrates each period's digest, feeds every delivery and report to the invariant
/// checker, and, once faults stop, waits for the group to settle (the liveness half of SWIM's
/// guarantees, §4–§5 of Das, Gupta & Motivala 2002), as `GossipLiveness` defines it.
///
/// Simplifications:
/// - Liveness is judged at period boundaries, within `GossipLiveness.horizon` periods of the
///   last fault or write (the scale run settles in about 35 for 1,000 members).
import Simulation

final class GossipHarness {
    let sim: Simulator<SwimNode, Never>
    let config: SwimConfig
    let scenario: GossipScenario
    let tracker: GossipTracker
    private(set) var checker: GossipInvariantChecker
    private var liveness: GossipLiveness
    private var shortfall: GossipBreach?
    private let timeline: Timeline
    private var writeRNG: SeededRNG
    private(set) var membershipAgreedAt: Int?
    private(set) var storeAgreedAt: Int?
    /// The first period after the faults at which every live member held every crashed one dead.
    private(set) var crashesKnownAt: Int?
    private var unknownCrashText = ""
    var agreedAt: Int? {
        guard let m = membershipAgreedAt, let s = storeAgreedAt else { return nil }
        return max(m, s)
    }
    private(set) var periodsRun = 0
    private var partitioned = false

    init(sim: Simulator<SwimNode, Never>, config: SwimConfig, scenario: GossipScenario, timeline: Timeline) {
        self.sim = sim
        self.config = config
        self.scenario = scenario
        self.timeline = timeline
        tracker = GossipTracker(members: config.members)
        checker = GossipInvariantChecker(members: config.members, period: config.period)
        liveness = GossipLiveness(config: config)
        writeRNG = sim.stream(7)
        checker.networkChanged(partitioned: false, lossy: sim.network.dropPerMille > 0, at: .zero)
    }

    /// The periods liveness has after the last fault or write.
    var horizon: Int { liveness.horizon }

    /// Runs at least `periods` periods, then until the group settles; returns a broken
    /// invariant, or a liveness goal not reached within the horizon (`liveness` set).
    func run(periods: Int) -> GossipBreach? {
        let quiet = max(scenario.faultsEndPeriod, scenario.writesEndPeriod)
        let bound = max(periods, quiet + liveness.horizon)
        var breach: GossipBreach?
        for p in 1...bound {
            let ok = sim.run(until: SimTime.zero + config.period * UInt64(p)) { [unowned self] occurrence in
                breach = self.observe(occurrence)
                return breach == nil
            }
            periodsRun = p
            guard ok else { return breach }
            boundary(p)
            if let shortfall { return shortfall }
            if agreedAt != nil && p >= periods { return nil }
        }
        // At the horizon: a false death younger than it is still within its own horizon.
        if crashesKnownAt != nil && storeAgreedAt != nil { return nil }
        let why = crashesKnownAt == nil ? unknownCrashText : GossipInvariantChecker.storeDisagreement(sim.nodes) ?? "-"
        return GossipBreach(invariant: crashesKnownAt == nil ? "crashed members known" : "store agreement",
                            detail: "not reached \(liveness.horizon) periods (the horizon) after the last fault or "
                                + "write: \(why); a horizon, not lost data", liveness: true)
    }

    private func boundary(_ p: Int) {
        let now = sim.now
        for line in tracker.drain() { timeline.event(now, line.kind, line.text) }
        let spread = tracker.scan(sim.nodes, at: now)
        if !spread.isEmpty {
            timeline.event(now, "spread", "every live member now holds dead: " + spread.joined(separator: ", "))
        }
        if p < scenario.writesEndPeriod, let writer = (0..<config.members).filter(sim.isUp).randomElement(using: &writeRNG) {
            sim.submit(.put(key: Int(writeRNG.below(8)), value: p), to: writer)
            tracker.wrote(at: now)
        }
        checkAgreement(p)
    }

    /// Once faults (and writes) stop: when every live member knows every crash, when the
    /// membership settles (no live member held dead either), when the stores agree, and
    /// whether a false death outlived the horizon.
    private func checkAgreement(_ p: Int) {
        let now = sim.now
        let live = sim.nodes.filter { $0 != nil }.count
        if p > scenario.faultsEndPeriod {
            let scan = liveness.scan(sim.nodes, period: p)
            unknownCrashText = scan.unknownCrash.map { "n\($0.observer) holds crashed n\($0.member) not dead" } ?? ""
            if crashesKnownAt == nil && scan.unknownCrash == nil { crashesKnownAt = p }
            if membershipAgreedAt == nil && scan.settled {
                membershipAgreedAt = p
                timeline.event(now, "agree", "all \(live) live members agree on the membership (\(config.members - live) "
                    + "dead), \(p - scenario.faultsEndPeriod) periods after the last fault")
            }
            if let oldest = scan.oldest, p - oldest.since > liveness.horizon {
                shortfall = GossipBreach(invariant: "false deaths repaired",
                    detail: "n\(oldest.observer) has held live n\(oldest.member) dead since period \(oldest.since), "
                        + "longer than the horizon of \(liveness.horizon) periods; a horizon, not lost data", liveness: true)
            }
        }
        if storeAgreedAt == nil && p > scenario.writesEndPeriod && GossipInvariantChecker.storeDisagreement(sim.nodes) == nil {
            storeAgreedAt = p
            let keys = sim.nodes.first { $0 != nil }??.store.entries.count ?? 0
            timeline.event(now, "agree", "all \(live) live members hold the same store (\(keys) keys), "
                + "\(p - scenario.writesEndPeriod) periods after the last write")
        }
    }

    private func observe(_ occurrence: Simulator<SwimNode, Never>.Occurrence) -> GossipBreach? {
        switch occurrence {
        case .faultApplied(let fault):
            applied(fault)
        case let .delivered(from, to, message):
            tracker.count(message)
            checker.delivered(message, from: from, to: to)
        default:
            break
        }
        for (observer, event) in sim.outputs {
            let up = sim.isUp(event.member)
            tracker.observe(event, by: observer, memberUp: up, at: sim.now)
            if let breach = checker.observe(event, by: observer, up: up, at: sim.now) { return breach }
        }
        return nil
    }

    private func applied(_ fault: Fault) {
        let now = sim.now
        switch fault {
        case .crash(let m):
            checker.down(m, at: now)
            tracker.crashed(m, at: now)
        case .restart(let m):
            checker.down(m, at: now)
            tracker.restarted(m)
        case .partition:
            partitioned = true
        case .heal:
            partitioned = false
        case .network, .link, .crashAfterWrite, .crashDuringWrite:
            break
        }
        checker.networkChanged(partitioned: partitioned, lossy: sim.network.dropPerMille > 0, at: now)
        timeline.event(now, "fault", GossipHarness.describe(fault))
    }

    /// Faults in words that wrap: a partition names its smaller side only.
    static func describe(_ fault: Fault) -> String {
        guard case .partition(let partition) = fault else { return fault.description }
        let sides = partition.groups.sorted { $0.count < $1.count }
        guard let small = sides.first, let large = sides.last else { return fault.description }
        if small.count == 1 { return "partition: n\(small[0]) cut off from the other \(large.count)" }
        return "partition: \(small.count) members cut off from \(large.count): " + small.map { "n\($0)" }.joined(separator: " ")
    }
}
