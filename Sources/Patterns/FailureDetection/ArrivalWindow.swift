/// The sliding window of heartbeat inter-arrival times that an accrual failure detector
/// estimates its distribution from (Hayashibara, Défago, Yared & Katayama, "The φ Accrual
/// Failure Detector", SRDS 2004, §3.2; Akka's `HeartbeatHistory`, Cassandra's
/// `ArrivalWindow`).
///
/// Sums are kept in whole microseconds as integers, so the mean and variance are computed from
/// exact values: no floating-point drift accumulates however long the window slides.
///
/// Simplifications:
/// - Like Akka, the first heartbeat seeds the window with two intervals around
///   `firstEstimate` (mean `firstEstimate`, standard deviation `firstEstimate / 4`), so that
///   phi is defined from the second heartbeat on.
import Simulation

public struct ArrivalWindow: Sendable {
    public static let maxCapacity = 1_000
    public let capacity: Int
    /// Inter-arrival intervals in microseconds, as a ring buffer.
    private var intervals: [UInt64] = []
    private var next = 0
    private var sum: UInt64 = 0
    private var sumOfSquares: UInt64 = 0
    public private(set) var lastArrival: SimTime?
    public private(set) var arrivals = 0

    public init(capacity: Int, firstEstimate: SimDuration) {
        precondition((2...ArrivalWindow.maxCapacity).contains(capacity), "window capacity out of range")
        self.capacity = capacity
        let mean = firstEstimate.nanoseconds / 1_000
        let deviation = mean / 4
        add(mean - deviation)
        add(mean + deviation)
    }

    public var count: Int { intervals.count }

    /// Records a heartbeat that arrived at `time`.
    public mutating func record(_ time: SimTime) {
        if let last = lastArrival {
            add((time - last).nanoseconds / 1_000)
        }
        lastArrival = time
        arrivals += 1
    }

    private mutating func add(_ micros: UInt64) {
        // A minute at most: 1,000 squared minutes stay below UInt64.max.
        let value = min(micros, 60_000_000)
        if intervals.count < capacity {
            intervals.append(value)
        } else {
            let old = intervals[next]
            sum -= old
            sumOfSquares -= old * old
            intervals[next] = value
            next = (next + 1) % capacity
        }
        sum += value
        sumOfSquares += value * value
    }

    /// Mean interval in milliseconds.
    public var meanMillis: Double {
        Double(sum) / Double(intervals.count) / 1_000
    }

    /// Population standard deviation in milliseconds.
    public var standardDeviationMillis: Double {
        let n = Double(intervals.count)
        let mean = Double(sum) / n
        let variance = max(0, Double(sumOfSquares) / n - mean * mean)
        return variance.squareRoot() / 1_000
    }
}
