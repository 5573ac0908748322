/// One stored version of a key and the rules for reconciling versions. DeCandia et al.,
/// "Dynamo: Amazon's Highly Available Key-value Store" (SOSP 2007), §4.4: versions carry
/// vector clocks; a version whose clock is dominated by another's is obsolete; versions with
/// concurrent clocks are siblings, all kept and all returned to the client, which reconciles
/// them and writes the result back with their merged clock as context.
///
/// The vector's actors are the *clients* that wrote (as in early Riak), not the coordinating
/// servers (Dynamo §4.4). With server actors, two writes coordinated by the same server from
/// the same context get ordered clocks (…s:5 then …s:6) and the first is silently discarded
/// as obsolete; fixing that needs dotted version vectors (Preguiça et al., 2012). Client
/// actors only need each client to write sequentially and remember its own counter.
///
/// Simplifications:
/// - Values are strings; deletes and tombstones are not modelled.
/// - Vectors are never truncated (Dynamo prunes past 10 entries).
import Simulation
import VectorClocks

public struct Version: Hashable, Sendable {
    public let clock: VectorClock
    public let value: String
    /// For last-writer-wins only: the coordinator's receive time, then its id.
    public let stamp: Stamp

    public init(clock: VectorClock, value: String, stamp: Stamp) {
        self.clock = clock
        self.value = value
        self.stamp = stamp
    }

    /// A fixed order for a sibling set, so that equal sets print and compare alike: by the
    /// clocks' entries, then by value.
    static func canonicalOrder(_ a: Version, _ b: Version) -> Bool {
        for (x, y) in zip(a.clock.entries, b.clock.entries) where x != y {
            return x.node != y.node ? x.node < y.node : x.counter < y.counter
        }
        if a.clock.entries.count != b.clock.entries.count { return a.clock.entries.count < b.clock.entries.count }
        return a.value < b.value
    }

    public struct Stamp: Hashable, Sendable, Comparable {
        public let nanoseconds: UInt64
        public let node: NodeID
        public init(nanoseconds: UInt64, node: NodeID) {
            self.nanoseconds = nanoseconds
            self.node = node
        }
        public static func < (a: Stamp, b: Stamp) -> Bool {
            a.nanoseconds != b.nanoseconds ? a.nanoseconds < b.nanoseconds : a.node < b.node
        }
    }
}

/// The context a client writes back: the merge of every sibling's clock it read.
public func mergedContext(_ versions: [Version]) -> VectorClock {
    versions.reduce(VectorClock()) { $0.merged(with: $1.clock) }
}
