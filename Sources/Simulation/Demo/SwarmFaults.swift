/// Swarm testing for faults (Groce et al., "Swarm Testing", ISSTA 2012; as FoundationDB's and
/// TigerBeetle's simulators do it): instead of one fixed, gentle mix of faults for every seed,
/// each seed first draws its own configuration (which kinds are on, and how hard each
/// strikes), then the faults themselves. Some seeds crash a majority at once, some delay
/// messages by seconds or cut one direction of a link, some barely fault at all; bugs that
/// need an unusual mix stop hiding behind the average one.
///
/// Every fault is undone by `end`, so that liveness can be judged in the quiet phase after it;
/// safety must hold throughout, majority crashes included.
public struct SwarmProfile: Equatable, Sendable, CustomStringConvertible {
    public var kinds: FaultPlan.Kinds
    /// How many nodes may be down at once: up to all of them.
    public var maxDown: Int
    public var meanGap: SimDuration
    public var maxOutage: SimDuration
    /// The loss of a lossy period, per mille.
    public var dropPerMille: UInt32
    /// How much longer a slowed link's messages take, at most.
    public var linkDelayMax: SimDuration
    /// Whether partitions may be one-way cuts of single links.
    public var oneWay: Bool
    /// Whether half the crashes are timed between a write and its reply (`Fault.crashAfterWrite`).
    public var crashAfterWrite: Bool

    public var description: String {
        var parts = [FaultMode.drawn(kinds).description]
        if kinds.contains(.crash) {
            parts.append("up to \(maxDown) down" + (crashAfterWrite ? ", crashes after writes" : ""))
        }
        if kinds.contains(.drop) { parts.append("loss \(dropPerMille)‰, links +\(linkDelayMax.milliseconds)ms") }
        if kinds.contains(.partition), oneWay { parts.append("one-way cuts") }
        parts.append("a fault every ~\(meanGap.milliseconds)ms lasting up to \(maxOutage.milliseconds)ms")
        return parts.joined(separator: "; ")
    }

    /// Draws a configuration from `offers` for a cluster of `nodeCount`, around a demo's own
    /// pace: gaps from a quarter to six times `meanGap`, outages from a twelfth to three times
    /// `maxOutage`. Link delays are absolute (up to 3 s), as a congested or flapping link is.
    public static func draw(offers: FaultPlan.Kinds, nodeCount: Int, meanGap: SimDuration = .milliseconds(700),
                            maxOutage: SimDuration = .milliseconds(1500), rng: inout SeededRNG) -> SwarmProfile {
        let offered = FaultPlan.Kinds.single.map(\.kind).filter { offers.contains($0) }
        var kinds: FaultPlan.Kinds = []
        for kind in offered where rng.below(2) == 0 { kinds.insert(kind) }
        if kinds.isEmpty, let any = rng.pick(offered) { kinds.insert(any) }
        let gaps: [SimDuration] = [meanGap / 4, meanGap / 2, meanGap, meanGap * 2, meanGap * 6]
        let outages: [SimDuration] = [maxOutage / 12, maxOutage / 3, maxOutage, maxOutage * 3]
        return SwarmProfile(
            kinds: kinds,
            maxDown: 1 + Int(rng.below(UInt64(max(nodeCount, 1)))),
            meanGap: max(rng.pick(gaps)!, .milliseconds(1)),
            maxOutage: max(rng.pick(outages)!, .milliseconds(1)),
            dropPerMille: UInt32(50 + rng.below(900)),
            linkDelayMax: .milliseconds(rng.pick([50, 500, 3000] as [UInt64])!),
            oneWay: rng.below(2) == 0,
            crashAfterWrite: rng.below(2) == 0)
    }
}

/// How a demo's drawn faults are laid out: when they may strike, and the pace and reach of
/// the steady mix that names of kinds (`--faults crash,drop`) ask for.
public struct FaultWindow: Sendable {
    public var start: SimTime
    /// Every fault is undone by then, so liveness can be judged after it.
    public var end: SimTime
    public var meanGap: SimDuration
    public var maxOutage: SimDuration
    /// The most nodes the steady mix takes down at once (swarm draws its own, up to all).
    public var maxDown: Int
    /// The network the run has when no fault is in force.
    public var baseline: NetworkConditions
    /// Whether swarm traps may also land in the middle of a write (`Fault.crashDuringWrite`):
    /// for demos whose disks take time, where a message sent ahead of a write is the hazard.
    public var trapsDuringWrites = false

    public init(start: SimTime, end: SimTime, meanGap: SimDuration, maxOutage: SimDuration, maxDown: Int,
                baseline: NetworkConditions) {
        self.start = start
        self.end = end
        self.meanGap = meanGap
        self.maxOutage = maxOutage
        self.maxDown = maxDown
        self.baseline = baseline
    }
}

/// The faults drawn for one seed, and the swarm configuration they were drawn from, if any.
public struct DrawnFaults: Equatable, Sendable {
    public var plan: FaultPlan
    public var profile: SwarmProfile?

    public init(plan: FaultPlan, profile: SwarmProfile? = nil) {
        self.plan = plan
        self.profile = profile
    }

    /// No faults drawn.
    public static let none = DrawnFaults(plan: .none)
}

extension FaultPlan {
    /// The faults `mode` asks for over `window`, drawn from `rng`: none for a story or `none`,
    /// the steady mix for named kinds, a swarm configuration and then its faults for `all`.
    public static func draw(_ mode: FaultMode, nodeCount: Int, window: FaultWindow,
                            rng: inout SeededRNG) -> DrawnFaults {
        switch mode {
        case .story:
            return DrawnFaults(plan: .none)
        case .drawn(let kinds):
            return DrawnFaults(plan: random(kinds: kinds, nodeCount: nodeCount, start: window.start, end: window.end,
                                            meanGap: window.meanGap, maxOutage: window.maxOutage,
                                            maxDown: window.maxDown, baseline: window.baseline, rng: &rng))
        case .swarm(let offers):
            let profile = SwarmProfile.draw(offers: offers, nodeCount: nodeCount, meanGap: window.meanGap,
                                            maxOutage: window.maxOutage, rng: &rng)
            return DrawnFaults(plan: swarm(profile, nodeCount: nodeCount, start: window.start, end: window.end,
                                           baseline: window.baseline, duringWrites: window.trapsDuringWrites,
                                           rng: &rng), profile: profile)
        }
    }
}

extension FaultPlan {
    /// A plan drawn from `profile` between `start` and `end`, every fault undone by `end`.
    public static func swarm(_ profile: SwarmProfile, nodeCount: Int, start: SimTime, end: SimTime,
                             baseline: NetworkConditions, duringWrites: Bool = false,
                             rng: inout SeededRNG) -> FaultPlan {
        var plan = FaultPlan.random(kinds: profile.kinds.subtracting(.partition), nodeCount: nodeCount, start: start,
                                    end: end, meanGap: profile.meanGap, maxOutage: profile.maxOutage,
                                    maxDown: profile.maxDown, baseline: baseline, rng: &rng).faults
        // Lossy periods lose what the profile says; the steps back to the baseline stay as they are.
        plan = plan.map { scheduled in
            guard case .network(var conditions) = scheduled.fault, conditions != baseline else { return scheduled }
            conditions.dropPerMille = max(baseline.dropPerMille, profile.dropPerMille)
            return ScheduledFault(at: scheduled.at, .network(conditions))
        }
        if profile.crashAfterWrite {
            // Half the crashes wait for the node's next write (to land after it, or, with
            // `duringWrites`, half of those in its middle); the restart stays where it was.
            plan = plan.map { scheduled in
                guard case .crash(let node) = scheduled.fault, rng.below(2) == 0 else { return scheduled }
                let during = duringWrites && rng.below(2) == 0
                return ScheduledFault(at: scheduled.at, during ? .crashDuringWrite(node) : .crashAfterWrite(node))
            }
        }
        if profile.kinds.contains(.partition) {
            plan += partitions(profile, nodeCount: nodeCount, start: start, end: end, rng: &rng)
        }
        if profile.kinds.contains(.drop) && nodeCount > 1 {
            plan += slowLinks(profile, nodeCount: nodeCount, start: start, end: end, rng: &rng)
        }
        return FaultPlan(plan)
    }

    /// Partitions, isolations and, with `oneWay`, single-direction cuts; healed before the next.
    static func partitions(_ profile: SwarmProfile, nodeCount: Int, start: SimTime, end: SimTime,
                           rng: inout SeededRNG) -> [ScheduledFault] {
        guard nodeCount > 1 else { return [] }
        var faults: [ScheduledFault] = []
        var now = start + SimDuration.random(in: .zero, profile.meanGap, using: &rng)
        while now < end {
            let until = min(now + SimDuration.random(in: profile.maxOutage / 4, profile.maxOutage, using: &rng), end)
            if profile.oneWay && rng.below(2) == 0 {
                let from = Int(rng.below(UInt64(nodeCount)))
                var to = Int(rng.below(UInt64(nodeCount - 1)))
                if to >= from { to += 1 }
                faults.append(ScheduledFault(at: now, .link(LinkFault(from: from, to: to, cut: true))))
            } else {
                faults.append(ScheduledFault(at: now, .partition(randomPartition(nodeCount: nodeCount, rng: &rng))))
            }
            faults.append(ScheduledFault(at: until, .heal))
            now = until + SimDuration.random(in: profile.meanGap / 2, profile.meanGap * 3 / 2, using: &rng)
        }
        return faults
    }

    /// Links that deliver up to seconds late until the next heal (a partition's, or the one at `end`).
    static func slowLinks(_ profile: SwarmProfile, nodeCount: Int, start: SimTime, end: SimTime,
                          rng: inout SeededRNG) -> [ScheduledFault] {
        guard profile.linkDelayMax > .zero else { return [] }
        var faults: [ScheduledFault] = []
        var now = start + SimDuration.random(in: profile.meanGap, profile.meanGap * 3, using: &rng)
        while now < end {
            let from = Int(rng.below(UInt64(nodeCount)))
            var to = Int(rng.below(UInt64(nodeCount - 1)))
            if to >= from { to += 1 }
            let extra = SimDuration.random(in: profile.linkDelayMax / 2, profile.linkDelayMax, using: &rng)
            faults.append(ScheduledFault(at: now, .link(LinkFault(from: from, to: to, extraDelay: extra))))
            now = now + SimDuration.random(in: profile.meanGap * 2, profile.meanGap * 6, using: &rng)
        }
        if !faults.isEmpty { faults.append(ScheduledFault(at: end, .heal)) }
        return faults
    }
}

extension Timeline {
    /// Says which swarm configuration a seed drew, before its faults strike (nothing otherwise).
    public func announce(_ drawn: DrawnFaults) {
        guard let profile = drawn.profile else { return }
        note("swarm faults for this seed: \(profile)")
    }
}
