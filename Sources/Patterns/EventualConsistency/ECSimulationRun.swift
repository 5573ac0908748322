import Simulation

/// One simulated run of the eventually consistent store in one anti-entropy mode: replays the
/// workload and fault plan, checks the invariants after every step (`ConvergenceChecker`),
/// and measures how long the replicas take to converge once writes stop and faults heal, and
/// how many bytes that costs. The demo runs it twice, once per mode, on the same seed.
///
/// Simplifications:
/// - Convergence is detected by comparing all stores after every step past the quiesce
///   point, so its time is exact to the step.

public struct ECRunResult: Sendable {
    public var mode: AntiEntropyMode
    public var violation: InvariantViolation?
    /// Convergence not reached by the horizon.
    public var shortfall: InvariantViolation?
    /// From quiesce (writes stopped, faults healed) to identical stores; nil if never.
    public var convergence: SimDuration?
    public var antiEntropyBytes = 0
    public var antiEntropyMessages = 0
    /// Anti-entropy bytes sent between quiesce and convergence.
    public var bytesToConverge = 0
    public var readBytes = 0
    public var sessions = 0
    public var sessionsInSync = 0
    public var leavesDiffering = 0
    public var keysApplied = 0
    public var readsDone = 0
    public var readsStale = 0
    public var readRepairs = 0
    public var writesAccepted = 0
    public var writesLost = 0
    /// Writes a replica took and crashed before acknowledging (durable or not: indeterminate).
    public var writesUnacknowledged = 0
    public var writesSuperseded = 0
    public var stats: Simulator<ECReplica, ECExternal>.Statistics?
    public var finalRoot: UInt64 = 0
    /// When writes had stopped and the last fault was over.
    public var quiesce = SimTime.zero
}

public enum ECExternal: Sendable {
    case progress
    case quiesce
}

struct ECSimulationRun {
    let options: EventualConsistencyDemo.Options
    let mode: AntiEntropyMode
    let workload: [ECOperation]
    let plan: FaultPlan
    let baseline: NetworkConditions
    /// Where events go; nil for the silent comparison run.
    let printer: ECPrinter?

    func run() -> ECRunResult {
        let o = options
        let config = ECConfig(mode: mode, keyCount: o.keys, treeDepth: o.treeDepth, preloaded: o.preloaded,
                              antiEntropyPeriod: o.antiEntropyPeriod, brokenMerge: o.brokenMerge)
        let sim = Simulator<ECReplica, ECExternal>(seed: o.seed, nodeCount: o.replicas, network: baseline, faults: plan,
                                                   disks: Array(repeating: ECDurable(config: config), count: o.replicas))
        for op in workload { sim.submit(op.command, to: op.replica, after: op.at) }
        // Convergence is judged once writes have stopped and the last fault (drawn or injected) is over.
        let quiesce = max(SimTime.zero + o.writePhase, plan.faults.last?.at ?? .zero)
        var tick = SimDuration.milliseconds(500)
        while tick < o.writePhase { sim.schedule(.progress, after: tick); tick = tick + .milliseconds(500) }
        sim.schedule(.quiesce, after: quiesce - .zero)

        var result = ECRunResult(mode: mode)
        result.quiesce = quiesce
        let initial = o.preloaded ? ReplicaStore.initialData(keyCount: o.keys) : Array(repeating: nil, count: o.keys)
        var checker = ConvergenceChecker(replicas: o.replicas, initial: initial)
        let deadline = quiesce + o.horizon
        func violation(_ invariant: String, _ detail: String) -> InvariantViolation {
            InvariantViolation(invariant: invariant, detail: detail, seed: o.seed, step: sim.stats.events, time: sim.now)
        }
        sim.run(until: deadline) { occurrence in
            for (node, output) in sim.outputs {
                record(output, node: node, into: &result, checker: &checker, sim: sim)
            }
            if case .commandLost(let node, .write(let key, _)) = occurrence {
                result.writesLost += 1
                printer?.lostWrite(sim.now, node: node, key: key)
            }
            // The replica took the write and said nothing: it crashed in between (a crash after
            // a durable write). The write may surface later or never; the checker allows both.
            if case .commandHandled(let node, .write(let key, let value)) = occurrence,
               !sim.outputs.contains(where: { $0.node == node && $0.output.isWrote }) {
                checker.recordUnacknowledged(key: key, value: value, replica: node,
                                             sentMicros: sim.now.nanoseconds / 1_000)
                printer?.unacknowledgedWrite(sim.now, node: node, key: key)
            }
            printer?.occurrence(occurrence, sim: sim, quiesce: quiesce)
            if let node = involved(occurrence), let replica = sim.nodes[node],
               let detail = checker.observe(replica: node, entries: replica.store.entries) {
                result.violation = violation("monotonic versions", detail)
                return false
            }
            guard sim.now >= quiesce else { return true }
            let stores = sim.cluster.compactMap { sim.nodes[$0]?.store.entries }
            if stores.count == o.replicas && ConvergenceChecker.converged(stores) {
                result.convergence = sim.now - quiesce
                return false
            }
            return true
        }
        printer?.emit()
        result.stats = sim.stats
        result.writesAccepted = checker.writesAccepted
        result.writesSuperseded = checker.writesSuperseded
        result.writesUnacknowledged = checker.writesUnacknowledged
        if result.violation == nil {
            if result.convergence == nil {
                let lag = ConvergenceChecker.lag(sim.cluster.compactMap { sim.nodes[$0]?.store.entries })
                let up = sim.cluster.filter { sim.isUp($0) }.count
                result.shortfall = violation("convergence",
                    "replicas still differ at the horizon, \(o.horizon) after writes and faults stopped "
                    + "(\(up) of \(o.replicas) up; keys behind per replica: \(lag)); a horizon, not lost data")
            } else if let first = sim.nodes[0]?.store.entries, let detail = checker.checkWinners(first) {
                result.violation = violation("LWW winner", detail)
            }
        }
        if var store = sim.nodes[0]?.store { result.finalRoot = store.freshTree().root }
        return result
    }

    private func involved(_ occurrence: Simulator<ECReplica, ECExternal>.Occurrence) -> NodeID? {
        switch occurrence {
        case .delivered(_, let to, _): to
        case .timerFired(let node, _), .commandHandled(let node, _): node
        case .faultApplied(.restart(let node)): node
        default: nil
        }
    }

    private func record(_ output: ECOutput, node: NodeID, into result: inout ECRunResult,
                        checker: inout ConvergenceChecker, sim: Simulator<ECReplica, ECExternal>) {
        switch output {
        case .wrote(let entry): checker.recordWrite(entry)
        case let .sent(bytes, antiEntropy):
            if antiEntropy {
                result.antiEntropyBytes += bytes
                result.antiEntropyMessages += 1
                if sim.now >= SimTime.zero + options.writePhase { result.bytesToConverge += bytes }
            } else {
                result.readBytes += bytes
            }
        case .sessionStarted: result.sessions += 1
        case .rootsMatched: result.sessionsInSync += 1
        case .leafDiffers: result.leavesDiffering += 1
        case .applied(_, _, let keys): result.keysApplied += keys.count
        case .readDone(_, _, _, let stale):
            result.readsDone += 1
            if !stale.isEmpty { result.readsStale += 1 }
        case .readRepaired: result.readRepairs += 1
        }
        printer?.output(output, node: node, sim: sim)
    }
}

extension ECOutput {
    /// A write's acknowledgement to its client.
    var isWrote: Bool {
        if case .wrote = self { return true }
        return false
    }
}
