/// Lamport's scalar logical clock. Lamport, "Time, Clocks, and the Ordering of Events in a
/// Distributed System" (CACM 1978), §2–3: rules IR1 (tick between events) and IR2 (on
/// receipt, jump past the message's timestamp). It satisfies the clock condition
/// a → b ⇒ C(a) < C(b), but not its converse: C(a) < C(b) says nothing about whether a could
/// have influenced b. That gap is why vector clocks exist.
///
/// Simplifications:
/// - Counters are 64-bit and never wrap in a demo-sized run.
import Simulation

public struct LamportClock: Hashable, Sendable {
    public private(set) var time: UInt64

    public init(time: UInt64 = 0) { self.time = time }

    /// IR1: a local event or a send. Returns the event's timestamp.
    @discardableResult
    public mutating func tick() -> UInt64 {
        time += 1
        return time
    }

    /// IR2: receiving a message stamped `timestamp`. Returns the receive event's timestamp.
    @discardableResult
    public mutating func receive(_ timestamp: UInt64) -> UInt64 {
        time = max(time, timestamp) + 1
        return time
    }
}

/// A Lamport timestamp with the node as tie-breaker: Lamport's total order "⇒" (§3), which
/// extends happens-before to an arbitrary but consistent total order.
public struct LamportTimestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let time: UInt64
    public let node: NodeID

    public init(time: UInt64, node: NodeID) {
        self.time = time
        self.node = node
    }

    public static func < (a: LamportTimestamp, b: LamportTimestamp) -> Bool {
        a.time != b.time ? a.time < b.time : a.node < b.node
    }

    public var description: String { "\(time).n\(node)" }
}
