import Simulation

/// The outbound half of a sidecar proxy (Envoy's router filter, Linkerd's proxy): for each call
/// to the upstream service it picks a host round-robin, bounds each try with a per-try timeout,
/// retries failures (5xx and timeouts) with jittered exponential backoff on a different host,
/// within a `RetryBudget`; it ejects failing hosts (`OutlierDetector`) and fails fast when too
/// many requests are already pending to the cluster (Envoy's `max_pending_requests` circuit
/// breaker, Nygard's "Release It!" circuit breaker as a concurrency limit).
///
/// Simplifications:
/// - One upstream cluster per sidecar (each service calls one other service).
/// - The breaker counts attempts in flight; Envoy keeps separate `max_requests`,
///   `max_pending_requests` and `max_retries` limits. An overflow is not retried.
/// - Backoff is "full jitter" (AWS Architecture Blog, 2015): uniform in 0...2^n x base.
public struct Sidecar: Sendable {
    public struct Policy: Sendable, Equatable {
        public var maxRetries: Int
        public var budget: Bool
        public var outlierDetection: Bool
        public var circuitBreaker: Bool
        public var maxPending: Int
        public var backoffBase: SimDuration
        /// The budget's specification: retries may add this share of the requests of the last
        /// `budgetWindow`, plus `budgetMinPerSecond` a second.
        public var budgetPerMille = 200
        public var budgetMinPerSecond = 10
        public var budgetWindow = SimDuration.seconds(1)
        /// A deliberately broken budget (the demo's `--variant`).
        public var budgetFlaw: RetryBudget.Flaw?

        public init(maxRetries: Int, budget: Bool, outlierDetection: Bool, circuitBreaker: Bool,
                    maxPending: Int = 24, backoffBase: SimDuration = .milliseconds(2)) {
            self.maxRetries = maxRetries
            self.budget = budget
            self.outlierDetection = outlierDetection
            self.circuitBreaker = circuitBreaker
            self.maxPending = maxPending
            self.backoffBase = backoffBase
        }
    }

    struct Call: Sendable {
        var root: Int
        var parent: Int
        var attempts = 0
        var tried: [Int] = []
    }

    /// How a call ended, for the caller to answer its own caller.
    public struct Finished: Sendable {
        public var parent: Int
        public var ok: Bool
        public var attempts: Int
    }

    public let upstream: [NodeID]
    public let policy: Policy
    let perTryTimeout: SimDuration
    public private(set) var budget = RetryBudget()
    public private(set) var outlier: OutlierDetector
    var calls: [Int: Call] = [:]
    var attemptOf: [Int: (call: Int, host: Int)] = [:]
    public private(set) var pending = 0
    private var nextCall = 0
    private var nextAttempt = 0
    private var cursor = 0

    public init(upstream: [NodeID], policy: Policy, perTryTimeout: SimDuration) {
        self.upstream = upstream
        self.policy = policy
        self.perTryTimeout = perTryTimeout
        outlier = OutlierDetector(hosts: upstream.count)
        budget = RetryBudget(ratioPerMille: policy.budgetPerMille, minPerSecond: policy.budgetMinPerSecond,
                             window: policy.budgetWindow, flaw: policy.budgetFlaw)
    }

    /// Starts a call on behalf of `parent` (an inbound request, or the edge's root request).
    mutating func call(root: Int, parent: Int, _ context: inout NodeContext<MeshNode>) -> Finished? {
        let id = nextCall
        nextCall += 1
        calls[id] = Call(root: root, parent: parent)
        context.output(.callStarted)
        if policy.budget { budget.recordRequest(at: context.now) }
        return attempt(id, &context)
    }

    /// Sends the next try of call `id`, or fails it at once when the breaker is open.
    private mutating func attempt(_ id: Int, _ context: inout NodeContext<MeshNode>) -> Finished? {
        guard var call = calls[id] else { return nil }
        if policy.circuitBreaker && pending >= policy.maxPending {
            context.output(.overflow)
            return finish(id, ok: false, &context)
        }
        let host = pickHost(avoiding: call.tried, at: context.now)
        call.attempts += 1
        call.tried.append(host)
        calls[id] = call
        let attemptID = nextAttempt
        nextAttempt += 1
        attemptOf[attemptID] = (id, host)
        pending += 1
        context.output(.attempt(retry: call.attempts > 1, pending: pending))
        context.send(.request(id: attemptID, root: call.root), to: upstream[host])
        context.setTimer(.tryTimeout(attemptID), after: perTryTimeout)
        return nil
    }

    /// Round robin over hosts that are not ejected, preferring hosts this call has not tried
    /// (Envoy's `previous_hosts` retry predicate).
    private mutating func pickHost(avoiding tried: [Int], at now: SimTime) -> Int {
        let count = upstream.count
        var fallback: Int?
        for step in 0..<count {
            let host = (cursor + step) % count
            if policy.outlierDetection && outlier.isEjected(host, at: now) { continue }
            if tried.contains(host) {
                if fallback == nil { fallback = host }
                continue
            }
            cursor = (host + 1) % count
            return host
        }
        let host = fallback ?? cursor
        cursor = (host + 1) % count
        return host
    }

    mutating func responded(attempt attemptID: Int, ok: Bool, _ context: inout NodeContext<MeshNode>) -> Finished? {
        guard let (id, host) = attemptOf.removeValue(forKey: attemptID) else { return nil }
        context.cancelTimer(.tryTimeout(attemptID))
        return settle(id, host: host, ok: ok, &context)
    }

    mutating func timedOut(attempt attemptID: Int, _ context: inout NodeContext<MeshNode>) -> Finished? {
        guard let (id, host) = attemptOf.removeValue(forKey: attemptID) else { return nil }
        context.output(.tryTimedOut)
        return settle(id, host: host, ok: false, &context)
    }

    /// The backoff is over: the retry goes out only if the budget has room now (the budget is
    /// charged when a retry is sent, as Linkerd does, not when it is planned).
    mutating func backoffOver(call id: Int, _ context: inout NodeContext<MeshNode>) -> Finished? {
        if policy.budget && !budget.tryWithdraw(at: context.now) {
            context.output(.budgetExhausted)
            return finish(id, ok: false, &context)
        }
        return attempt(id, &context)
    }

    private mutating func settle(_ id: Int, host: Int, ok: Bool, _ context: inout NodeContext<MeshNode>) -> Finished? {
        pending -= 1
        if policy.outlierDetection, let until = outlier.record(host, success: ok, at: context.now) {
            context.output(.ejected(host: upstream[host], until: until))
        }
        guard !ok, let call = calls[id] else { return finish(id, ok: ok, &context) }
        guard call.attempts <= policy.maxRetries else { return finish(id, ok: false, &context) }
        let ceiling = policy.backoffBase.nanoseconds << UInt64(min(call.attempts - 1, 4))
        context.setTimer(.backoff(call: id), after: SimDuration(nanoseconds: context.rng.below(ceiling + 1)))
        return nil
    }

    private mutating func finish(_ id: Int, ok: Bool, _ context: inout NodeContext<MeshNode>) -> Finished? {
        guard let call = calls.removeValue(forKey: id) else { return nil }
        context.output(.callDone(attempts: call.attempts, ok: ok))
        return Finished(parent: call.parent, ok: ok, attempts: call.attempts)
    }
}
