import Simulation

/// The wire vocabulary of the sharded store: client operations routed by a cached table, the
/// "wrong shard, version v" redirect (MongoDB's StaleConfig, Bigtable's client cache miss),
/// table refreshes, load reports, and the move protocol: snapshot, streamed updates, freeze,
/// catch-up, switch.
///
/// Simplifications:
/// - Values are integers; an operation touches one key.

/// A stored value and the per-key version the owner gave it.
public struct Item: Equatable, Sendable {
    public var value: Int
    public var version: Int
}

public enum Operation: Equatable, Sendable {
    case get
    case put(Int)
}

public enum OpResult: Equatable, Sendable {
    case value(Item?)
    case written(version: Int)
    /// The node does not own the key at its routing version.
    case wrongShard(version: Int)
    /// The key's range is frozen for a move; retry shortly.
    case moving
}

/// A write applied at the source after the snapshot, streamed to the destination in order.
public struct StreamEntry: Equatable, Sendable {
    public var sequence: Int
    public var key: Int
    public var item: Item
    public var client: NodeID
    public var request: Int
}

/// The last request of a client a node applied, and its answer, so a retry is not re-applied
/// (a session table, as Raft's §6.3 client sessions). It moves with the data.
public struct Session: Equatable, Sendable {
    public var client: NodeID
    public var request: Int
    public var result: OpResult
}

public struct MovePlan: Equatable, Sendable {
    public var move: Int
    public var shard: Int
    public var low: Int
    public var high: Int
    public var from: NodeID
    public var to: NodeID
}

public struct ShardLoad: Equatable, Sendable {
    public var shard: Int
    public var operations: Int
    /// Operations per eighth of the shard's range, to choose a split point.
    public var buckets: [Int]
}

public enum ShardingMessage: Sendable {
    case request(request: Int, key: Int, Operation, tableVersion: Int)
    case reply(request: Int, key: Int, OpResult)
    case tableRequest
    case table(RoutingTable)
    case load(version: Int, [ShardLoad])
    case assign(RoutingTable)
    case startMove(MovePlan)
    /// One chunk of the snapshot, `items` from position `offset` of `total`; the session table
    /// rides on the first chunk.
    case snapshot(MovePlan, offset: Int, items: [(key: Int, item: Item)], sessions: [Session], total: Int)
    case stream(move: Int, [StreamEntry])
    /// Destination to source: `copied` snapshot items are in, and every entry up to `sequence`.
    case streamAck(move: Int, copied: Int, sequence: Int)
    case moveReady(move: Int)
}

public enum ShardingTimer: Hashable, Sendable {
    case tick
    case report
    case retry
}

public enum ShardingOutput: Sendable {
    case note(String, String)
    /// A node answered an operation on `key` (checked against its ownership).
    case served(key: Int, Operation, OpResult)
    /// A client got an answer: `issued` is when it first sent the operation.
    case completed(key: Int, Operation, OpResult, issued: SimTime)
    case redirected
    case activated(low: Int, high: Int)
    /// The source released a moved range: keys in its snapshot, writes it streamed, how long
    /// the range was frozen.
    case moved(move: Int, keys: Int, streamed: Int, frozen: SimDuration)
}
