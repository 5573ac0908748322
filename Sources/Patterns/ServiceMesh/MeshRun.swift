import Simulation

/// One configuration's run of the mesh demo: edge proxy -> A -> B -> C, three replicas each,
/// every hop through a sidecar with the configuration's policy, while the harness degrades C:
/// one replica turns slow (a gray failure), then every replica fails (its database is down),
/// then all recover.
///
/// Simplifications: the phases are commands to C's instances rather than kernel faults, because
/// they change how an instance answers, not whether it is reachable.
struct MeshRun {
    struct Phase {
        var name: String
        var start: SimTime
    }

    struct Metrics {
        var ok = 0
        var latencies: [UInt64] = []
        var okByPhase: [Int]
        var rootsByPhase: [Int]
        var bottomByPhase: [Int]
        var maxTree = 0
        var retries = 0, ejections = 0, overflows = 0, shed = 0, budgetDenied = 0, tryTimeouts = 0
        var events: [(SimTime, NodeID, String)] = []
    }

    let name: String
    let policy: Sidecar.Policy
    let options: ServiceMeshDemo.Options
    let arrivals: [SimTime]
    let phases: [Phase]
    let slowReplica: Int

    static let hops = 3
    var replicas: Int { options.replicas }
    func tierNodes(_ tier: Int) -> [NodeID] { (0..<replicas).map { 1 + (tier - 1) * replicas + $0 } }

    func phaseIndex(_ time: SimTime) -> Int { phases.lastIndex { $0.start <= time } ?? 0 }

    /// Per-try timeouts of the edge, A and B (C calls no one).
    static let perTryTimeouts: [SimDuration] = [.milliseconds(1000), .milliseconds(250), .milliseconds(50)]

    /// By then every client request is answered: the edge gives each of its 1 + maxRetries tries
    /// at most its per-try timeout and waits at most the longest backoff between them, whatever
    /// happens below it; a second more for the answer to travel.
    var horizon: SimTime {
        let tries = UInt64(policy.maxRetries + 1)
        let backoff = SimDuration(nanoseconds: policy.backoffBase.nanoseconds << 4)
        return (arrivals.last ?? .zero) + (MeshRun.perTryTimeouts[0] + backoff) * tries + .seconds(1)
    }

    /// The metrics, then a broken safety invariant or a liveness goal not reached.
    func run() -> (Metrics, violation: InvariantViolation?, shortfall: InvariantViolation?) {
        let sim = Simulator<MeshNode, Never>(seed: options.seed, nodeCount: 1 + 3 * replicas,
                                             network: NetworkConditions(delayMin: .microseconds(100), delayMax: .microseconds(600)),
                                             disks: configuration())
        var checker = MeshInvariants(policy: policy, hops: MeshRun.hops, roots: arrivals.count)
        let none = [Int](repeating: 0, count: phases.count)
        var metrics = Metrics(okByPhase: none, rootsByPhase: none, bottomByPhase: none)
        var perRoot = [Int](repeating: 0, count: arrivals.count)
        let bottom = Set(tierNodes(3))
        var violation: InvariantViolation?
        func fail(_ problem: (String, String)) -> Bool {
            violation = InvariantViolation(invariant: problem.0, detail: "\(name): \(problem.1)", seed: options.seed,
                                           step: sim.stats.events, time: sim.now)
            return false
        }
        let observe: (Simulator<MeshNode, Never>.Occurrence) -> Bool = { occurrence in
            if case let .delivered(_, to, .request(_, root)) = occurrence, bottom.contains(to) {
                perRoot[root] += 1
                metrics.bottomByPhase[phaseIndex(arrivals[root])] += 1
                if let problem = checker.checkTree(root: root, bottomRequests: perRoot[root]) { return fail(problem) }
            }
            for (node, output) in sim.outputs {
                record(output, node: node, now: sim.now, &metrics)
                if let problem = checker.observe(output, node: node, now: sim.now, sidecar: sim.nodes[node]?.sidecar) {
                    return fail(problem)
                }
            }
            return true
        }
        var nextPhase = 1
        for (root, at) in arrivals.enumerated() {
            while nextPhase < phases.count && phases[nextPhase].start <= at {
                guard sim.run(until: phases[nextPhase].start, observe: observe) else { break }
                degrade(sim, phase: nextPhase)
                nextPhase += 1
            }
            guard violation == nil, sim.run(until: at, observe: observe) else { break }
            sim.submit(.clientRequest(root: root), to: 0)
            metrics.rootsByPhase[phaseIndex(at)] += 1
        }
        if violation == nil { sim.run(until: horizon, observe: observe) }
        var shortfall: InvariantViolation?
        if violation == nil, let root = checker.unanswered() {
            shortfall = InvariantViolation(
                invariant: "every request answered",
                detail: "\(name): client request \(root) was not answered by the horizon \(horizon) (the last"
                    + " arrival plus \(policy.maxRetries + 1) edge tries with their timeouts and backoffs); a horizon,"
                    + " not a lost request: \(metrics.latencies.count) of \(arrivals.count) answered",
                seed: options.seed, step: sim.stats.events, time: sim.now)
        }
        metrics.maxTree = perRoot.max() ?? 0
        metrics.latencies.sort()
        return (metrics, violation, shortfall)
    }

    /// What each node finds on its disk at boot: the edge proxy, then three tiers of replicas.
    private func configuration() -> [MeshNode.Config?] {
        let timeouts = MeshRun.perTryTimeouts
        var configs: [MeshNode.Config?] = [MeshNode.Config(edge: true, upstream: tierNodes(1), policy: policy,
                                                           perTryTimeout: timeouts[0], processing: .zero, workers: 0,
                                                           maxInFlight: 0)]
        for tier in 1...3 {
            let config = MeshNode.Config(
                edge: false, upstream: tier < 3 ? tierNodes(tier + 1) : [], policy: policy,
                perTryTimeout: tier < 3 ? timeouts[tier] : .zero,
                processing: tier < 3 ? .milliseconds(1) : .milliseconds(2),
                workers: tier < 3 ? 8 : 4, maxInFlight: tier < 3 ? 400 : 64)
            configs += Array(repeating: config, count: replicas)
        }
        return configs
    }

    /// Phase 1: one C replica slow; 2: every C replica failing; 3: C healthy but with a tenth of
    /// its capacity (a brownout, just above the offered load); 4: all healthy.
    private func degrade(_ sim: Simulator<MeshNode, Never>, phase: Int) {
        let c = tierNodes(3)
        switch phase {
        case 1: sim.submit(.behave(.slow(.milliseconds(300))), to: c[slowReplica])
        case 2: for node in c { sim.submit(.behave(.failing), to: node) }
        case 3: for node in c { sim.submit(.behave(.degraded(factor: 10)), to: node) }
        default: for node in c { sim.submit(.behave(.healthy), to: node) }
        }
    }

    private func record(_ output: MeshNode.Output, node: NodeID, now: SimTime, _ metrics: inout Metrics) {
        switch output {
        case let .rootDone(root, ok, latency):
            metrics.latencies.append(latency.nanoseconds)
            if ok {
                metrics.ok += 1
                metrics.okByPhase[phaseIndex(arrivals[root])] += 1
            }
        case .attempt(let retry, _): if retry { metrics.retries += 1 }
        case let .ejected(host, until):
            metrics.ejections += 1
            metrics.events.append((now, node, "ejects n\(host) until \(until)"))
        case .overflow: metrics.overflows += 1
        case .shed: metrics.shed += 1
        case .budgetExhausted: metrics.budgetDenied += 1
        case .tryTimedOut: metrics.tryTimeouts += 1
        case .callStarted, .callDone: break
        }
    }
}
