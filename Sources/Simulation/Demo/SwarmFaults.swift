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

    public var description: String {
        var parts = [FaultMode.drawn(kinds).description]
        if kinds.contains(.crash) { parts.append("up to \(maxDown) down") }
        if kinds.contains(.drop) { parts.append("loss \(dropPerMille)‰, links +\(linkDelayMax.milliseconds)ms") }
        if kinds.contains(.partition), oneWay { parts.append("one-way cuts") }
        parts.append("a fault every ~\(meanGap.milliseconds)ms lasting up to \(maxOutage.milliseconds)ms")
        return parts.joined(separator: "; ")
    }

    /// Draws a configuration from `offers` for a cluster of `nodeCount`.
    public static func draw(offers: FaultPlan.Kinds, nodeCount: Int, rng: inout SeededRNG) -> SwarmProfile {
        let offered = FaultPlan.Kinds.single.map(\.kind).filter { offers.contains($0) }
        var kinds: FaultPlan.Kinds = []
        for kind in offered where rng.below(2) == 0 { kinds.insert(kind) }
        if kinds.isEmpty, let any = rng.pick(offered) { kinds.insert(any) }
        let gaps: [UInt64] = [150, 400, 800, 1500, 5000]
        let outages: [UInt64] = [100, 500, 1500, 4000]
        return SwarmProfile(
            kinds: kinds,
            maxDown: 1 + Int(rng.below(UInt64(max(nodeCount, 1)))),
            meanGap: .milliseconds(rng.pick(gaps)!),
            maxOutage: .milliseconds(rng.pick(outages)!),
            dropPerMille: UInt32(50 + rng.below(900)),
            linkDelayMax: .milliseconds(rng.pick([50, 500, 3000] as [UInt64])!),
            oneWay: rng.below(2) == 0)
    }
}

extension FaultPlan {
    /// A plan drawn from `profile` between `start` and `end`, every fault undone by `end`.
    public static func swarm(_ profile: SwarmProfile, nodeCount: Int, start: SimTime, end: SimTime,
                             baseline: NetworkConditions, rng: inout SeededRNG) -> FaultPlan {
        var plan = FaultPlan.random(kinds: profile.kinds.subtracting(.partition), nodeCount: nodeCount, start: start,
                                    end: end, meanGap: profile.meanGap, maxOutage: profile.maxOutage,
                                    maxDown: profile.maxDown, baseline: baseline, rng: &rng).faults
        // Lossy periods lose what the profile says; the steps back to the baseline stay as they are.
        plan = plan.map { scheduled in
            guard case .network(var conditions) = scheduled.fault, conditions != baseline else { return scheduled }
            conditions.dropPerMille = max(baseline.dropPerMille, profile.dropPerMille)
            return ScheduledFault(at: scheduled.at, .network(conditions))
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
