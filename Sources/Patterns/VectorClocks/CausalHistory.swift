/// The harness's ground truth for happens-before, built from what nodes did and never from
/// their clocks: Lamport's definition (CACM 1978, §2) applied to broadcasts. Send b depends
/// on a when a was sent or delivered at b's sender before b was sent, or transitively so.
/// Against it the demo checks that deliveries respect causality, that Lamport clocks satisfy
/// the clock condition, and that vector clocks characterise the order exactly (Mattern 1989,
/// Theorem 10: a → b iff V(a) < V(b)).
///
/// Simplifications:
/// - Only broadcasts are events; local steps in between are not recorded.
import Simulation

public struct CausalHistory: Sendable {
    public struct Record: Sendable {
        public let id: Int
        public let sender: NodeID
        public let clock: VectorClock
        public let lamport: UInt64
        /// Every post that happened before this one.
        public let causes: MessageSet
    }

    /// Indexed by post id; nil for ids never sent (a post submitted to a crashed node).
    public private(set) var records: [Record?] = []
    /// Per node: the posts it has delivered (its own count as delivered when sent).
    public private(set) var delivered: [MessageSet]
    /// Per node: its causal past, the closure of everything it has delivered.
    private var past: [MessageSet]

    public init(nodeCount: Int) {
        delivered = Array(repeating: MessageSet(), count: nodeCount)
        past = Array(repeating: MessageSet(), count: nodeCount)
    }

    public var sentIDs: [Int] { records.compactMap { $0?.id } }

    public func record(_ id: Int) -> Record? { id < records.count ? records[id] : nil }

    /// A send at `node`: its causes are the node's causal past.
    public mutating func recordSend(id: Int, node: NodeID, clock: VectorClock, lamport: UInt64) {
        while records.count <= id { records.append(nil) }
        records[id] = Record(id: id, sender: node, clock: clock, lamport: lamport, causes: past[node])
        delivered[node].insert(id)
        past[node].insert(id)
    }

    /// A delivery of post `id` at `node`. Returns the posts that happened before it but that
    /// the node has not delivered yet (empty when the delivery respects causality), or nil
    /// when the post was already delivered there.
    public mutating func recordDelivery(id: Int, node: NodeID) -> [Int]? {
        guard let record = record(id), !delivered[node].contains(id) else { return nil }
        let missing = record.causes.subtracting(delivered[node]).members
        delivered[node].insert(id)
        past[node].formUnion(record.causes)
        past[node].insert(id)
        return missing
    }

    public func happenedBefore(_ a: Int, _ b: Int) -> Bool {
        record(b)?.causes.contains(a) ?? false
    }

    /// Every ordered pair of sent posts, in id order.
    private var pairs: [(Record, Record)] {
        let sent = records.compactMap { $0 }
        return sent.flatMap { a in sent.filter { $0.id != a.id }.map { (a, $0) } }
    }

    /// The first pair with a → b but L(a) ≥ L(b): a broken clock condition.
    public func lamportViolation() -> (Record, Record)? {
        pairs.first { a, b in happenedBefore(a.id, b.id) && a.lamport >= b.lamport }
    }

    /// The first pair on which the vector clocks disagree with the ground truth.
    public func vectorClockMismatch() -> (Record, Record)? {
        pairs.first { a, b in happenedBefore(a.id, b.id) != a.clock.happenedBefore(b.clock) }
    }

    /// A pair the Lamport order ranks L(a) < L(b) although neither happened before the other:
    /// the converse of the clock condition fails.
    public func lamportCounterexample() -> (Record, Record)? {
        pairs.first { a, b in
            a.lamport < b.lamport && !happenedBefore(a.id, b.id) && !happenedBefore(b.id, a.id)
        }
    }

    /// (node, post) pairs not delivered yet.
    public func undelivered() -> [(node: NodeID, id: Int)] {
        delivered.indices.flatMap { node in
            sentIDs.filter { !delivered[node].contains($0) }.map { (node, $0) }
        }
    }
}

/// A set of small non-negative integers (post ids) as a bitmap: ordered iteration, cheap
/// union and subset tests, and no hashing anywhere near the output.
public struct MessageSet: Hashable, Sendable {
    private var words: [UInt64] = []

    public init() {}

    public init(_ members: [Int]) {
        for member in members { insert(member) }
    }

    public func contains(_ member: Int) -> Bool {
        let word = member / 64
        return word < words.count && words[word] & (1 << UInt64(member % 64)) != 0
    }

    public mutating func insert(_ member: Int) {
        let word = member / 64
        while words.count <= word { words.append(0) }
        words[word] |= 1 << UInt64(member % 64)
    }

    public mutating func formUnion(_ other: MessageSet) {
        while words.count < other.words.count { words.append(0) }
        for (index, word) in other.words.enumerated() { words[index] |= word }
    }

    public func subtracting(_ other: MessageSet) -> MessageSet {
        var result = self
        for index in result.words.indices where index < other.words.count {
            result.words[index] &= ~other.words[index]
        }
        return result
    }

    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Members in ascending order.
    public var members: [Int] {
        words.indices.flatMap { index in
            (0..<64).filter { words[index] & (1 << UInt64($0)) != 0 }.map { index * 64 + $0 }
        }
    }
}
