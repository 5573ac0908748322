import Simulation
import Testing
@testable import VectorClocks

@Test func missingEntriesReadAsZeroOnBothSides() {
    let empty = VectorClock()
    let a: VectorClock = [0: 1]
    #expect(empty.compare(a) == .before)
    #expect(a.compare(empty) == .after)
    // The design sketch walks only the left clock's entries, so it calls these two equal.
    let b: VectorClock = [0: 1, 1: 2]
    #expect(a.compare(b) == .before)
    #expect(b.compare(a) == .after)
    #expect(VectorClock([(0, 1)]).compare(VectorClock([(1, 1)])) == .concurrent)
    // An explicit zero is no entry at all.
    #expect(VectorClock([(0, 1), (1, 0)]) == a)
    #expect(VectorClock([(0, 1), (1, 0)]).compare(a) == .equal)
}

@Test func incrementMergeAndSubscript() {
    var clock = VectorClock()
    clock.increment(2)
    clock.increment(2)
    clock.increment(0)
    #expect(clock[2] == 2 && clock[0] == 1 && clock[1] == 0)
    #expect(clock.description == "{n0:1 n2:2}")
    #expect(clock.dense(count: 3) == "[1,0,2]")
    let other: VectorClock = [1: 5, 2: 1]
    #expect(clock.merged(with: other) == [0: 1, 1: 5, 2: 2])
    clock[2] = 0
    #expect(clock == [0: 1])
}

/// Random clocks over 4 nodes with small counters, so that every relation occurs often.
func randomClocks(_ count: Int, seed: UInt64) -> [VectorClock] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in VectorClock((0..<4).map { ($0, rng.below(3)) }) }
}

@Test func happensBeforeIsAStrictPartialOrder() {
    let clocks = randomClocks(40, seed: 11)
    var sawBefore = 0, sawConcurrent = 0
    for a in clocks {
        #expect(!a.happenedBefore(a))
        #expect(a.compare(a) == .equal)
        for b in clocks {
            #expect(!(a.happenedBefore(b) && b.happenedBefore(a)))
            #expect(a.compare(b) == b.compare(a).inverse)
            #expect(a.isConcurrent(with: b) == b.isConcurrent(with: a))
            if a.happenedBefore(b) { sawBefore += 1 }
            if a.isConcurrent(with: b) { sawConcurrent += 1 }
            for c in clocks where a.happenedBefore(b) && b.happenedBefore(c) {
                #expect(a.happenedBefore(c))
            }
        }
    }
    #expect(sawBefore > 50 && sawConcurrent > 50)
}

@Test func mergeIsTheLeastUpperBound() {
    let clocks = randomClocks(25, seed: 12)
    for a in clocks {
        #expect(a.merged(with: a) == a)
        for b in clocks {
            let join = a.merged(with: b)
            #expect(join == b.merged(with: a))
            #expect(join.dominates(a) && join.dominates(b))
            for c in clocks {
                #expect(join.merged(with: c) == a.merged(with: b.merged(with: c)))
                if c.dominates(a) && c.dominates(b) { #expect(c.dominates(join)) }
            }
        }
    }
}

/// A random message-passing execution: each event carries its vector and Lamport time.
func randomExecution(processes: Int, events: Int, seed: UInt64) -> [(vc: VectorClock, lamport: UInt64)] {
    var rng = SeededRNG(seed: seed)
    var clocks = Array(repeating: VectorClock(), count: processes)
    var lamports = Array(repeating: LamportClock(), count: processes)
    var inFlight: [(to: Int, vc: VectorClock, lamport: UInt64)] = []
    var log: [(VectorClock, UInt64)] = []
    for _ in 0..<events {
        let p = Int(rng.below(UInt64(processes)))
        if let index = inFlight.firstIndex(where: { $0.to == p }), rng.chance(perMille: 500) {
            let message = inFlight.remove(at: index)
            clocks[p].merge(message.vc)
            clocks[p].increment(p)
            log.append((clocks[p], lamports[p].receive(message.lamport)))
        } else {
            clocks[p].increment(p)
            let time = lamports[p].tick()
            log.append((clocks[p], time))
            if rng.chance(perMille: 600) {
                inFlight.append((Int(rng.below(UInt64(processes))), clocks[p], time))
            }
        }
    }
    return log
}

@Test func lamportClocksAreConsistentButNotCharacterising() {
    let events = randomExecution(processes: 4, events: 120, seed: 3)
    var counterexamples = 0
    for a in events {
        for b in events {
            if a.vc.happenedBefore(b.vc) { #expect(a.lamport < b.lamport) }
            if a.lamport < b.lamport && a.vc.isConcurrent(with: b.vc) { counterexamples += 1 }
        }
    }
    // The converse fails: L(a) < L(b) for events that are concurrent.
    #expect(counterexamples > 0)
}

@Test func lamportTotalOrderBreaksTiesByNode() {
    #expect(LamportTimestamp(time: 3, node: 1) < LamportTimestamp(time: 3, node: 2))
    #expect(LamportTimestamp(time: 2, node: 9) < LamportTimestamp(time: 3, node: 0))
    var clock = LamportClock()
    #expect(clock.tick() == 1)
    #expect(clock.receive(7) == 8)
    #expect(clock.receive(2) == 9)
}
