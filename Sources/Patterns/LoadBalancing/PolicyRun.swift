import Simulation

/// One policy's run of the load-balancing demo: replays the workload through the balancer on
/// the simulator while checking the balancer's invariants after every step.
///
/// Invariants:
/// - exactly once: every request ends once, completed or timed out, and every request ends;
/// - accounting: the balancer's in-flight count per backend equals its pending requests
///   (a leaked count would starve a backend under least-connections and p2c for ever);
/// - affinity: under the hash ring a request goes to its key's owner among healthy backends.
///
/// Simplifications: the check of the counts runs every 16 steps and at the end, to keep the
/// demo fast; a leak persists, so it is still caught.
struct PolicyRun {
    struct Result {
        var policy: BalancingPolicy
        /// Latencies of completed requests, sorted.
        var latencies: [UInt64] = []
        /// Every request's latency, a timeout counted as `UInt64.max`, sorted.
        var outcomes: [UInt64] = []
        var timeouts = 0
        var maxQueue = 0
        var routed: [Int]
        var ejections: [(SimTime, Int, SimTime)] = []
        var violation: InvariantViolation?
        /// A request still open at the horizon (liveness).
        var shortfall: InvariantViolation?
    }

    let policy: BalancingPolicy
    let options: LoadBalancingDemo.Options
    let workload: BurstyWorkload
    let faults: FaultPlan

    func run() -> Result {
        let sim = makeSimulator()
        var result = Result(policy: policy, routed: Array(repeating: 0, count: options.backends))
        var ended = [Bool](repeating: false, count: workload.arrivals.count)
        var steps: UInt64 = 0
        func fail(_ invariant: String, _ detail: String) -> Bool {
            result.violation = InvariantViolation(invariant: invariant, detail: "\(policy.rawValue): \(detail)",
                                                  seed: options.seed, step: steps, time: sim.now)
            return false
        }
        // Arrivals are fed one at a time, not queued up front: the event heap stays small.
        let observe: (Simulator<BalancerNode, Never>.Occurrence) -> Bool = { occurrence in
            steps += 1
            switch occurrence {
            case let .delivered(_, to, _) where to > 0:
                result.maxQueue = max(result.maxQueue, sim.nodes[to]?.queueLength ?? 0)
            case let .commandHandled(0, .arrive(id, key, _)):
                guard let lb = sim.nodes[0], let backend = lb.pending[id]?.backend else { break }
                result.routed[backend] += 1
                if policy == .consistentHash, let balancer = lb.balancer,
                   balancer.affinityOwner(of: key, at: sim.now) != backend {
                    return fail("affinity", "request \(id) key \(key) sent to b\(backend), ring owner is b\(balancer.affinityOwner(of: key, at: sim.now))")
                }
            default: break
            }
            for (_, output) in sim.outputs {
                var finished: Int?
                switch output {
                case let .completed(id, _, latency):
                    result.latencies.append(latency.nanoseconds)
                    finished = id
                case let .timedOut(id, _):
                    result.timeouts += 1
                    finished = id
                case let .ejected(backend, until):
                    result.ejections.append((sim.now, backend, until))
                }
                if let id = finished {
                    if ended[id] { return fail("exactly once", "request \(id) ended twice") }
                    ended[id] = true
                }
            }
            if steps % 16 == 0, let violation = accountingBroken(sim) { return fail("accounting", violation) }
            return true
        }
        for (index, arrival) in workload.arrivals.enumerated() {
            guard sim.run(until: arrival.at, observe: observe) else { break }
            sim.submit(.arrive(id: index, key: arrival.key, work: arrival.work), to: 0)
        }
        if result.violation == nil { sim.run(until: horizon, observe: observe) }
        if result.violation == nil, let violation = accountingBroken(sim) { _ = fail("accounting", violation) }
        if result.violation == nil, let open = ended.firstIndex(of: false) {
            result.shortfall = InvariantViolation(
                invariant: "every request ends",
                detail: "\(policy.rawValue): request \(open) had not ended by the horizon \(horizon) (the stream's end"
                    + " plus the \(options.timeout) deadline, the last fault's end and a second); a horizon, not a lost"
                    + " request: \(ended.filter { $0 }.count) of \(ended.count) ended",
                seed: options.seed, step: steps, time: sim.now)
        }
        result.latencies.sort()
        result.outcomes = result.latencies + Array(repeating: UInt64.max, count: result.timeouts)
        return result
    }

    /// Every request has ended by then: it is answered or times out `timeout` after it arrives
    /// (the deadline holds while a backend is down), and the last arrival is before the stream's
    /// end. A scripted fault late in the run (a crashed balancer, say) moves the horizon with it.
    var horizon: SimTime {
        let lastFault = faults.faults.map(\.at).max() ?? .zero
        return max(SimTime.zero + options.duration, lastFault) + options.timeout + .seconds(1)
    }

    /// Node 0 balances, nodes 1...k serve; each boots with its configuration on disk.
    private func makeSimulator() -> Simulator<BalancerNode, Never> {
        let backends = options.backends
        let balancer = BalancerNode.Config.balancer(policy: policy, backends: backends,
                                                    timeout: options.timeout,
                                                    leakOnTimeout: options.leakOnTimeout)
        let servers = (0..<backends).map { b in
            BalancerNode.Config.backend(nanosPerWork: LoadBalancingDemo.speed(of: b, of: backends))
        }
        return Simulator<BalancerNode, Never>(
            seed: options.seed, nodeCount: backends + 1,
            network: NetworkConditions(delayMin: .microseconds(100), delayMax: .microseconds(500)),
            faults: faults, disks: [balancer] + servers)
    }

    private func accountingBroken(_ sim: Simulator<BalancerNode, Never>) -> String? {
        guard let lb = sim.nodes[0], let balancer = lb.balancer else { return nil }
        let actual = lb.pendingPerBackend
        guard balancer.outstanding != actual else { return nil }
        return "in-flight counts \(balancer.outstanding) but pending requests \(actual)"
    }
}
