/// The default run's script: the classic Raft story of Ongaro & Ousterhout 2014 §5.2–5.4
/// told with numbers, plus the two stabilizers of Ongaro's thesis. A leader is elected and
/// commits commands; it crashes and a new one is elected; the old leader restarts and catches
/// up (through InstallSnapshot when the log was compacted past it, §7); then the new leader is
/// cut off alone: it steps down (check quorum, thesis §6.2) while the others elect a third, and
/// when the partition heals it rejoins without disturbing anyone (PreVote, thesis §9.6).
///
/// Simplifications:
/// - Steps happen at fixed times; a step that needs a leader waits for one.

import Simulation

final class RaftStory {
    static let synopsis = "Story: at 1.5s the leader crashes; at 2.5s it restarts and must catch up; at 3.0s "
        + "the new leader is cut off alone: it must step down (check quorum) while the others elect another; "
        + "at 4.2s the partition heals and it rejoins without raising the term (PreVote). Clients keep "
        + "issuing operations throughout."

    let nodeCount: Int
    private(set) var crashed: NodeID?
    private(set) var isFinished = false

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
    }

    func schedule(on cluster: RaftCluster) {
        let times: [UInt64] = [1500, 2500, 3000, 4200]
        for (step, ms) in times.enumerated() {
            cluster.sim.schedule(.script(step), after: (SimTime.zero + .milliseconds(ms)) - cluster.now)
        }
    }

    func perform(_ step: Int, on cluster: RaftCluster, timeline: Timeline) {
        let now = cluster.now
        switch step {
        case 0:
            guard let leader = cluster.leader else { return retry(step, on: cluster) }
            crashed = leader
            timeline.event(now, "script", "crash the leader, n\(leader) (term \(cluster.node(leader)?.currentTerm ?? 0))")
            cluster.sim.inject(.crash(leader))
        case 1:
            guard let crashed else { return }
            timeline.event(now, "script", "restart the old leader n\(crashed): it must catch up")
            cluster.sim.inject(.restart(crashed))
        case 2:
            guard let leader = cluster.leader else { return retry(step, on: cluster) }
            timeline.event(now, "script", "cut the leader n\(leader) off alone: it cannot commit, so it must step "
                               + "down, and the others must elect a new leader")
            cluster.sim.inject(.partition(.isolate(leader, nodeCount: nodeCount)))
        default:
            isFinished = true
            cluster.sim.inject(.heal)
        }
    }

    private func retry(_ step: Int, on cluster: RaftCluster) {
        cluster.sim.schedule(.script(step), after: .milliseconds(100))
    }
}
