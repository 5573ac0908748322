/// The last-writer-wins register (Shapiro et al. 2011, §3.2.1, Specification 8; Johnson &
/// Thomas 1975, RFC 677): the value carries a timestamp, and the join keeps the value with the
/// larger (timestamp, replica) pair. The replica id breaks ties, which makes the order total
/// and the join a true least upper bound.
///
/// Simplifications:
/// - The timestamp is the writer's wall clock in milliseconds, but never below the last
///   timestamp the replica has seen plus one, so a replica that has seen a write always
///   overwrites it (the "causal" correction of Lamport clocks). A replica whose clock runs
///   ahead still silently wins over concurrent writes of others, which the demo shows.
public struct LWWRegister<Value: Comparable & WireSized>: ReplicatedData, CustomStringConvertible {
    /// The winning write: timestamp, writer, value. Nil before the first write (bottom).
    public struct Write: Equatable {
        public var timestamp: UInt64
        public var replica: ReplicaID
        public var value: Value

        /// The total order of writes: timestamp, then replica, then value (the last only
        /// matters for states no correct replica produces, and keeps the join total).
        func precedes(_ other: Write) -> Bool {
            if timestamp != other.timestamp { return timestamp < other.timestamp }
            if replica != other.replica { return replica < other.replica }
            return value < other.value
        }
    }

    /// An assignment, stamped with the writer's wall clock reading.
    public struct Operation: Equatable {
        public var value: Value
        public var wallClock: UInt64
        public init(_ value: Value, wallClock: UInt64) {
            self.value = value
            self.wallClock = wallClock
        }
    }

    public private(set) var current: Write?

    public init() {}

    public var value: Value? { current?.value }
    public var timestamp: UInt64 { current?.timestamp ?? 0 }

    @discardableResult
    public mutating func assign(_ value: Value, wallClock: UInt64, replica: ReplicaID) -> LWWRegister {
        let stamp = max(wallClock, timestamp + 1)
        current = Write(timestamp: stamp, replica: replica, value: value)
        return self
    }

    @discardableResult
    public mutating func apply(_ operation: Operation, replica: ReplicaID) -> LWWRegister {
        assign(operation.value, wallClock: operation.wallClock, replica: replica)
    }

    public mutating func merge(_ other: LWWRegister) {
        guard let theirs = other.current else { return }
        if let mine = current, !mine.precedes(theirs) { return }
        current = theirs
    }

    public var encodedSize: Int {
        guard let current else { return 1 }
        return 1 + WireSize.varint(current.timestamp) + WireSize.varint(current.replica) + current.value.encodedSize
    }

    public var description: String {
        guard let current else { return "⊥" }
        return "\(current.value) @\(current.timestamp)/n\(current.replica)"
    }
}
