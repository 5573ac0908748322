/// How long a PBFT demo run waits for every client request to be accepted, computed from
/// the run's own settings instead of a fixed deadline. With at most f faulty replicas and a
/// healed network PBFT is live (Castro & Liskov 1999, §4.5.2): a client that gets no f+1
/// matching replies retransmits, backups that see a request stall start a view change, and
/// view-change timeouts double until 2f+1 replicas agree on a correct primary.
///
/// - Requests: each client runs its requests one at a time; each takes at most a think pause
///   and two retransmission periods once a correct primary leads.
/// - View changes: up to f+2 in a row (f faulty primaries and one the network disturbed), the
///   k-th waiting out a timeout doubled k times and its NEW-VIEW's own wait, twice as long.
///
/// Simplifications:
/// - The bounds are margins over what the protocol needs, not tight worst cases; a run that
///   ends earlier (every request accepted) never reaches them.

import Simulation

struct BFTHorizon {
    /// When the run stops looking for acceptances; INCOMPLETE if some are missing then.
    let end: SimTime
    /// When the last fault, drawn or injected, is over.
    let quietAfter: SimTime

    static let think = SimDuration.milliseconds(20)
    static let retry = SimDuration.milliseconds(150)

    init(options o: PBFTDemo.Options, config: BFTConfig, plan: FaultPlan) {
        let window = SimTime.zero + o.faultWindow
        let lastFault = plan.faults.last?.at ?? .zero
        quietAfter = lastFault > window ? lastFault : window
        let requests = (Self.think + Self.retry * 2) * UInt64(o.requestsPerClient)
        let doublings = UInt64(1) << UInt64(o.f + 3)
        let viewChanges = config.viewChangeTimeout * 2 * (doublings - 1)
        end = quietAfter + requests + viewChanges
    }
}
