import Simulation
import Testing
@testable import PubSub

func pubSubRun(_ options: PubSubDemo.Options) -> (lines: [String], outcome: DemoOutcome) {
    var lines: [String] = []
    let outcome = PubSubDemo.run(options, on: Timeline(format: .text, quiet: false) { lines.append($0) })
    return (lines, outcome)
}

@Test func storyShowsCrashDuplicatesRedeliveriesAndReplay() {
    let run = pubSubRun(.init(seed: 1))
    #expect(run.outcome.violation == nil)
    let text = run.lines.joined(separator: "\n")
    for needle in ["DUP", "(consumed before the crash, never committed)", "rewind", "(replay starts)", "crash n0"] {
        #expect(text.contains(needle), "missing: \(needle)")
    }
    #expect(run.lines.allSatisfy { $0.count <= 100 })
}

@Test func pubSubIsDeterministic() {
    #expect(pubSubRun(.init(seed: 8)).lines == pubSubRun(.init(seed: 8)).lines)
    #expect(pubSubRun(.init(seed: 8)).lines != pubSubRun(.init(seed: 9)).lines)
}

@Test func pubSubSeedSweepHoldsTheInvariants() {
    for seed in UInt64(1)...12 {
        let outcome = pubSubRun(.init(seed: seed, subscribers: 6, messagesPerTopic: 30, window: 4, ackEvery: 3)).outcome
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func brokenBrokerAndSubscriberAreCaught() {
    let early = pubSubRun(.init(seed: 1, brokerFlaw: .commitsOnSend)).outcome.violation
    #expect(early?.invariant == "commit only what was consumed")
    let noFilter = pubSubRun(.init(seed: 1, subscriberFlaw: .noCursorFilter)).outcome.violation
    #expect(noFilter?.invariant == "duplicates only after a crash")
}
