/// A Merkle hash tree over contiguous key ranges (Merkle 1987), as Dynamo (DeCandia et al.
/// 2007, §4.7) and Cassandra's repair use it for anti-entropy: each leaf hashes the entries of
/// one key range, each inner node hashes its two children, so two replicas compare their whole
/// stores by comparing roots and find the ranges that differ by descending only into
/// subtrees whose hashes differ.
///
/// Simplifications:
/// - A complete binary tree of fixed depth over a fixed key space `0..<keyCount` (Cassandra
///   builds it per token range, per repair; Dynamo keeps one per virtual node).
/// - Leaves are rehashed lazily: a write marks its leaf dirty and the path to the root is
///   recomputed on the next read of a hash, so the tree is never stale when compared.

/// Node indices use the heap layout: the root is 0, the children of `i` are `2i+1`, `2i+2`,
/// and the `leafCount` leaves are the last nodes.
public struct MerkleTree: Sendable {
    public let depth: Int
    public let keyCount: Int
    public var leafCount: Int { 1 << depth }
    public var nodeCount: Int { 2 * leafCount - 1 }

    private var hashes: [UInt64]
    private var dirtyLeaves: [Int] = []
    private var isDirty: [Bool]

    public init(depth: Int, keyCount: Int) {
        precondition(depth >= 0 && depth <= 12, "tree depth 0...12")
        self.depth = depth
        self.keyCount = keyCount
        hashes = Array(repeating: 0, count: (2 << depth) - 1)
        isDirty = Array(repeating: false, count: 1 << depth)
        // Empty leaves hash to 0; inner nodes hash their children as they will after writes.
        for node in stride(from: leafCount - 2, through: 0, by: -1) {
            hashes[node] = mix64(hashes[2 * node + 1] &* 31 ^ hashes[2 * node + 2])
        }
    }

    // MARK: Shape

    public func isLeaf(_ node: Int) -> Bool { node >= leafCount - 1 }
    public func children(_ node: Int) -> [Int] { isLeaf(node) ? [] : [2 * node + 1, 2 * node + 2] }
    public func leafNode(ofKey key: Int) -> Int { leafCount - 1 + leafIndex(ofKey: key) }
    public func leafIndex(ofKey key: Int) -> Int { key * leafCount / keyCount }

    /// The keys a leaf node covers.
    public func keyRange(ofLeaf node: Int) -> Range<Int> {
        let leaf = node - (leafCount - 1)
        let low = (leaf * keyCount + leafCount - 1) / leafCount
        let high = ((leaf + 1) * keyCount + leafCount - 1) / leafCount
        return low..<min(high, keyCount)
    }

    // MARK: Hashes

    /// Marks the leaf holding `key` for rehashing.
    public mutating func touch(key: Int) {
        let leaf = leafIndex(ofKey: key)
        if !isDirty[leaf] {
            isDirty[leaf] = true
            dirtyLeaves.append(leaf)
        }
    }

    /// Brings every hash up to date from `entries` (indexed by key).
    public mutating func refresh(_ entries: [KVEntry?]) {
        guard !dirtyLeaves.isEmpty else { return }
        var parents: [Int] = []
        for leaf in dirtyLeaves {
            isDirty[leaf] = false
            let node = leafCount - 1 + leaf
            var h: UInt64 = 0
            for key in keyRange(ofLeaf: node) {
                if let entry = entries[key] { h = mix64(h ^ entry.digest) }
            }
            hashes[node] = h
            if node > 0 { parents.append((node - 1) / 2) }
        }
        dirtyLeaves.removeAll(keepingCapacity: true)
        // Rehash level by level towards the root; each parent once per level.
        while !parents.isEmpty {
            parents.sort()
            var next: [Int] = []
            var last = -1
            for node in parents where node != last {
                last = node
                hashes[node] = mix64(hashes[2 * node + 1] &* 31 ^ hashes[2 * node + 2])
                if node > 0 { next.append((node - 1) / 2) }
            }
            parents = next
        }
    }

    /// The hash of `node`; call `refresh` first.
    public func hash(_ node: Int) -> UInt64 { hashes[node] }
    public var root: UInt64 { hashes[0] }
    public var needsRefresh: Bool { !dirtyLeaves.isEmpty }
}
