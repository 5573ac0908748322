/// Crashes timed to Raft's own moments, as Jepsen's nemeses that target the primary are: a
/// node crashes the moment it starts an election, becomes leader (its term's write may still
/// be in flight), appends a command as leader (before anyone else holds it: the first step of
/// the paper's Figure 8) or, as leader, advances its commit index (before followers learn of
/// it: Figure 8's last step), and restarts after an outage. The fault plan's crashes land at times
/// unrelated to votes and appends, and the classic bugs live exactly there.
///
/// Drawn per seed under swarm faults only (half the seeds get one), with its chance per moment
/// and its outage; it strikes no later than an outage before the end of the fault window, so
/// every restart is done before liveness is judged.

import Simulation

struct RaftNemesis: CustomStringConvertible {
    let perMille: UInt32
    let outageMax: SimDuration
    /// No crash after this time.
    let until: SimTime
    var rng: SeededRNG

    var description: String {
        "crashes a node at \(perMille)‰ of its elections, wins, and appends and commits as leader, for up to "
            + "\(outageMax.milliseconds) ms"
    }

    /// The nemesis of this seed, if it drew one.
    static func draw(_ options: RaftDemo.Options, faultEnd: SimTime) -> RaftNemesis? {
        guard case .swarm = options.faults else { return nil }
        var rng = SeededRNG(seed: options.seed).stream(5)
        guard rng.below(2) == 0 else { return nil }
        let perMille = rng.pick([50, 200, 500] as [UInt32])!
        let outageMax = rng.pick([SimDuration.milliseconds(100), .milliseconds(600), .milliseconds(1500)])!
        return RaftNemesis(perMille: perMille, outageMax: outageMax, until: SimTime(nanoseconds: faultEnd.nanoseconds - min(outageMax.nanoseconds, faultEnd.nanoseconds)),
                           rng: rng)
    }

    /// Looks at one step's outputs and strikes at the moments it waits for.
    mutating func observe(_ cluster: RaftCluster) {
        guard cluster.now < until else { return }
        for (node, output) in cluster.sim.outputs where cluster.sim.isUp(node) {
            switch output {
            case .electionStarted, .becameLeader: break
            case .logChanged, .committed: if cluster.sim.nodes[node]?.role != .leader { continue }
            default: continue
            }
            guard rng.chance(perMille: perMille) else { continue }
            cluster.sim.inject(.crash(node))
            cluster.sim.inject(.restart(node), after: SimDuration.random(in: outageMax / 12, outageMax, using: &rng))
        }
    }
}
