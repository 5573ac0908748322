/// A Raft log with a compacted prefix (paper §5.3 and §7): entries are numbered from 1; those
/// up to `snapshotIndex` live only in the snapshot, which remembers the last one's term so that
/// the AppendEntries consistency check still works at the boundary.
///
/// Simplifications:
/// - Entries live in one array; a real log is a file of segments.

import Simulation

public struct RaftLog: Equatable, Sendable {
    /// The last index covered by the snapshot (0: none).
    public private(set) var snapshotIndex: Int = 0
    public private(set) var snapshotTerm: Term = 0
    /// `entries[k]` has index `snapshotIndex + 1 + k`.
    public private(set) var entries: [LogEntry] = []

    public init() {}

    public var lastIndex: Int { snapshotIndex + entries.count }
    public var lastTerm: Term { entries.last?.term ?? snapshotTerm }
    /// The first index still held as an entry.
    public var firstIndex: Int { snapshotIndex + 1 }

    /// The term of the entry at `index`; the snapshot's term at its boundary; nil when the
    /// index is past the end or compacted away.
    @inline(__always)
    public func term(at index: Int) -> Term? {
        if index == snapshotIndex { return snapshotTerm }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[index - snapshotIndex - 1].term
    }

    public func entry(at index: Int) -> LogEntry? {
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[index - snapshotIndex - 1]
    }

    /// Entries from `index` on, at most `limit` of them (index must not be compacted).
    public func entries(from index: Int, limit: Int) -> ArraySlice<LogEntry> {
        let start = max(index, firstIndex) - snapshotIndex - 1
        let end = min(entries.count, start + limit)
        return start < end ? entries[start..<end] : []
    }

    public mutating func append(_ entry: LogEntry) {
        entries.append(entry)
    }

    /// Drops every entry after `index`.
    public mutating func truncate(after index: Int) {
        guard index < lastIndex else { return }
        entries.removeLast(lastIndex - max(index, snapshotIndex))
    }

    /// Merges entries that follow `prevIndex` the way a follower must (Figure 2, receiver
    /// steps 3–4): an existing entry that conflicts (same index, other term) is deleted with
    /// all that follow it; entries already present are kept, so a stale or reordered message
    /// can never shorten the log. Returns the first index that changed, if any.
    /// `keepingTail` is the classic bug (`RaftFlaw.keepsConflictingEntries`): conflicting
    /// entries are overwritten in place and whatever followed them stays.
    public mutating func merge(_ incoming: ArraySlice<LogEntry>, after prevIndex: Int,
                               keepingTail: Bool = false) -> Int? {
        var index = prevIndex
        for (offset, entry) in zip(incoming.indices, incoming) {
            index += 1
            if index <= snapshotIndex { continue }
            if let existing = term(at: index) {
                if existing == entry.term { continue }
                if keepingTail {
                    for (position, replacement) in zip(index..., incoming[offset...]) {
                        if position <= lastIndex { entries[position - snapshotIndex - 1] = replacement }
                        else { entries.append(replacement) }
                    }
                    return index
                }
                truncate(after: index - 1)
            }
            entries.append(contentsOf: incoming[offset...])
            return index
        }
        return nil
    }

    /// The first index holding an entry of `term` in the uncompacted part, scanning back from
    /// `index` (whose entry has that term). Used for the follower's conflict hint.
    public func firstIndex(ofTermAt index: Int) -> Int {
        guard let target = term(at: index) else { return index }
        var first = index
        while first - 1 > snapshotIndex, term(at: first - 1) == target { first -= 1 }
        return first
    }

    /// The last index holding an entry of `term`, if any (the leader's side of the hint).
    public func lastIndex(ofTerm target: Term) -> Int? {
        var index = lastIndex
        while index > snapshotIndex {
            let current = entries[index - snapshotIndex - 1].term
            if current == target { return index }
            if current < target { return nil }
            index -= 1
        }
        return nil
    }

    /// Discards entries up to `index`, which the snapshot now covers.
    public mutating func compact(through index: Int, term: Term) {
        guard index > snapshotIndex else { return }
        if index >= lastIndex {
            entries.removeAll()
        } else {
            entries.removeFirst(index - snapshotIndex)
        }
        snapshotIndex = index
        snapshotTerm = term
    }

    /// Installs a snapshot ending at (`index`, `term`): keeps the entries that follow it when
    /// the log agrees at that point, and discards the whole log otherwise (paper §7, receiver
    /// steps 6–7).
    public mutating func installSnapshot(index: Int, term: Term) {
        if self.term(at: index) == term, index <= lastIndex {
            compact(through: index, term: term)
        } else {
            entries.removeAll()
            snapshotIndex = index
            snapshotTerm = term
        }
    }

    /// Does a candidate's log ending at (`lastIndex`, `lastTerm`) hold at least everything
    /// this one does? (paper §5.4.1)
    public func isUpToDate(lastIndex otherIndex: Int, lastTerm otherTerm: Term) -> Bool {
        otherTerm != lastTerm ? otherTerm > lastTerm : otherIndex >= lastIndex
    }
}
