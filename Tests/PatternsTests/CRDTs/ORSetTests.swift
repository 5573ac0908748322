import Simulation
import Testing
@testable import CRDTs

@Test func orSetAddRemoveContains() {
    var cart = ORSet<String>()
    cart.add("milk", replica: 0)
    cart.add("eggs", replica: 0)
    #expect(cart.elements == ["eggs", "milk"])
    cart.remove("milk")
    #expect(cart.elements == ["eggs"])
    #expect(!cart.contains("milk"))
    cart.add("milk", replica: 0)
    #expect(cart.contains("milk"))
    #expect(cart.context == CausalContext(dots: [Dot(0, 1), Dot(0, 2), Dot(0, 3)]))
}

@Test func orSetConcurrentReAddWinsOverRemove() {
    var a = ORSet<String>()
    a.add("milk", replica: 0)
    var b = a
    // Concurrently: a removes milk, b adds it again (a fresh dot a never saw).
    a.remove("milk")
    b.add("milk", replica: 1)
    #expect(a.merging(b).contains("milk"))
    #expect(b.merging(a).contains("milk"))
    #expect(a.merging(b) == b.merging(a))
}

@Test func orSetObservedRemoveWins() {
    var a = ORSet<String>()
    a.add("eggs", replica: 0)
    var b = ORSet<String>()
    b.merge(a)
    b.remove("eggs")
    // b removed exactly what it observed; a has nothing newer, so the remove sticks.
    a.merge(b)
    #expect(!a.contains("eggs"))
}

@Test func orSetAddWinsForEveryInterleaving() {
    // An element re-added concurrently with its removal is kept, whatever the merge order.
    var rng = SeededRNG(seed: 11)
    for _ in 0..<500 {
        var base = ORSet<Int>()
        base.add(1, replica: Int(rng.below(3)))
        var replicas = [base, base, base]
        let remover = Int(rng.below(3))
        let adder = (remover + 1 + Int(rng.below(2))) % 3
        var deltas = [replicas[remover].remove(1), replicas[adder].add(1, replica: adder)]
        deltas.shuffle(using: &rng)
        var target = base
        for delta in deltas { target.merge(delta) }
        #expect(target.contains(1))
        #expect(replicas[remover].merging(replicas[adder]).contains(1))
    }
}

@Test func orSetLeavesNoTombstones() {
    var a = ORSet<Int>()
    var b = ORSet<Int>()
    for round in 0..<200 {
        a.add(round % 5, replica: 0)
        b.add(round % 5 + 100, replica: 1)
        a.remove((round + 2) % 5)
        b.remove((round + 2) % 5 + 100)
        a.merge(b)
        b.merge(a)
    }
    // Hundreds of adds and removes: the context is one integer per replica and the store
    // holds only live elements.
    #expect(a == b)
    #expect(a.context.cloud.isEmpty)
    #expect(a.context.compact.entries.count == 2)
    #expect(a.store.count == a.elements.count)
    #expect(a.elements.count <= 10)
    #expect(a.encodedSize < 80)
}

@Test func causalContextCompactsOutOfOrderDots() {
    var context = CausalContext()
    context.insert(Dot(0, 3))
    context.insert(Dot(0, 2))
    #expect(context.cloud == [Dot(0, 2), Dot(0, 3)])
    #expect(context.contains(Dot(0, 3)) && !context.contains(Dot(0, 1)))
    context.insert(Dot(0, 1))
    #expect(context.cloud.isEmpty)
    #expect(context.compact[0] == 3)
    var other = CausalContext(dots: [Dot(0, 5), Dot(1, 1)])
    other.merge(CausalContext(dots: [Dot(0, 4)]))
    context.merge(other)
    #expect(context.cloud.isEmpty && context.compact[0] == 5 && context.compact[1] == 1)
}

@Test func orSetDeltasOutOfOrderConverge() {
    // Deltas of one replica applied in reverse order: the cloud holds the gaps, then folds.
    var source = ORSet<Int>()
    var deltas: [ORSet<Int>] = []
    for element in 0..<20 { deltas.append(source.add(element, replica: 2)) }
    for element in stride(from: 0, to: 20, by: 3) { deltas.append(source.remove(element)) }
    var target = ORSet<Int>()
    for delta in deltas.reversed() { target.merge(delta) }
    #expect(target == source)
    #expect(target.context.cloud.isEmpty)
}

@Test func orSetMergeOfLargeSetsIsCorrect() {
    var a = ORSet<Int>()
    var b = ORSet<Int>()
    a.apply(.addAll(Array(0..<5_000)), replica: 0)
    b.apply(.addAll(Array(2_500..<7_500)), replica: 1)
    var merged = a
    merged.merge(b)
    #expect(merged.elements.count == 7_500)
    #expect(merged.dots(of: 3_000).count == 2)
    // Removing on one side after seeing both removes both tags.
    var c = merged
    c.remove(3_000)
    merged.merge(c)
    #expect(!merged.contains(3_000))
}

@Test func orSetAddAllEqualsOneAddAtATime() {
    var rng = SeededRNG(seed: 8)
    for _ in 0..<200 {
        var base = ORSet<Int>()
        for _ in 0..<Int(rng.below(6)) { base.add(Int(rng.below(10)), replica: Int(rng.below(2))) }
        let batch = (0..<Int(rng.below(8))).map { _ in Int(rng.below(10)) }
        var bulk = base
        let bulkDelta = bulk.addAll(batch, replica: 1)
        var single = base
        var singleDelta = ORSet<Int>()
        var seen: [Int] = []
        for element in batch.sorted() where seen.last != element {
            seen.append(element)
            singleDelta.merge(single.add(element, replica: 1))
        }
        #expect(bulk == single)
        #expect(bulkDelta == singleDelta)
        #expect(base.merging(bulkDelta) == bulk)
    }
}
