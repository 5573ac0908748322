/// The wire vocabulary of the eventually consistent store: Merkle anti-entropy (Dynamo,
/// DeCandia et al. 2007, §4.7), its naive full-state alternative, and quorum reads with read
/// repair (Dynamo §4.5 and §5; Cassandra's read repair).
///
/// Simplifications:
/// - Sizes are computed from a notional binary encoding (`WireSize`), not by serialising.

/// How replicas reconcile in the background.
public enum AntiEntropyMode: String, CaseIterable, Sendable {
    /// Exchange root hashes, descend only into differing subtrees, then only differing keys.
    case merkle
    /// Push-pull of every entry, the baseline Merkle trees were invented to beat.
    case full
}

/// One node of a Merkle tree as sent on the wire.
public struct TreeNodeHash: Equatable, Sendable {
    public var node: Int
    public var hash: UInt64
}

public enum ECMessage: Sendable {
    /// Hashes of some tree nodes; the receiver answers for those that differ from its own.
    case treeNodes(session: UInt64, nodes: [TreeNodeHash])
    /// The sender's versions of one differing leaf's key range.
    case rangeVersions(session: UInt64, leaf: Int, versions: [KeyVersion])
    /// Entries the receiver lacks or holds older versions of.
    case entries(session: UInt64, entries: [KVEntry])
    /// Keys the sender wants, because the receiver holds newer versions.
    case pull(session: UInt64, keys: [Int])
    /// Every entry of the sender; `reply` is false on the opening push.
    case fullState(session: UInt64, entries: [KVEntry], reply: Bool)
    case read(request: UInt64, key: Int)
    case readReply(request: UInt64, key: Int, entry: KVEntry?)
    /// Read repair: the newest entry a coordinator saw, sent to a replica that answered older.
    case repair(KVEntry)

    /// Bytes the message would take on the wire.
    public var bytes: Int {
        switch self {
        case .treeNodes(_, let nodes): WireSize.header + nodes.count * WireSize.treeNode
        case .rangeVersions(_, _, let versions):
            WireSize.header + 2 + versions.count * (WireSize.key + WireSize.version)
        case .entries(_, let entries), .fullState(_, let entries, _): WireSize.header + entries.count * WireSize.entry
        case .pull(_, let keys): WireSize.header + keys.count * WireSize.key
        case .read: WireSize.header + WireSize.key
        case .readReply(_, _, let entry): WireSize.header + WireSize.key + (entry == nil ? 0 : WireSize.entry)
        case .repair: WireSize.header + WireSize.entry
        }
    }

    /// Whether the message belongs to background anti-entropy (as opposed to client reads).
    public var isAntiEntropy: Bool {
        switch self {
        case .treeNodes, .rangeVersions, .entries, .pull, .fullState: true
        case .read, .readReply, .repair: false
        }
    }
}

/// A key and the version a replica holds of it.
public struct KeyVersion: Equatable, Sendable {
    public var key: Int
    public var version: LWWVersion
}
