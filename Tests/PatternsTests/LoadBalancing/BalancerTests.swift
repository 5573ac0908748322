import Testing
@testable import LoadBalancing
import Simulation

@Test func roundRobinCyclesAndSkipsEjected() {
    var balancer = Balancer(policy: .roundRobin, backendCount: 3, ejectAfter: 1)
    var rng = SeededRNG(seed: 1)
    let now = SimTime.zero
    #expect((0..<6).map { _ in balancer.route(key: 0, at: now, rng: &rng) } == [0, 1, 2, 0, 1, 2])
    #expect(balancer.finished(1, success: false, at: now) == now + .milliseconds(500))
    #expect((0..<4).map { _ in balancer.route(key: 0, at: now, rng: &rng) } == [0, 2, 0, 2])
    // After the ejection time the backend is eligible again.
    let later = now + .milliseconds(500)
    #expect(balancer.eligible(at: later) == [0, 1, 2])
}

@Test func leastConnectionsPicksTheIdlest() {
    var balancer = Balancer(policy: .leastConnections, backendCount: 4)
    var rng = SeededRNG(seed: 1)
    for _ in 0..<8 { _ = balancer.route(key: 0, at: .zero, rng: &rng) }
    #expect(balancer.outstanding == [2, 2, 2, 2])
    _ = balancer.finished(3, success: true, at: .zero)
    #expect(balancer.route(key: 0, at: .zero, rng: &rng) == 3)
}

@Test func powerOfTwoNeverPicksTheBusierOfTwo() {
    // With two backends both are always drawn, so the less loaded one always wins and the
    // loads never differ by more than one.
    var balancer = Balancer(policy: .powerOfTwo, backendCount: 2)
    var rng = SeededRNG(seed: 3)
    for step in 0..<200 {
        let pick = balancer.route(key: 0, at: .zero, rng: &rng)
        #expect(abs(balancer.outstanding[0] - balancer.outstanding[1]) <= 1)
        if step % 3 == 0 { _ = balancer.finished(pick, success: true, at: .zero) }
    }
}

@Test func panicModeRoutesToAllWhenAllAreEjected() {
    var balancer = Balancer(policy: .random, backendCount: 2, ejectAfter: 1)
    _ = balancer.finished(0, success: false, at: .zero)
    _ = balancer.finished(1, success: false, at: .zero)
    #expect(balancer.eligible(at: .zero) == [0, 1])
}

@Test func ringIsStableAndMovesOnlyTheMissingOwnersKeys() {
    let ring = HashRing(owners: 8, virtualNodes: 100)
    let shares = ring.sharesPerMille()
    #expect(shares.reduce(0, +) >= 990 && shares.allSatisfy { (60...200).contains($0) })
    for key in UInt64(0)..<2000 {
        let owner = ring.owner(of: key)!
        let without3 = ring.owner(of: key) { $0 != 3 }!
        if owner != 3 { #expect(without3 == owner) } else { #expect(without3 != 3) }
    }
}

@Test func twoChoicesBeatOneInBallsIntoBins() {
    var rng = SeededRNG(seed: 9)
    let rows = BallsIntoBins.run(sizes: [(n: 10_000, trials: 10)], rng: &rng)
    #expect(rows[0].twoChoices + 2 <= rows[0].oneChoice)
    #expect(rows[0].twoChoices <= rows[0].twoChoicesFormula + 1.5)
}

@Test func workloadIsOpenLoopBurstyAndReproducible() {
    var a = SeededRNG(seed: 4), b = SeededRNG(seed: 4)
    let settings = BurstyWorkload.Settings(duration: .seconds(2))
    let w1 = BurstyWorkload(settings, rng: &a), w2 = BurstyWorkload(settings, rng: &b)
    #expect(w1.arrivals.map(\.at) == w2.arrivals.map(\.at))
    #expect(!w1.bursts.isEmpty)
    // Between 1500/s and 3500/s on average.
    #expect((3000...7000).contains(w1.arrivals.count))
    #expect(zip(w1.arrivals, w1.arrivals.dropFirst()).allSatisfy { $0.at <= $1.at })
}
