/// The faults a gossip run suffers, in protocol periods: the story (crashes, a short isolation
/// that SWIM's suspicion must absorb, a partition long enough to split the group, a restart)
/// or the scale experiment (crashes only, to measure detection and dissemination against the
/// SWIM paper's analysis, Das, Gupta & Motivala 2002 §5), plus an optional random plan.
///
/// Simplifications:
/// - Which members fail is drawn from the seed; when they fail is fixed, so runs compare.
import Simulation

public enum GossipExperiment: String, CaseIterable, Sendable {
    case story, scale
}

struct GossipScenario {
    var faults: [ScheduledFault] = []
    /// The period after which no scripted or random fault strikes.
    var faultsEndPeriod: Int
    /// Writes go to random members every period before this one.
    var writesEndPeriod: Int
    var killed: [NodeID] = []
    var notes: [String] = []

    static func make(_ experiment: GossipExperiment, members n: Int, kill: Int, suspicionPeriods: Int,
                     period: SimDuration, rng: inout SeededRNG) -> GossipScenario {
        func at(_ p: Int) -> SimTime { SimTime.zero + period * UInt64(p) + period / 2 }
        var shuffled = Array(0..<n)
        shuffled.shuffle(using: &rng)
        let killed = Array(shuffled.prefix(min(kill, n - 2)))
        var s = GossipScenario(faultsEndPeriod: 20, writesEndPeriod: 30, killed: killed)
        let crashAt = experiment == .scale ? 20 : 10
        s.faults += killed.map { ScheduledFault(at: at(crashAt), .crash($0)) }
        s.notes.append("period \(crashAt): crash \(killed.map { "n\($0)" }.joined(separator: ", "))")
        guard experiment == .story, n >= 4 else { return s }
        let isolated = shuffled[killed.count]
        s.faults += [ScheduledFault(at: at(25), .partition(.isolate(isolated, nodeCount: n))),
                     ScheduledFault(at: at(29), .heal)]
        s.notes.append("period 25: isolate n\(isolated) for 4 periods (< \(suspicionPeriods)-period suspicion timeout)")
        let rest = Array(shuffled[killed.count...])
        let cut = max(1, rest.count / 4)
        let heal = 40 + suspicionPeriods + 4
        s.faults += [ScheduledFault(at: at(40), .partition(.split(Array(rest[..<cut]), Array(rest[cut...]), nodeCount: n))),
                     ScheduledFault(at: at(heal), .heal)]
        s.notes.append("period 40: split \(cut) members from the rest until period \(heal) (> suspicion timeout)")
        if let back = killed.first {
            s.faults.append(ScheduledFault(at: at(heal + 6), .restart(back)))
            s.notes.append("period \(heal + 6): restart n\(back)")
        }
        s.faultsEndPeriod = heal + 6
        s.writesEndPeriod = heal + 6
        return s
    }
}
