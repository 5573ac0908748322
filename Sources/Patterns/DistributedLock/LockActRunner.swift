/// Runs one act of the lock demo on a fresh simulator: configures service and storage, hands
/// each client its jobs, feeds every report to the `LockAuditor` (stopping at the first broken
/// invariant) and, for the scripted acts, prints every report as a timeline event. At the end
/// it checks liveness: every job of a client that never crashed has finished.
///
/// A run stops at a horizon computed from its jobs (`horizon(_:)`); a job of a live client
/// unfinished by then is a shortfall (INCOMPLETE), not a broken lock.
import Simulation

extension DistributedLockDemo {
    static func runAct(_ options: Options, jobs: [[LockJob]], fencing: Bool, faults: FaultPlan,
                       network: NetworkConditions, timeline: Timeline?) -> ActResult {
        let nodeCount = options.clients + 2
        // The service and the storage start from their configured, empty state; clients keep nothing.
        let disks: [LockNode.Durable?] = [.service(LockService(flaw: options.flaw))]
            + Array(repeating: nil, count: nodeCount - 2) + [.storage(FencedStorage(fencing: fencing))]
        let sim = Simulator<LockNode, Never>(seed: options.seed, nodeCount: nodeCount, network: network, faults: faults,
                                             disks: disks)
        for (index, list) in jobs.enumerated() { sim.submit(.run(list), to: index + 1) }
        var result = ActResult(auditor: LockAuditor(fencing: fencing))
        var donePerClient = Array(repeating: 0, count: nodeCount)
        let assigned = jobs.reduce(0) { $0 + $1.count }
        let horizon = Self.horizon(jobs)
        // The nodes that went down, as the simulator reports it: a `crashAfterWrite` in the
        // plan is a crash only once its trap springs (it then applies as a `crash`), and one
        // whose node never writes again before its restart crashes nothing.
        var crashed = Set<NodeID>()
        sim.run(until: .zero + horizon) { occurrence in
            if case .faultApplied(let fault) = occurrence {
                timeline?.event(sim.now, "fault", fault.description)
                if case .crash(let node) = fault { crashed.insert(node) }
            }
            for (node, output) in sim.outputs {
                show(output, node: node, at: sim.now, timeline: timeline)
                tally(output, into: &result, done: &donePerClient)
                if let (invariant, detail) = result.auditor.observe(output, at: sim.now) {
                    result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: options.seed,
                                                          step: sim.stats.events, time: sim.now)
                    return false
                }
            }
            return result.jobsDone < assigned
        }
        result.crashes = sim.stats.crashes
        for (index, list) in jobs.enumerated() where crashed.contains(index + 1) {
            result.jobsLost += list.count - donePerClient[index + 1]
        }
        if result.violation == nil,
           let (index, list) = jobs.enumerated().first(where: { !crashed.contains($0.offset + 1) && donePerClient[$0.offset + 1] < $0.element.count }) {
            result.shortfall = InvariantViolation(invariant: "every job finishes",
                detail: "n\(index + 1) finished \(donePerClient[index + 1]) of \(list.count) jobs by the horizon of "
                    + "\(horizon) (from its jobs' timeouts, holds, pauses and leases); a horizon, not a broken lock",
                seed: options.seed, step: sim.stats.events, time: sim.now)
        }
        return result
    }

    /// How long an act may take: the faults' window (12 s, outages up to 1.5 s), then the
    /// slowest client's jobs one after another, each at its worst: its start delay, twice its
    /// acquire timeout (a lost request is retried), its hold, its pause, two leases and a
    /// second of retries. A correct run ends long before; the bound only stops a stall.
    static func horizon(_ jobs: [[LockJob]]) -> SimDuration {
        let perClient = jobs.map { list in
            list.reduce(SimDuration.zero) { total, job in
                total + job.startAfter + job.timeout * 2 + job.hold + job.pauseBeforeWrite + job.ttl * 2 + .seconds(1)
            }
        }
        return .seconds(15) + perClient.reduce(.zero, max)
    }

    static func tally(_ output: LockOutput, into result: inout ActResult, done: inout [Int]) {
        switch output {
        case let .jobDone(client, _, outcome):
            result.jobsDone += 1
            done[client] += 1
            result.results[outcome, default: 0] += 1
        case .expired: result.expired += 1
        case .waiterTimedOut: result.timeouts += 1
        default: break
        }
    }

    static func show(_ output: LockOutput, node: NodeID, at now: SimTime, timeline: Timeline?) {
        guard let timeline else { return }
        let (kind, text): (String, String)
        switch output {
        case let .granted(client, mode, token, expiresAt):
            (kind, text) = ("grant", "n\(client) gets \(mode.rawValue) lease, token \(token), until \(expiresAt)")
        case let .renewed(token, expiresAt): (kind, text) = ("renew", "token \(token) renewed until \(expiresAt)")
        case .released(let token): (kind, text) = ("release", "token \(token) released")
        case .expired(let token): (kind, text) = ("expire", "lease with token \(token) expired: its holder went silent")
        case .waiterTimedOut(let client): (kind, text) = ("timeout", "n\(client) waited too long; request dropped")
        case let .accepted(client, token, value):
            (kind, text) = ("write", "accepted from n\(client), token \(token): value is now \"\(value)\"")
        case let .rejected(client, token, highest):
            (kind, text) = ("REJECT", "write from n\(client) with token \(token) < \(highest) already seen: stale holder fenced off")
        case let .readBy(client, token): (kind, text) = ("read", "read by n\(client) with token \(token)")
        case let .jobDone(_, job, result): (kind, text) = ("job", "job \(job): \(result)")
        case .note(let message): (kind, text) = ("client", message)
        }
        timeline.event(now, node: node, kind, text)
    }

    static func printAct3(_ act: ActResult, options: Options, timeline: Timeline) {
        let rows: [[JSONValue]] = [
            ["grants", JSONValue(act.auditor.grants)],
            ["grants sharing with live readers", JSONValue(act.auditor.sharedOverlaps)],
            ["leases expired (holder silent)", JSONValue(act.expired)],
            ["acquires timed out in queue", JSONValue(act.timeouts)],
            ["stale writes rejected by fencing", JSONValue(act.auditor.rejectedWrites)],
            ["stale writes accepted (corruption)", JSONValue(act.auditor.corruptions.count)],
            ["crashes injected", JSONValue(act.crashes)],
            ["jobs lost with a crashed client", JSONValue(act.jobsLost)],
        ] + act.results.keys.sorted().map { [.string("jobs: " + $0), JSONValue(act.results[$0] ?? 0)] }
        timeline.table("Random act (\(options.clients) clients x \(options.jobsPerClient) jobs, lossy network)",
                       columns: ["what", "count"], rows: rows)
    }
}
