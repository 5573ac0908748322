import Simulation

/// One simulated PBFT run: boots 3f+1 replicas and the clients, replays the network fault
/// plan, feeds every execution and every accepted reply to `BFTSafetyChecker` as it happens,
/// and gathers the counts the summary prints.
///
/// Simplifications:
/// - The run ends when every client has its replies (plus a short tail for the last
///   checkpoints), or at the horizon (`BFTHorizon`).

struct BFTRunResult {
    var violation: InvariantViolation?
    var conflicts: [BFTSafetyChecker.Conflict] = []
    var sentByKind: [String: Int] = [:]
    var accepted = 0
    var requested = 0
    var latencies: [SimDuration] = []
    var viewChangesSent = 0
    var newViews: [Int] = []
    var stableCheckpoints: [Int] = []
    var stateTransfers = 0
    var retransmits = 0
    var rejected = 0
    var executedSeqs = 0
    var finalView = 0
    var finished: SimTime = .zero
    var horizon: SimTime = .zero
    /// Requests not accepted within the horizon.
    var shortfall: InvariantViolation?
    var stats: Simulator<PBFTNode, Never>.Statistics?
}

struct BFTRun {
    let options: PBFTDemo.Options
    let config: BFTConfig
    let plan: FaultPlan
    let printer: BFTPrinter?

    func run() -> BFTRunResult {
        let o = options
        let n = config.replicas
        let sim = Simulator<PBFTNode, Never>(seed: o.seed, nodeCount: n + o.clients, network: PBFTDemo.baseline, faults: plan,
                                             disks: Array(repeating: BFTDurable(config: config), count: n + o.clients))
        for client in n..<(n + o.clients) {
            sim.submit(.startClient(requests: o.requestsPerClient, think: BFTHorizon.think, retry: BFTHorizon.retry), to: client)
        }
        var checker = BFTSafetyChecker(replicas: n, faulty: config.faulty)
        var result = BFTRunResult()
        result.requested = o.clients * o.requestsPerClient
        let expectBreak = config.faulty.count > config.f
        let horizon = BFTHorizon(options: o, config: config, plan: plan)
        result.horizon = horizon.end
        var doneAt: SimTime?
        sim.run(until: horizon.end) { occurrence in
            for (node, output) in sim.outputs {
                if let (invariant, detail) = record(output, node: node, into: &result, checker: &checker) {
                    if !expectBreak {
                        result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: o.seed,
                                                              step: sim.stats.events, time: sim.now)
                    } else if invariant == "agreement" {
                        printer?.predictedBreak(detail, node: node, at: sim.now)
                    }
                }
                printer?.output(output, node: node, at: sim.now, checker: checker)
            }
            if case .faultApplied(let fault) = occurrence { printer?.fault(fault, at: sim.now) }
            if result.violation != nil { return false }
            if doneAt == nil, result.accepted == result.requested { doneAt = sim.now }
            if let doneAt, sim.now > doneAt + .milliseconds(100), sim.now >= horizon.quietAfter { return false }
            return true
        }
        result.finished = sim.now
        result.conflicts = checker.conflicts
        result.stats = sim.stats
        result.finalView = (0..<n).compactMap { sim.nodes[$0]?.replica }.filter { checker.isCorrect($0.id) }.map(\.view).max() ?? 0
        if result.violation == nil && !expectBreak && result.accepted < result.requested {
            result.shortfall = InvariantViolation(
                invariant: "every request accepted",
                detail: "\(result.accepted) of \(result.requested) requests accepted by the horizon \(horizon.end) "
                    + "(\(horizon.end - horizon.quietAfter) after the last fault, from the requests per client, the "
                    + "retransmission period and f+2 doubling view-change timeouts), with at most f faulty replicas; "
                    + "this is a horizon, not lost data",
                seed: o.seed, step: sim.stats.events, time: sim.now)
        }
        return result
    }

    private func record(_ output: BFTOutput, node: NodeID, into result: inout BFTRunResult,
                        checker: inout BFTSafetyChecker) -> (String, String)? {
        switch output {
        case .sent(let kind, _): result.sentByKind[kind, default: 0] += 1
        case let .executed(seq, _, request, value):
            if checker.isCorrect(node) { result.executedSeqs = max(result.executedSeqs, seq) }
            return checker.executed(replica: node, seq: seq, request: request, result: value)
        case let .accepted(request, value, _, latency):
            result.accepted += 1
            result.latencies.append(latency)
            return checker.accepted(request, result: value)
        case .retransmit: result.retransmits += 1
        case .viewChangeSent: result.viewChangesSent += 1
        case let .newViewInstalled(view, _, _, _, _, primary):
            if primary { result.newViews.append(view) }
        case let .checkpointStable(seq, _):
            if !result.stableCheckpoints.contains(seq) && checker.isCorrect(node) { result.stableCheckpoints.append(seq) }
        case .stateTransferred(let seq):
            result.stateTransfers += 1
            checker.transferred(replica: node, seq: seq)
        case .rejected: result.rejected += 1
        case .prepared, .committed, .suspectsPrimary, .misbehaved: break
        }
        return nil
    }
}
