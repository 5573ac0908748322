import Simulation

/// A retry budget as Linkerd and Envoy define it: retries may add at most `ratioPerMille` of the
/// requests sent in the last `window`, plus a floor of `minPerSecond` retries per second so that
/// a quiet client can still retry (Linkerd's `retryBudget {retryRatio, minRetriesPerSecond,
/// ttl}`; Envoy's `retry_budget {budget_percent, min_retry_concurrency}`). It turns retries from
/// a multiplier of load (each of h hops retrying r times: (r+1)^h) into a bounded surcharge.
///
/// Simplifications:
/// - The window is ten fixed buckets (a ring of counters), as Finagle's RetryBudget does;
///   counting in integers so that no rounding decides whether a retry goes out.
public struct RetryBudget: Sendable {
    /// Deliberately broken budgets, for the demo's `--variant`: the mesh's checker restates the
    /// budget from its specification, so it catches them although they live in this type.
    public enum Flaw: String, CaseIterable, Sendable {
        /// Counts requests and retries but grants every retry.
        case neverRefuses = "never-refuses"
        /// Reads the ratio as per cent instead of per mille: ten times the allowance.
        case ratioPerCent = "ratio-per-cent"
    }

    public let ratioPerMille: Int
    public let minPerSecond: Int
    public let window: SimDuration
    static let buckets = 10
    private var requests = [Int](repeating: 0, count: RetryBudget.buckets)
    private var retries = [Int](repeating: 0, count: RetryBudget.buckets)
    private var bucketIndex: UInt64 = 0
    let flaw: Flaw?

    public init(ratioPerMille: Int = 200, minPerSecond: Int = 10, window: SimDuration = .seconds(1), flaw: Flaw? = nil) {
        self.ratioPerMille = ratioPerMille
        self.minPerSecond = minPerSecond
        self.window = window
        self.flaw = flaw
    }

    /// The start of the bucket-aligned window that `now` falls in.
    public func windowStart(_ now: SimTime) -> SimTime {
        let width = window.nanoseconds / UInt64(RetryBudget.buckets)
        let current = now.nanoseconds / width
        return SimTime(nanoseconds: current >= UInt64(RetryBudget.buckets - 1)
                       ? (current - UInt64(RetryBudget.buckets - 1)) * width : 0)
    }

    /// Retries the budget allows in a window holding `requests` first attempts.
    public func allowance(requests: Int) -> Int {
        minPerSecond * Int(window.nanoseconds / 1_000_000_000) + requests * ratioPerMille / (flaw == .ratioPerCent ? 100 : 1000)
    }

    private mutating func advance(to now: SimTime) {
        let width = window.nanoseconds / UInt64(RetryBudget.buckets)
        let target = now.nanoseconds / width
        if target - bucketIndex >= UInt64(RetryBudget.buckets) {
            requests = requests.map { _ in 0 }
            retries = retries.map { _ in 0 }
        } else {
            var index = bucketIndex
            while index < target {
                index += 1
                requests[Int(index % UInt64(RetryBudget.buckets))] = 0
                retries[Int(index % UInt64(RetryBudget.buckets))] = 0
            }
        }
        bucketIndex = max(bucketIndex, target)
    }

    /// A first attempt went out: it deposits into the budget.
    public mutating func recordRequest(at now: SimTime) {
        advance(to: now)
        requests[Int(bucketIndex % UInt64(RetryBudget.buckets))] += 1
    }

    /// Whether a retry may go out now; if so, it is withdrawn.
    public mutating func tryWithdraw(at now: SimTime) -> Bool {
        advance(to: now)
        guard flaw == .neverRefuses || retries.reduce(0, +) < allowance(requests: requests.reduce(0, +)) else {
            return false
        }
        retries[Int(bucketIndex % UInt64(RetryBudget.buckets))] += 1
        return true
    }
}
