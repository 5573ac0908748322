/// What the caller experienced in one phase of the scenario: how many calls, how many the
/// breaker shed, how many failed (a shed call is an error to the caller too, only a fast
/// one), and how long they took. Latencies are kept in microseconds, integers; the averages
/// and percentiles are computed only for printing.
///
/// Simplifications: percentiles by nearest rank over every call, no histogram.
import Simulation

public struct PhaseStats: Sendable {
    public var calls = 0
    public var shed = 0
    public var errors = 0
    public var timeouts = 0
    /// Requests that reached the downstream during the phase.
    public var served = 0
    var latenciesMicros: [UInt64] = []

    public init() {}

    mutating func add(_ call: BreakerNode.Call) {
        calls += 1
        if call.shed { shed += 1 }
        if !call.ok { errors += 1 }
        if call.timedOut { timeouts += 1 }
        latenciesMicros.append(call.latency.nanoseconds / 1_000)
    }

    mutating func merge(_ other: PhaseStats) {
        calls += other.calls
        shed += other.shed
        errors += other.errors
        timeouts += other.timeouts
        served += other.served
        latenciesMicros += other.latenciesMicros
    }

    /// Errors per thousand calls, truncated; for the summary's integer figures.
    public var errorPerMille: Int { calls == 0 ? 0 : errors * 1000 / calls }

    /// Mean latency in whole microseconds.
    public var meanMicros: UInt64 {
        latenciesMicros.isEmpty ? 0 : latenciesMicros.reduce(0, +) / UInt64(latenciesMicros.count)
    }

    public var errorPercent: Double { calls == 0 ? 0 : Double(errors * 1000 / calls) / 10 }

    public var meanMillis: Double {
        guard !latenciesMicros.isEmpty else { return 0 }
        let total = latenciesMicros.reduce(0, +)
        return Double(total / UInt64(latenciesMicros.count) / 100) / 10
    }

    /// The `p`-th percentile in milliseconds (nearest rank).
    public func percentileMillis(_ p: Int) -> UInt64 {
        guard !latenciesMicros.isEmpty else { return 0 }
        let sorted = latenciesMicros.sorted()
        let rank = max(1, (p * sorted.count + 99) / 100)
        return sorted[rank - 1] / 1_000
    }
}
