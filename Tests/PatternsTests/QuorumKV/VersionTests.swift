import Simulation
import Testing
import VectorClocks
@testable import QuorumKV

func version(_ clock: VectorClock, _ value: String, at time: UInt64 = 0, node: NodeID = 0) -> Version {
    Version(clock: clock, value: value, stamp: .init(nanoseconds: time, node: node))
}

@Test func siblingsKeepConcurrentVersionsAndDropObsoleteOnes() {
    let base = version([100: 1], "milk")
    let eggs = version([100: 2], "eggs,milk", at: 2)
    let bread = version([100: 1, 101: 1], "bread,milk", at: 1)
    let siblings = Resolution.siblings.reconcile([base], [eggs])
    #expect(siblings == [eggs])
    let both = Resolution.siblings.reconcile(siblings, [bread])
    #expect(both.count == 2 && both.contains(eggs) && both.contains(bread))
    // Order of arrival does not matter, and a stale copy changes nothing.
    #expect(Resolution.siblings.reconcile([bread, base], [eggs]) == both)
    #expect(Resolution.siblings.reconcile(both, [base]) == both)
    let merged = version(mergedContext(both).incremented(100), "bread,eggs,milk", at: 3)
    #expect(Resolution.siblings.reconcile(both, [merged]) == [merged])
    #expect(Resolution.siblings.covers([merged], eggs) && Resolution.siblings.covers([merged], bread))
    #expect(!Resolution.siblings.covers([eggs], bread))
}

@Test func lastWriterWinsKeepsOneAndLosesTheOther() {
    let eggs = version([100: 2], "eggs,milk", at: 5, node: 1)
    let bread = version([100: 1, 101: 1], "bread,milk", at: 4, node: 2)
    #expect(Resolution.lww.reconcile([bread], [eggs]) == [eggs])
    #expect(Resolution.lww.reconcile([eggs], [bread]) == [eggs])
    #expect(Resolution.lww.covers([eggs], bread))
    // Equal times fall back to the node id: still deterministic.
    let tie = version([102: 1], "x", at: 5, node: 0)
    #expect(Resolution.lww.reconcile([tie], [eggs]) == [eggs])
}

@Test func cartClientAdvancesItsOwnEntryPastAnythingItWrote() {
    let client = CartClient(actor: 100, name: "phone", gateway: 0)
    #expect(client.nextClock(after: VectorClock()) == [100: 1])
    // A blind write from the same stale context still gets a fresh counter.
    #expect(client.nextClock(after: VectorClock()) == [100: 2])
    #expect(client.nextClock(after: [100: 7, 101: 1]) == [100: 8, 101: 1])
    #expect(CartClient.items([version([1: 1], "b,a"), version([2: 1], "c,a")]) == ["a", "b", "c"])
}

@Test func policyOverlap() {
    #expect(QuorumPolicy(n: 3, r: 2, w: 2).overlaps)
    #expect(!QuorumPolicy(n: 3, r: 1, w: 2).overlaps)
    #expect(!QuorumPolicy(n: 3, r: 2, w: 2, sloppy: true).overlaps)
}

@Test func aStaleReadCannotMakeAClientOverwriteItsOwnAddition() {
    let client = CartClient(actor: 100, name: "c0", gateway: 0)
    let first = client.nextVersion(of: "cart", after: [], adding: "a")
    _ = client.nextVersion(of: "other", after: [], adding: "x")
    // The next read is stale: it misses the first put entirely.
    let second = client.nextVersion(of: "cart", after: [], adding: "b")
    #expect(second.clock.dominates(first.clock))
    // So the second put must carry the first one's item, or replicas would drop "a".
    #expect(CartClient.items(Resolution.siblings.reconcile([first], [second])) == ["a", "b"])
}
