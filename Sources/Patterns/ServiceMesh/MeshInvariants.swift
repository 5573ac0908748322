import Simulation

/// The mesh's promises, checked from the outputs of every sidecar as they happen:
/// - bounded tries: no call makes more than 1 + maxRetries tries, so one client request causes
///   at most (1 + maxRetries)^hops requests at the bottom tier;
/// - retry budget: in every budget window a sidecar's retries stay within
///   minPerSecond x window + ratio x (calls started in the window);
/// - circuit breaker: a sidecar never has more than maxPending tries in flight;
/// - outlier ejection never ejects more than its cap of hosts;
/// - exactly once: every client request is answered once, and all are answered by the end.
///
/// The budget check is computed from the budget's specification in the policy (ratio, floor
/// per second, window of ten buckets) and from what the sidecar was seen to send; it never asks
/// `RetryBudget`, so a broken budget cannot vouch for itself.
///
/// Simplifications: the budget check restates the specified bucketed window (its edges fall on
/// whole tenths of the window, as Finagle's are); an exact sliding window would be stricter
/// than what Linkerd implements.
struct MeshInvariants {
    let policy: Sidecar.Policy
    let hops: Int
    private var callStarts: [NodeID: [SimTime]] = [:]
    private var retries: [NodeID: [SimTime]] = [:]
    private var answered: [Bool]

    init(policy: Sidecar.Policy, hops: Int, roots: Int) {
        self.policy = policy
        self.hops = hops
        answered = Array(repeating: false, count: roots)
    }

    var treeBound: Int {
        var bound = 1
        for _ in 0..<hops { bound *= policy.maxRetries + 1 }
        return bound
    }

    mutating func observe(_ output: MeshNode.Output, node: NodeID, now: SimTime, sidecar: Sidecar?) -> (String, String)? {
        switch output {
        case .callStarted:
            callStarts[node, default: []].append(now)
        case let .attempt(retry, pending):
            if policy.circuitBreaker && pending > policy.maxPending {
                return ("circuit breaker", "n\(node) has \(pending) tries in flight, limit \(policy.maxPending)")
            }
            guard retry else { return nil }
            retries[node, default: []].append(now)
            if policy.budget { return checkBudget(node: node, now: now) }
        case let .callDone(attempts, _):
            if attempts > policy.maxRetries + 1 {
                return ("bounded tries", "n\(node) made \(attempts) tries, limit \(policy.maxRetries + 1)")
            }
        case .ejected:
            if let outlier = sidecar?.outlier, outlier.ejectedCount(at: now) > outlier.maxEjected {
                return ("ejection cap", "n\(node) ejected \(outlier.ejectedCount(at: now)) hosts, cap \(outlier.maxEjected)")
            }
        case let .rootDone(root, _, _):
            if answered[root] { return ("exactly once", "client request \(root) answered twice") }
            answered[root] = true
        default:
            break
        }
        return nil
    }

    /// Buckets of the specified window (Finagle's `RetryBudget` keeps ten).
    static let budgetBuckets: UInt64 = 10

    /// The retries seen since the start of the window `now` falls in must stay within the floor
    /// plus the ratio of the calls seen started in it; cross-multiplied, so no rounding decides.
    private func checkBudget(node: NodeID, now: SimTime) -> (String, String)? {
        let width = policy.budgetWindow.nanoseconds / MeshInvariants.budgetBuckets
        let bucket = now.nanoseconds / width
        let start = SimTime(nanoseconds: (bucket - min(bucket, MeshInvariants.budgetBuckets - 1)) * width)
        let started = callStarts[node, default: []].reversed().prefix { $0 >= start }.count
        let retried = retries[node, default: []].reversed().prefix { $0 >= start }.count
        let floor = policy.budgetMinPerSecond * Int(policy.budgetWindow.milliseconds / 1000)
        guard (retried - floor) * 1000 > started * policy.budgetPerMille else { return nil }
        return ("retry budget", "n\(node) sent \(retried) retries since \(start) against \(started) calls;"
            + " the budget allows \(floor) + \(policy.budgetPerMille)/1000 of the calls")
    }

    /// The client request still unanswered once the run has drained, if any.
    func unanswered() -> Int? { answered.firstIndex(of: false) }

    /// Checks the bottom tier's share of one client request.
    func checkTree(root: Int, bottomRequests: Int) -> (String, String)? {
        guard bottomRequests > treeBound else { return nil }
        return ("bounded tries", "client request \(root) caused \(bottomRequests) requests at the bottom tier,"
            + " bound (1+\(policy.maxRetries))^\(hops) = \(treeBound)")
    }
}
