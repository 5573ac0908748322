import Simulation
import Testing
@testable import CRDTs

@Test func gCounterCountsPerReplicaAndMergesByMax() {
    var a = GCounter()
    var b = GCounter()
    a.increment(by: 3, replica: 0)
    let delta = b.increment(by: 2, replica: 1)
    #expect(delta.counts.entries == [Dot(1, 2)])
    a.merge(b)
    a.merge(b)
    #expect(a.value == 5)
    b.increment(replica: 1)
    a.merge(b)
    #expect(a.value == 6)
}

@Test func pnCounterValueIsIncrementsMinusDecrements() {
    var a = PNCounter()
    var b = PNCounter()
    a.apply(.init(10), replica: 0)
    b.apply(.init(-4), replica: 1)
    b.apply(.init(7), replica: 1)
    a.merge(b)
    #expect(a.value == 13)
    #expect(a.increments.value == 17 && a.decrements.value == 4)
}

@Test func twoPhaseSetNeverReAdds() {
    var set = TwoPhaseSet<Int>()
    set.insert(1)
    set.remove(1)
    set.insert(1)
    #expect(!set.contains(1))
    // A remove of something never seen added is a no-op (the precondition).
    var other = TwoPhaseSet<Int>()
    let delta = other.remove(2)
    #expect(delta == TwoPhaseSet<Int>())
}

@Test func lwwTiesBreakOnReplicaID() {
    var a = LWWRegister<String>()
    var b = LWWRegister<String>()
    a.assign("from n0", wallClock: 100, replica: 0)
    b.assign("from n1", wallClock: 100, replica: 1)
    #expect(a.merging(b).value == "from n1")
    #expect(b.merging(a).value == "from n1")
}

@Test func lwwWriteAfterSeeingAFutureTimestampStillWins() {
    var a = LWWRegister<String>()
    a.assign("fast clock", wallClock: 500, replica: 1)
    var b = LWWRegister<String>()
    b.merge(a)
    b.assign("later", wallClock: 200, replica: 0)
    #expect(b.timestamp == 501)
    #expect(a.merging(b).value == "later")
}

@Test func mvRegisterKeepsConcurrentWritesAndCollapsesOnOverwrite() {
    var a = MVRegister<String>()
    a.assign("Draft", replica: 0)
    var b = a
    a.assign("Q3 plan", replica: 0)
    b.assign("Roadmap", replica: 1)
    var merged = a.merging(b)
    #expect(merged.values == ["Q3 plan", "Roadmap"])
    #expect(merged == b.merging(a))
    merged.assign("Final", replica: 2)
    #expect(merged.values == ["Final"])
    #expect(a.merging(b).merging(merged).values == ["Final"])
}

@Test func versionVectorOrder() {
    let a = VersionVector([(0, 2), (1, 1)])
    let b = VersionVector([(0, 2), (1, 3)])
    let c = VersionVector([(0, 3)])
    #expect(a.happenedBefore(b))
    #expect(!b.happenedBefore(a))
    #expect(a.isConcurrent(with: c) && b.isConcurrent(with: c))
    #expect(a.merging(c) == VersionVector([(0, 3), (1, 1)]))
}

@Test func wireSizesAreVarints() {
    #expect(WireSize.varint(UInt64(127)) == 1)
    #expect(WireSize.varint(UInt64(128)) == 2)
    #expect(WireSize.text("milk") == 5)
    #expect(Dot(3, 300).encodedSize == 3)
}
