/// How long a node's stable storage takes to make a write durable (an fsync). Zero, the
/// default, makes every write durable the moment its handler returns, as before this setting
/// existed; every demo but the election experiment runs that way.
///
/// With a latency, a node's writes complete one after another (a disk is busy until its last
/// write is done), and a node's messages never overtake its own writes: a message recorded in
/// a handler, or while an earlier write is still in flight, leaves when the last write
/// recorded before it is durable. That keeps "persist before responding" true without every
/// protocol having to think about it. A crash discards the writes that have not completed.
/// Two ways out, for protocols that overlap writes with messages on purpose:
/// `NodeContext.sendAheadOfWrites` sends at once, and `persist(_:notifyWhenDurable: true)`
/// asks for a `SimulatedNode.persisted` call when the write is on disk.
public struct StorageConditions: Equatable, Sendable {
    /// From the moment the disk starts a write until it is durable, at least.
    public var writeLatency: SimDuration
    /// Each write takes up to this much longer, drawn uniformly (zero: every write takes
    /// `writeLatency`). Uneven disks are what make some overlaps of writes and messages unsafe.
    public var writeJitter: SimDuration

    public init(writeLatency: SimDuration = .zero, writeJitter: SimDuration = .zero) {
        self.writeLatency = writeLatency
        self.writeJitter = writeJitter
    }

    var isInstant: Bool { writeLatency == .zero && writeJitter == .zero }

    /// Writes are durable when the handler returns.
    public static let instant = StorageConditions()
}

/// A write a node has made that its disk has not finished, and the messages waiting for it.
struct PendingWrite<Node: SimulatedNode> {
    var id: UInt64
    var durable: Node.Durable
    var notify: Bool
    var sends: [(to: NodeID, message: Node.Message)] = []
    /// A `crashDuringWrite` trap holds this write: the node crashes the moment before it lands.
    var torn = false
}
