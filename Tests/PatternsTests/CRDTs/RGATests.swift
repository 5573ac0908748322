import Simulation
import Testing
@testable import CRDTs

@Test func rgaTypesAndDeletes() {
    var doc = RGA()
    doc.insert("hello world", at: 0, replica: 0)
    doc.insert(",", at: 5, replica: 0)
    #expect(doc.text == "hello, world")
    doc.delete(at: 0, count: 7, replica: 0)
    #expect(doc.text == "world")
    #expect(doc.tombstoneCount == 7)
}

@Test func rgaConcurrentInsertsAtSamePositionConvergeWithoutInterleaving() {
    var base = RGA()
    base.insert("ab", at: 0, replica: 0)
    var x = base
    var y = base
    var z = base
    let dx = x.insert("XXX", at: 1, replica: 1)
    let dy = y.insert("YY", at: 1, replica: 2)
    let dz = z.insert("ZZZZ", at: 1, replica: 3)
    let orders: [[RGA]] = [[dx, dy, dz], [dz, dy, dx], [dy, dx, dz], [dz, dx, dy]]
    var texts: [String] = []
    for order in orders {
        var replica = base
        for delta in order { replica.merge(delta) }
        texts.append(replica.text)
    }
    #expect(Set(texts).count == 1)
    // Equal first timestamps (all typed after seeing only "ab"): the replica id breaks the
    // tie, larger first, and every run stays whole.
    #expect(texts[0] == "aZZZZYYXXXb")
}

@Test func rgaNewerInsertGoesFirstAtTheSameOrigin() {
    var a = RGA()
    a.insert("ab", at: 0, replica: 0)
    var b = a
    b.insert("zz", at: 0, replica: 1)      // b has seen more: its clock is ahead
    b.insert("123", at: 4, replica: 1)     // after "b", timestamps 5.n1...
    a.insert("Q", at: 2, replica: 0)       // after "b" too, timestamp 3.n0: older
    var merged = a
    merged.merge(b)
    #expect(merged.text == "zzab123Q")
    b.merge(a)
    #expect(b.text == merged.text)
}

@Test func rgaInsertAfterConcurrentlyDeletedCharacterSurvives() {
    var a = RGA()
    a.insert("Agenda: hiring.", at: 0, replica: 0)
    var b = a
    b.delete(at: 7, count: 7, replica: 1)            // deletes " hiring"
    a.insert(" (2 roles)", at: 14, replica: 0)         // typed right after "hiring"
    a.merge(b)
    b.merge(a)
    #expect(a == b)
    #expect(a.text == "Agenda: (2 roles).")
}

@Test func rgaRandomConcurrentEditsConvergeInAnyMergeOrder() {
    var rng = SeededRNG(seed: 3)
    for _ in 0..<150 {
        var replicas = [RGA(), RGA(), RGA()]
        var deltas: [RGA] = []
        for _ in 0..<12 {
            let r = Int(rng.below(3))
            let length = replicas[r].text.count
            if length > 2 && rng.chance(perMille: 250) {
                deltas.append(replicas[r].delete(at: Int(rng.below(UInt64(length))), count: 1, replica: r))
            } else {
                deltas.append(replicas[r].insert(rng.pick(["ab", "c", "def"])!, at: Int(rng.below(UInt64(length + 1))), replica: r))
            }
            if rng.chance(perMille: 300) { replicas[r].merge(replicas[Int(rng.below(3))]) }
        }
        var forward = RGA()
        for delta in deltas { forward.merge(delta) }
        var shuffled = deltas
        shuffled.shuffle(using: &rng)
        var backward = RGA()
        for delta in shuffled { backward.merge(delta) }
        #expect(forward.text == backward.text)
        #expect(forward == backward)
        for index in replicas.indices { replicas[index].merge(forward) }
        #expect(replicas.allSatisfy { $0.text == forward.text })
    }
}
