import Raft
import Testing

@Suite struct RaftLogTests {
    static func entry(_ term: Term, _ value: Int = 0) -> LogEntry {
        LogEntry(term: term, payload: .client(ClientRequest(client: 1, sequence: value, operation: .write(key: 0, value: value))))
    }

    static func log(_ terms: [Term]) -> RaftLog {
        var log = RaftLog()
        for (i, term) in terms.enumerated() { log.append(entry(term, i + 1)) }
        return log
    }

    @Test func indicesAndTerms() {
        let log = Self.log([1, 1, 2])
        #expect(log.lastIndex == 3 && log.lastTerm == 2 && log.firstIndex == 1)
        #expect(log.term(at: 0) == 0 && log.term(at: 3) == 2 && log.term(at: 4) == nil)
        #expect(log.entries(from: 2, limit: 10).map(\.term) == [1, 2])
        #expect(log.entries(from: 2, limit: 1).count == 1)
    }

    @Test func mergeKeepsMatchingEntriesAndTruncatesAtTheFirstConflict() {
        var log = Self.log([1, 1, 2, 2])
        // Identical entries: nothing changes (a duplicate or reordered message).
        #expect(log.merge(Self.log([1, 2]).entries[1...1], after: 2) == nil)
        #expect(log.lastIndex == 4)
        // Conflict at index 3: entries from 3 on are replaced.
        #expect(log.merge([Self.entry(3, 30)], after: 2) == 3)
        #expect(log.lastIndex == 3 && log.term(at: 3) == 3)
        // Extension.
        #expect(log.merge([Self.entry(3, 40)], after: 3) == 4)
        #expect(log.lastIndex == 4)
    }

    @Test func conflictHints() {
        let log = Self.log([1, 1, 2, 2, 2, 4])
        #expect(log.firstIndex(ofTermAt: 5) == 3)
        #expect(log.lastIndex(ofTerm: 2) == 5)
        #expect(log.lastIndex(ofTerm: 3) == nil)
    }

    @Test func compactionAndSnapshotInstall() {
        var log = Self.log([1, 1, 2, 2, 3])
        log.compact(through: 3, term: 2)
        #expect(log.snapshotIndex == 3 && log.firstIndex == 4 && log.lastIndex == 5)
        #expect(log.term(at: 3) == 2 && log.term(at: 2) == nil && log.entry(at: 4)?.term == 2)
        // A snapshot that agrees with the log keeps the suffix ...
        var agreeing = log
        agreeing.installSnapshot(index: 4, term: 2)
        #expect(agreeing.snapshotIndex == 4 && agreeing.lastIndex == 5)
        // ... one that does not discards it.
        var conflicting = log
        conflicting.installSnapshot(index: 4, term: 7)
        #expect(conflicting.snapshotIndex == 4 && conflicting.lastIndex == 4 && conflicting.lastTerm == 7)
        // Merging below the snapshot skips the compacted part.
        #expect(log.merge([Self.entry(1), Self.entry(2), Self.entry(2), Self.entry(3)], after: 1) == nil)
    }

    @Test func upToDateComparesLastTermThenLength() {
        let log = Self.log([1, 2, 2])
        #expect(log.isUpToDate(lastIndex: 1, lastTerm: 3))
        #expect(log.isUpToDate(lastIndex: 3, lastTerm: 2))
        #expect(!log.isUpToDate(lastIndex: 2, lastTerm: 2))
        #expect(!log.isUpToDate(lastIndex: 9, lastTerm: 1))
    }
}

@Suite struct KVStoreTests {
    @Test func sessionsApplyEachCommandOnce() {
        var store = KVStore()
        let write = ClientRequest(client: 1, sequence: 1, operation: .write(key: 0, value: 5))
        #expect(store.apply(write) == .written)
        let cas = ClientRequest(client: 1, sequence: 2, operation: .cas(key: 0, expected: 5, new: 6))
        #expect(store.apply(cas) == .casApplied)
        // The retried cas is answered from the session, not applied again (it would fail now).
        #expect(store.apply(cas) == .casApplied)
        #expect(store.value(of: 0) == 6)
        let other = ClientRequest(client: 2, sequence: 1, operation: .cas(key: 0, expected: 5, new: 7))
        #expect(store.apply(other) == .casRejected(current: 6))
        #expect(store.read(0) == .value(6) && store.read(1) == .value(nil))
    }
}
