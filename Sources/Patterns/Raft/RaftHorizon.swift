/// How long a Raft demo run keeps looking for its liveness goals (every operation completed,
/// the replicas converged) once the last fault is over, computed from the run's own settings
/// rather than a fixed cap. Raft is live once a majority can talk and elections settle
/// (Ongaro & Ousterhout 2014, §5.2 and §9.3: randomized timeouts make split votes rare, so a
/// leader emerges within a few election timeouts).
///
/// - `patience`: the longest stretch without progress (an operation completed, an entry
///   committed or applied) that a live cluster needs: ten election rounds, each a timeout
///   drawn up to its maximum, the (pre-)vote round trips at the network's slowest and the
///   durable writes of term and vote; plus a client operation's deadline and its longest pause.
/// - `limit`: an outer bound that progress cannot push past, so that a livelock ends: the
///   clients' whole schedule at its slowest (every operation waiting out its deadline), then
///   a log's worth of catch-up batches, then one patience.
///
/// Simplifications:
/// - Ten election rounds is a margin, not a bound: with timeouts spread over 300–600 ms the
///   thesis's split-vote odds are a few percent a round.

import Simulation

struct RaftHorizon {
    let patience: SimDuration
    let limit: SimTime

    static let electionRounds: UInt64 = 10

    init(config: RaftConfig, workload: RaftWorkload, network: NetworkConditions, storage: StorageConditions,
         quietAfter: SimTime) {
        let oneWay = max(network.delayMax, network.tailDelayMax)
        let write = storage.writeLatency + storage.writeJitter
        let voteTrips: UInt64 = config.preVote ? 2 : 1
        let round = config.electionTimeoutMax + oneWay * (2 * voteTrips) + write * 2
        let pause = workload.thinkTime * 2
        patience = round * Self.electionRounds + workload.deadline + pause
        let perSlot = UInt64((workload.operations + workload.clients - 1) / workload.clients)
        let schedule = (pause + workload.deadline + oneWay * 2) * perSlot
        let batches = UInt64(workload.operations / max(config.maxEntriesPerMessage, 1) + 1)
        let catchUp = (config.heartbeat + oneWay * 2 + write) * batches
        let clientsDone = workload.start + schedule
        limit = (clientsDone > quietAfter ? clientsDone : quietAfter) + catchUp + patience
    }
}
