/// Last-writer-wins versions and the entries they stamp, as Cassandra stamps cells
/// (Lakshman & Malik 2010, §5) and as Dynamo's "last write wins" option resolves conflicts
/// (DeCandia et al. 2007, §4.4).
///
/// Why LWW and not version vectors: anti-entropy must reach one state on every replica. With
/// a total order on versions, merging is a join (keep the larger), the converged state is
/// unique and its Merkle root is the same everywhere; "never goes backwards" is a simple
/// comparison. Version vectors would keep concurrent writes as siblings for a client to
/// reconcile (Dynamo's design), which is more faithful to intent but leaves the store with
/// sets of values. The price of LWW is that of two concurrent writes one is silently dropped;
/// the demo counts how many writes were superseded.
///
/// Timestamps come from a hybrid clock (after Kulkarni et al. 2014): the larger of the
/// replica's virtual physical time in microseconds and one past the largest timestamp it has
/// seen, so a replica's own write always supersedes what it holds, even with skewed clocks.
///
/// Simplifications:
/// - One 64-bit timestamp instead of HLC's (physical, logical) pair.
/// - Ties are broken by replica id, so two versions are never equal unless identical.
/// - Values are 64-bit integers; deletes (tombstones) are not modelled.

/// A version: compared by timestamp, then by the writing replica.
public struct LWWVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var timestamp: UInt64
    public var replica: Int

    public init(timestamp: UInt64, replica: Int) {
        self.timestamp = timestamp
        self.replica = replica
    }

    public static func < (a: LWWVersion, b: LWWVersion) -> Bool {
        a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.replica < b.replica
    }

    public var description: String { "(\(timestamp),n\(replica))" }
}

/// One key's current value and the version that wrote it.
public struct KVEntry: Equatable, Sendable {
    public var key: Int
    public var version: LWWVersion
    public var value: UInt64

    public init(key: Int, version: LWWVersion, value: UInt64) {
        self.key = key
        self.version = version
        self.value = value
    }

    /// A 64-bit digest of the entry, mixed so that nearby keys and versions spread out.
    public var digest: UInt64 {
        var h = mix64(UInt64(truncatingIfNeeded: key) &+ 0x51_7C_C1_B7_27_22_0A_95)
        h = mix64(h ^ version.timestamp)
        h = mix64(h ^ UInt64(truncatingIfNeeded: version.replica))
        return mix64(h ^ value)
    }
}

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a cheap, well-mixing 64-bit hash step.
/// A demo needs collision resistance against accidents, not adversaries.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Sizes used to count bytes on the wire, as a compact binary encoding would spend them.
public enum WireSize {
    public static let header = 16  // message type, session id, length
    public static let key = 4
    public static let version = 12  // 8-byte timestamp, 4-byte replica id
    public static let value = 8
    public static let entry = key + version + value
    public static let treeNode = 10  // 2-byte node index, 8-byte hash
}
