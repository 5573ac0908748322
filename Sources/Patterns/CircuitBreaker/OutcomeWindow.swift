/// The sliding window a circuit breaker aggregates call outcomes over, after resilience4j's
/// `FixedSizeSlidingWindowMetrics` (a ring of the last N outcomes) and
/// `SlidingTimeWindowMetrics` (N one-second buckets, the oldest evicted as time moves on).
///
/// Simplifications:
/// - A time bucket is a whole second of simulated time, counted from time zero (resilience4j
///   uses epoch seconds); an outcome lands in the bucket of the instant it is recorded.
/// - Only counts are kept, no total durations.
import Simulation

public struct OutcomeWindow: Equatable, Sendable {
    /// One completed call as the window sees it.
    public struct Outcome: Equatable, Sendable {
        public var failed: Bool
        public var slow: Bool
        public init(failed: Bool, slow: Bool) {
            self.failed = failed
            self.slow = slow
        }
    }

    /// Totals over the window.
    public struct Snapshot: Equatable, Sendable {
        public var calls = 0
        public var failed = 0
        public var slow = 0

        /// Percent with one decimal, for printing only.
        public var failureRate: Double { calls == 0 ? 0 : Double(failed * 1000 / calls) / 10 }
        public var slowRate: Double { calls == 0 ? 0 : Double(slow * 1000 / calls) / 10 }

        mutating func add(_ o: Outcome, _ sign: Int) {
            calls += sign
            if o.failed { failed += sign }
            if o.slow { slow += sign }
        }
    }

    public enum Kind: Equatable, Sendable {
        case count(Int)
        case time(seconds: Int)
    }

    public let kind: Kind
    private var ring: [Outcome?]
    private var next = 0
    /// Time buckets: the second each covers and its totals.
    private var buckets: [(second: UInt64, totals: Snapshot)]
    private var totals = Snapshot()

    public init(_ kind: Kind) {
        self.kind = kind
        switch kind {
        case .count(let n):
            ring = Array(repeating: nil, count: max(1, n))
            buckets = []
        case .time(let seconds):
            ring = []
            buckets = Array(repeating: (0, Snapshot()), count: max(1, seconds))
        }
    }

    public static func == (a: OutcomeWindow, b: OutcomeWindow) -> Bool {
        a.kind == b.kind && a.ring == b.ring && a.next == b.next && a.totals == b.totals
            && a.buckets.elementsEqual(b.buckets) { $0.second == $1.second && $0.totals == $1.totals }
    }

    /// Records `outcome` at `now` and returns the totals that now apply.
    public mutating func record(_ outcome: Outcome, now: SimTime) -> Snapshot {
        switch kind {
        case .count:
            if let evicted = ring[next] { totals.add(evicted, -1) }
            ring[next] = outcome
            next = (next + 1) % ring.count
            totals.add(outcome, 1)
        case .time:
            evict(now: now)
            let second = now.nanoseconds / 1_000_000_000
            let slot = Int(second % UInt64(buckets.count))
            buckets[slot].second = second
            buckets[slot].totals.add(outcome, 1)
            totals.add(outcome, 1)
        }
        return totals
    }

    /// The totals at `now` (a time window first drops buckets that have slid out).
    public mutating func snapshot(now: SimTime) -> Snapshot {
        if case .time = kind { evict(now: now) }
        return totals
    }

    /// Drops every bucket older than the last `buckets.count` seconds, ending with `now`'s.
    private mutating func evict(now: SimTime) {
        let second = now.nanoseconds / 1_000_000_000
        let span = UInt64(buckets.count)
        for slot in buckets.indices where buckets[slot].totals.calls > 0 && buckets[slot].second + span <= second {
            totals.calls -= buckets[slot].totals.calls
            totals.failed -= buckets[slot].totals.failed
            totals.slow -= buckets[slot].totals.slow
            buckets[slot].totals = Snapshot()
        }
    }
}
