/// The default run's script: the classic Raft story of Ongaro & Ousterhout 2014 §5.2–5.4
/// told with numbers. A leader is elected and commits commands; the leader crashes and a new
/// one is elected; a follower is cut off (PreVote keeps it from inflating terms, thesis §9.6);
/// the old leader restarts and catches up, through InstallSnapshot when the log moved past it.
///
/// Simplifications:
/// - Steps happen at fixed times; the crash waits for a leader if none is known yet.

import Simulation

struct RaftStory {
    static let synopsis = "Story: at 1.5s the leader crashes; at 2.6s a follower is cut off for 1s; "
        + "at 4.0s the old leader restarts and must catch up. Clients keep issuing operations throughout."

    let nodeCount: Int
    private(set) var crashed: NodeID?
    private(set) var isFinished = false

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
    }

    func schedule(on cluster: RaftCluster) {
        let times: [UInt64] = [1500, 2600, 3600, 4000]
        for (step, ms) in times.enumerated() {
            cluster.sim.schedule(.script(step), after: (SimTime.zero + .milliseconds(ms)) - cluster.now)
        }
    }

    mutating func perform(_ step: Int, on cluster: RaftCluster, timeline: Timeline) {
        let now = cluster.now
        switch step {
        case 0:
            guard let leader = cluster.leader else {
                cluster.sim.schedule(.script(0), after: .milliseconds(100))
                return
            }
            crashed = leader
            timeline.event(now, "script", "crash the leader, n\(leader) (term \(cluster.node(leader)?.currentTerm ?? 0))")
            cluster.sim.inject(.crash(leader))
        case 1:
            let leader = cluster.leader
            guard let follower = (0..<nodeCount).first(where: { cluster.sim.isUp($0) && $0 != leader }) else { return }
            timeline.event(now, "script", "cut follower n\(follower) off for 1s: it will time out, but PreVote "
                               + "keeps it from raising everybody's term")
            cluster.sim.inject(.partition(.isolate(follower, nodeCount: nodeCount)))
        case 2:
            cluster.sim.inject(.heal)
        default:
            isFinished = true
            guard let crashed else { return }
            timeline.event(now, "script", "restart the old leader n\(crashed)")
            cluster.sim.inject(.restart(crashed))
        }
    }
}
