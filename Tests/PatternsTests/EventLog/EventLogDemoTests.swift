import Simulation
import Testing
@testable import EventLog

private func lines(_ options: EventLogDemo.Options) -> (lines: [String], outcome: DemoOutcome) {
    var out: [String] = []
    let timeline = Timeline(format: .text, quiet: false) { out.append($0) }
    let outcome = EventLogDemo.run(options, on: timeline)
    timeline.finish(outcome, replay: "")
    return (out, outcome)
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let a = lines(.init(seed: 3))
    let b = lines(.init(seed: 3))
    #expect(a.lines == b.lines)
    #expect(a.outcome.violation == nil)
    let c = lines(.init(seed: 4, contrast: false))
    #expect(c.lines != a.lines)
    #expect(a.lines.allSatisfy { $0.count <= Timeline.width })
}

@Test(arguments: [UInt64(1), 2, 5, 8, 13, 21])
func seedSweepHoldsEveryInvariant(seed: UInt64) {
    let result = lines(.init(seed: seed, lossPerMille: seed % 2 == 0 ? 100 : 20, contrast: false))
    #expect(result.outcome.violation == nil, "\(result.outcome.violation.map(String.init(describing:)) ?? "")")
}

@Test func theStoryShowsFailoverTruncationRebalanceAndFencing() {
    let output = lines(.init(seed: 1)).lines
    let text = output.joined(separator: "\n")
    #expect(text.contains("elects n"))
    #expect(text.contains(" truncate "))
    #expect(text.contains("rebalance"))
    #expect(text.contains("rejects n"))
    #expect(output.contains { $0.contains("output duplicates") && $0.hasSuffix(" 0") })
}

/// The checker must catch the broken variant: outputs and offsets committed separately.
@Test func atLeastOnceDeliveryIsCaughtDuplicatingOutput() {
    var caught = 0
    for seed in UInt64(1)...3 {
        let result = lines(.init(seed: seed, delivery: .atLeastOnce, contrast: false))
        if let violation = result.outcome.violation {
            #expect(violation.invariant == "exactly-once output")
            #expect(violation.seed == seed)
            caught += 1
        }
    }
    #expect(caught >= 2)
}

@Test func theContrastReplayCountsDuplicatesWithoutFailing() {
    let config = EventLogDemo.Options(seed: 2).config(delivery: .atLeastOnce)
    let silent = Timeline(format: .text, quiet: true) { _ in }
    let replay = EventLogRun(config: config, seed: 2, network: EventLogDemo.Options(seed: 2).network,
                             scripted: true, timeline: silent, duplicatesAreViolations: false)
    #expect(replay.execute() == nil)
    #expect(replay.checker.duplicates > 0)
}

/// The second broken variant: `acks=1` acknowledges before the ISR has the record, so the
/// leader crash (timed while the leader runs ahead) loses acknowledged writes.
@Test func leaderOnlyAcksAreCaughtLosingAcknowledgedWrites() {
    for seed in UInt64(1)...2 {
        let result = lines(.init(seed: seed, acks: .leader, contrast: false))
        #expect(result.outcome.violation?.invariant == "no acknowledged write lost")
    }
}
