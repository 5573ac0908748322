import Simulation
import Testing
@testable import PBFT

/// The PBFT demo end to end: determinism, seed sweeps per behaviour, the predicted break
/// with f+1 faulty, and the checker against a broken variant.

func runBFT(_ options: PBFTDemo.Options, quiet: Bool = false) -> (DemoOutcome, [String]) {
    var lines: [String] = []
    let timeline = Timeline(format: .text, quiet: quiet) { lines.append($0) }
    let outcome = PBFTDemo.run(options, on: timeline)
    timeline.finish(outcome, replay: "")
    return (outcome, lines)
}

@Test func bftSameSeedSameBytesDifferentSeedsDiffer() {
    let (outcome, a) = runBFT(PBFTDemo.Options(seed: 3))
    let (_, b) = runBFT(PBFTDemo.Options(seed: 3))
    let (_, c) = runBFT(PBFTDemo.Options(seed: 4))
    #expect(outcome.violation == nil)
    #expect(a == b)
    #expect(a != c)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test func defaultStoryShowsEquivocationViewChangeAndCheckpoints() {
    let (outcome, lines) = runBFT(PBFTDemo.Options())
    #expect(outcome.violation == nil)
    #expect(lines.contains { $0.contains("equivocates on seq") })
    #expect(lines.contains { $0.contains("NEW-VIEW 1") })
    #expect(lines.contains { $0.contains("stable (2f+1 CHECKPOINT") })
    #expect(outcome.verdict == .pass)
    #expect(lines.contains { $0.hasPrefix("  requests accepted") && $0.hasSuffix(" 24") })
}

@Test(arguments: ByzantineBehaviour.allCases)
func atMostFFaultyNeverBreaksSafetyOrLiveness(behaviour: ByzantineBehaviour) {
    for seed in UInt64(1)...10 {
        for f in [1, 2] {
            let options = PBFTDemo.Options(seed: seed, f: f, requestsPerClient: 8, behaviour: behaviour,
                                           faults: seed % 3 == 0 ? .drawn(.all) : .drawn(.drop))
            let (outcome, _) = runBFT(options, quiet: true)
            #expect(outcome.verdict == .pass, "seed \(seed) f \(f) \(behaviour): \(String(describing: outcome.finding))")
        }
    }
}

@Test func fPlusOneColludersBreakAgreementAsPredicted() {
    var broken = 0
    for seed in UInt64(1)...10 {
        let (outcome, lines) = runBFT(PBFTDemo.Options(seed: seed, requestsPerClient: 8, faulty: 2, misbehaveFromSeq: 2))
        #expect(outcome.violation == nil, "the predicted break is reported, not failed")
        if lines.contains(where: { $0.contains("BROKEN, AS PREDICTED") }) { broken += 1 }
    }
    #expect(broken >= 8)
}

@Test func checkerCatchesDisagreementOutOfOrderExecutionAndWrongResults() {
    var checker = BFTSafetyChecker(replicas: 4, faulty: [0])
    let a = BFTRequest(client: 4, timestamp: 1, op: 1)
    let b = BFTRequest(client: 5, timestamp: 1, op: 2)
    #expect(checker.executed(replica: 1, seq: 1, request: a, result: 10) == nil)
    #expect(checker.executed(replica: 0, seq: 1, request: b, result: 11) == nil, "faulty replicas are not judged")
    #expect(checker.executed(replica: 2, seq: 1, request: b, result: 11)?.0 == "agreement")
    #expect(checker.executed(replica: 3, seq: 2, request: b, result: 12)?.0 == "order")
    #expect(checker.accepted(a, result: 10) == nil)
    #expect(checker.accepted(a, result: 99)?.0 == "client results")
    #expect(checker.accepted(BFTRequest(client: 4, timestamp: 9, op: 0), result: 1)?.0 == "client results")
}

@Test func checkerFlagsARealRunsDisagreement() {
    // Run the f+1 coalition attack, but judge it with a checker that expects no break: the
    // disagreement between the two correct replicas (n2, n3) must surface as a violation.
    let options = PBFTDemo.Options(seed: 2, requestsPerClient: 8, faulty: 2, misbehaveFromSeq: 2)
    var rng = SeededRNG(seed: options.seed).stream(7)
    let config = PBFTDemo.makeConfig(options, rng: &rng)
    #expect(config.faulty.count == 2)
    var checker = BFTSafetyChecker(replicas: config.replicas, faulty: config.faulty)
    let sim = Simulator<PBFTNode, Never>(seed: 2, nodeCount: config.replicas + 2, network: PBFTDemo.baseline,
                                         disks: Array(repeating: BFTDurable(config: config), count: config.replicas + 2))
    for client in 4..<6 { sim.submit(.startClient(requests: 8, think: .milliseconds(20), retry: .milliseconds(150)), to: client) }
    var found: String?
    sim.run(until: SimTime.zero + .seconds(5)) { _ in
        for (node, output) in sim.outputs {
            if case let .executed(seq, _, request, result) = output,
               let (invariant, _) = checker.executed(replica: node, seq: seq, request: request, result: result) {
                found = invariant
            }
        }
        return found == nil
    }
    #expect(found == "agreement")
}

/// Seed 396 under swarm faults: n1 sends NEW-VIEW 1 into heavy loss and moves on to view 2;
/// n2 and n3 never got it and wait in view 1 with too few view changes to start their timer.
/// A replica asked for a view whose NEW-VIEW it sent sends it again, so all reach view 2.
@Test func aLostNewViewIsSentAgainToReplicasStillAskingForIt() {
    let (outcome, lines) = runBFT(PBFTDemo.Options(seed: 396, faults: .swarm([.partition, .drop])))
    #expect(outcome.verdict == .pass, "\(String(describing: outcome.finding))")
    #expect(lines.contains { $0.contains("NEW-VIEW 2") })
}
