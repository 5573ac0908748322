import Simulation
import Testing
@testable import Gossip

private func u(_ m: NodeID, _ s: MemberStatus, _ i: UInt32) -> MemberUpdate {
    MemberUpdate(member: m, status: s, incarnation: i)
}

@Test func precedenceFollowsTheSwimRules() {
    var v = MembershipView(me: 0, count: 4)
    #expect(v.apply(u(1, .suspect, 0)) == .accepted(was: .alive))   // suspect i >= alive i
    #expect(v.apply(u(1, .suspect, 0)) == .ignored)                  // suspect i does not beat suspect i
    #expect(v.apply(u(1, .alive, 0)) == .ignored)                    // alive i does not beat suspect i
    #expect(v.apply(u(1, .alive, 1)) == .accepted(was: .suspect))   // alive i+1 beats suspect i
    #expect(v.apply(u(1, .suspect, 0)) == .ignored)                  // stale suspicion
    #expect(v.apply(u(1, .dead, 1)) == .accepted(was: .alive))      // dead i beats alive i
    #expect(v.apply(u(1, .suspect, 5)) == .ignored)                  // nothing but alive revives the dead
    #expect(v.apply(u(1, .alive, 1)) == .ignored)
    #expect(v.apply(u(1, .alive, 2)) == .accepted(was: .dead))      // rejoin with a higher incarnation
    #expect(v.liveCount == 4)
}

@Test func aMemberRefutesSuspicionAndDeathOfItself() {
    var v = MembershipView(me: 2, count: 4)
    #expect(v.apply(u(2, .suspect, 0)) == .refuted(1))
    #expect(v.apply(u(2, .suspect, 0)) == .ignored)   // already past it
    #expect(v.apply(u(2, .dead, 3)) == .refuted(4))
    #expect(v.apply(u(2, .alive, 9)) == .ignored)
    #expect(v.ownIncarnation == 4)
}

@Test func brokenVariantLetsAStaleDeathWin() {
    var v = MembershipView(me: 0, count: 3, variant: .deadIgnoresIncarnation)
    _ = v.apply(u(1, .alive, 3))
    #expect(v.apply(u(1, .dead, 1)) == .accepted(was: .alive))
    var correct = MembershipView(me: 0, count: 3)
    _ = correct.apply(u(1, .alive, 3))
    #expect(correct.apply(u(1, .dead, 1)) == .ignored)
}

/// Property: without deaths, alive and suspect updates form a join: whatever order they
/// arrive in, the view ends at the highest incarnation, suspect over alive at equal ones.
/// (Deaths are deliberately not part of it: a death is final for its incarnation, and a later
/// suspicion cannot undo it, so with deaths arrival order matters, as in memberlist.)
@Test func aliveAndSuspectMergeInAnyOrder() {
    var rng = SeededRNG(seed: 11)
    for _ in 0..<300 {
        let updates = (0..<8).map { _ in u(1, rng.chance(perMille: 500) ? .alive : .suspect, UInt32(rng.below(4))) }
        var a = MembershipView(me: 0, count: 2)
        var b = MembershipView(me: 0, count: 2)
        for x in updates { _ = a.apply(x) }
        var shuffled = updates
        shuffled.shuffle(using: &rng)
        for x in shuffled { _ = b.apply(x) }
        #expect(a.record(1) == b.record(1), "\(updates)")
        let top = updates.map(\.incarnation).max()!
        let expected = updates.contains { $0.incarnation == top && $0.status == .suspect } ? MemberStatus.suspect : .alive
        #expect(a.record(1).incarnation == top || (top == 0 && a.record(1).incarnation == 0))
        #expect(a.record(1).status == expected || updates.allSatisfy { $0.incarnation == 0 && $0.status == .alive })
    }
}

@Test func piggybackSendsFreshNewsFirstAndRetiresSpentUpdates() {
    var buffer = PiggybackBuffer(transmitLimit: 2, capacity: 3)
    buffer.enqueue(u(1, .suspect, 0))
    buffer.enqueue(u(2, .suspect, 0))
    #expect(buffer.take(1) == [u(2, .suspect, 0)])            // newest first among equals
    #expect(buffer.take(1) == [u(1, .suspect, 0)])            // fewest transmissions first
    buffer.enqueue(u(2, .dead, 0))                             // replaces the news about n2
    #expect(buffer.take(5) == [u(2, .dead, 0), u(1, .suspect, 0)])
    #expect(buffer.count == 1)                                  // n1's suspicion is spent
    for m in 3...6 { buffer.enqueue(u(m, .alive, 1)) }
    #expect(buffer.count == 3)                                  // bounded
    #expect(PiggybackBuffer.transmitLimit(lambda: 3, members: 1_000) == 30)
    #expect(PiggybackBuffer.transmitLimit(lambda: 3, members: 64) == 18)
}

/// Property: anti-entropy merges commute and are idempotent, so exchanges in any order converge.
@Test func storeMergeCommutesAndIsIdempotent() {
    var rng = SeededRNG(seed: 3)
    for _ in 0..<200 {
        let entries = (0..<10).map { _ in
            VersionedEntry(key: Int(rng.below(4)), value: Int(rng.below(100)), version: rng.below(5), writer: Int(rng.below(3)))
        }
        let a = VersionedStore(entries: Array(entries[..<5]))
        let b = VersionedStore(entries: Array(entries[5...]))
        var ab = a
        _ = ab.merge(b)
        var ba = b
        _ = ba.merge(a)
        #expect(ab == ba)
        #expect(ab.merge(b) == 0 && ab.merge(a) == 0)
    }
}

@Test func aLocalWriteSupersedesWhatTheWriterHasSeen() {
    var store = VersionedStore()
    _ = store.merge(VersionedEntry(key: 1, value: 5, version: 7, writer: 3))
    let written = store.put(key: 1, value: 9, writer: 0)
    #expect(written.version == 8 && store.entry(1)?.value == 9)
}
