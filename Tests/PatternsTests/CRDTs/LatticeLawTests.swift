import Simulation
import Testing
@testable import CRDTs

/// Property tests of the join-semilattice laws (Shapiro et al. 2011, §2.2): for every type,
/// thousands of states reached by random histories of updates and merges, in random orders.

/// A random history: `replicas` replicas apply random updates and merge each other's states
/// in a random order. Returns every state seen and every delta produced.
func randomHistory<T: ReplicatedData>(
    seed: UInt64, replicas: Int = 3, steps: Int = 24,
    _ operation: (inout SeededRNG, T, ReplicaID) -> T.Operation
) -> (states: [T], deltas: [T]) {
    var rng = SeededRNG(seed: seed)
    var current = Array(repeating: T(), count: replicas)
    var states: [T] = [T()]
    var deltas: [T] = []
    for _ in 0..<steps {
        let replica = Int(rng.below(UInt64(replicas)))
        if rng.chance(perMille: 650) {
            let op = operation(&rng, current[replica], replica)
            deltas.append(current[replica].apply(op, replica: replica))
        } else {
            current[replica].merge(current[Int(rng.below(UInt64(replicas)))])
        }
        states.append(current[replica])
    }
    return (states, deltas)
}

/// Checks commutativity, associativity, idempotence and inflation on random triples.
func checkLaws<T: StateCRDT>(_ states: [T], rng: inout SeededRNG, triples: Int = 12) -> Bool {
    for _ in 0..<triples {
        let a = rng.pick(states)!
        let b = rng.pick(states)!
        let c = rng.pick(states)!
        guard a.merging(b) == b.merging(a) else { return false }
        guard a.merging(b).merging(c) == a.merging(b.merging(c)) else { return false }
        guard a.merging(a) == a else { return false }
        guard a.merging(b).isInflation(of: a), a.merging(b).isInflation(of: b) else { return false }
    }
    return true
}

/// Replicas that receive the same deltas, in different orders and with duplicates, end equal;
/// and joining every delta equals the state of a replica that saw every update.
func checkSameUpdatesSameState<T: ReplicatedData>(_ deltas: [T], rng: inout SeededRNG) -> Bool {
    var first = T()
    for delta in deltas { first.merge(delta) }
    for _ in 0..<3 {
        var shuffled = deltas + deltas.filter { _ in rng.chance(perMille: 200) }
        shuffled.shuffle(using: &rng)
        var replica = T()
        for delta in shuffled { replica.merge(delta) }
        guard replica == first else { return false }
    }
    return true
}

struct LawCase<T: ReplicatedData> {
    var histories: Int
    var operation: (inout SeededRNG, T, ReplicaID) -> T.Operation

    func verify(_ name: String) {
        var rng = SeededRNG(seed: 99)
        var failures: [UInt64] = []
        var sameState: [UInt64] = []
        for seed in 1...UInt64(histories) {
            let history = randomHistory(seed: seed, operation)
            if !checkLaws(history.states, rng: &rng) { failures.append(seed) }
            if !checkSameUpdatesSameState(history.deltas, rng: &rng) { sameState.append(seed) }
        }
        #expect(failures.isEmpty, "\(name): lattice laws broken for histories \(failures.prefix(5))")
        #expect(sameState.isEmpty, "\(name): same deltas, different states for histories \(sameState.prefix(5))")
    }
}

@Test func gCounterIsASemilattice() {
    LawCase<GCounter>(histories: 400) { rng, _, _ in 1 + rng.below(5) }.verify("G-Counter")
}

@Test func pnCounterIsASemilattice() {
    LawCase<PNCounter>(histories: 400) { rng, _, _ in
        .init(rng.chance(perMille: 400) ? -Int64(1 + rng.below(4)) : Int64(1 + rng.below(4)))
    }.verify("PN-Counter")
}

@Test func gSetIsASemilattice() {
    LawCase<GSet<Int>>(histories: 400) { rng, _, _ in Int(rng.below(20)) }.verify("G-Set")
}

@Test func twoPhaseSetIsASemilattice() {
    LawCase<TwoPhaseSet<Int>>(histories: 400) { rng, _, _ in
        rng.chance(perMille: 400) ? .remove(Int(rng.below(8))) : .add(Int(rng.below(8)))
    }.verify("2P-Set")
}

@Test func lwwRegisterIsASemilattice() {
    // Few distinct clock readings, so equal timestamps (and the replica tiebreak) are common.
    LawCase<LWWRegister<Int>>(histories: 400) { rng, _, _ in
        .init(Int(rng.below(5)), wallClock: rng.below(6))
    }.verify("LWW-Register")
}

@Test func mvRegisterIsASemilattice() {
    LawCase<MVRegister<Int>>(histories: 400) { rng, _, _ in Int(rng.below(6)) }.verify("MV-Register")
}

@Test func orSetIsASemilattice() {
    LawCase<ORSet<Int>>(histories: 1000) { rng, state, _ in
        switch rng.below(10) {
        case 0: .clear
        case 1...3: .remove(rng.pick(state.elements) ?? 0)
        default: .add(Int(rng.below(8)))
        }
    }.verify("OR-Set")
}

@Test func rgaIsASemilattice() {
    LawCase<RGA>(histories: 400) { rng, state, _ in
        let length = state.text.count
        if length > 0 && rng.chance(perMille: 300) {
            return .delete(at: Int(rng.below(UInt64(length))), count: 1 + Int(rng.below(3)))
        }
        return .insert(rng.pick(["a", "bc", "def", "x"])!, at: Int(rng.below(UInt64(length + 1))))
    }.verify("RGA")
}

@Test func causalContextIsASemilattice() {
    var rng = SeededRNG(seed: 5)
    var contexts: [CausalContext] = []
    for _ in 0..<300 {
        let dots = (0..<Int(rng.below(8))).map { _ in Dot(Int(rng.below(3)), 1 + rng.below(6)) }
        contexts.append(CausalContext(dots: dots))
    }
    #expect(checkLaws(contexts, rng: &rng, triples: 2000))
}
