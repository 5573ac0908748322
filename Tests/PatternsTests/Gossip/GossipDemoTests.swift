import Simulation
import Testing
@testable import Gossip

private func run(_ options: GossipDemo.Options) -> ([String], DemoOutcome) {
    var lines: [String] = []
    let outcome = GossipDemo.run(options, on: Timeline(format: .text, quiet: false) { lines.append($0) })
    return (lines, outcome)
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let a = run(GossipDemo.Options(seed: 1, members: 24, periods: 80)).0
    #expect(a == run(GossipDemo.Options(seed: 1, members: 24, periods: 80)).0)
    #expect(a != run(GossipDemo.Options(seed: 2, members: 24, periods: 80)).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test func storyHoldsItsInvariants() {
    let (lines, outcome) = run(GossipDemo.Options(seed: 1, members: 40))
    #expect(outcome.violation == nil)
    #expect(lines.contains { $0.contains("refuted with a higher incarnation") })
    #expect(lines.contains { $0.contains("agree on the membership") })
}

@Test func seedSweepWithRandomFaultsHoldsEveryInvariant() {
    for seed in UInt64(1)...6 {
        let options = GossipDemo.Options(seed: seed, members: 20, periods: 60, faults: .all, dropPerMille: 20)
        let outcome = GossipDemo.run(options, on: Timeline(format: .text, quiet: true) { _ in })
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func checkerCatchesAStaleDeathThatBeatsARefutation() {
    let outcome = run(GossipDemo.Options(seed: 1, members: 32, periods: 60, variant: .deadIgnoresIncarnation)).1
    #expect(outcome.violation?.invariant == "agreement")
}

@Test func checkerFlagsADeathOnAnUndisturbedNetworkAndExplainsOneAfterAPartition() {
    var checker = GossipInvariantChecker(members: 4, period: .seconds(1))
    let t = SimTime.zero + .seconds(30)
    _ = checker.observe(SwimEvent(kind: .suspectByProbe, member: 2, incarnation: 0), by: 1, up: true, at: t)
    checker.delivered(ping: true, from: 1, to: 2)
    checker.delivered(ping: false, from: 2, to: 1)
    let breach = checker.observe(SwimEvent(kind: .confirm, member: 2, incarnation: 0), by: 1, up: true,
                                 at: t + .seconds(8))
    #expect(breach?.invariant == "no-death-while-answering")
    var other = GossipInvariantChecker(members: 4, period: .seconds(1))
    _ = other.observe(SwimEvent(kind: .suspectByGossip, member: 3, incarnation: 0), by: 0, up: true, at: t)
    #expect(other.observe(SwimEvent(kind: .deadByGossip, member: 3, incarnation: 0), by: 0, up: true,
                          at: t + .seconds(8))?.invariant == "no-false-death")
    var partitioned = GossipInvariantChecker(members: 4, period: .seconds(1))
    partitioned.networkChanged(partitioned: true, lossy: false, at: t)
    partitioned.networkChanged(partitioned: false, lossy: false, at: t + .seconds(5))
    _ = partitioned.observe(SwimEvent(kind: .suspectByProbe, member: 3, incarnation: 0), by: 0, up: true, at: t + .seconds(1))
    #expect(partitioned.observe(SwimEvent(kind: .confirm, member: 3, incarnation: 0), by: 0, up: true,
                                at: t + .seconds(9)) == nil)
    #expect(partitioned.explainedFalseDeaths == 1)
    #expect(partitioned.explanation == "partition 1")
}
