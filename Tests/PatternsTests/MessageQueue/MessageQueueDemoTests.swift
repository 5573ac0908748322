import Simulation
import Testing
@testable import MessageQueue

func queueRun(_ options: MessageQueueDemo.Options) -> (lines: [String], outcome: DemoOutcome) {
    var lines: [String] = []
    let outcome = MessageQueueDemo.run(options, on: Timeline(format: .text, quiet: false) { lines.append($0) })
    return (lines, outcome)
}

@Test func storyShowsCrashRedeliveryDedupeAndDeadLetter() {
    let run = queueRun(.init(seed: 1))
    #expect(run.outcome.violation == nil)
    let text = run.lines.joined(separator: "\n")
    for needle in ["its delete never sent", "already applied: skipped", "before any effect",
                   "moved to the dead-letter queue", "receive #2"] {
        #expect(text.contains(needle), "missing: \(needle)")
    }
    #expect(run.lines.allSatisfy { $0.count <= 100 })
}

@Test func queueDemoIsDeterministic() {
    #expect(queueRun(.init(seed: 5)).lines == queueRun(.init(seed: 5)).lines)
    #expect(queueRun(.init(seed: 5)).lines != queueRun(.init(seed: 6)).lines)
}

@Test func queueSeedSweepHoldsTheInvariants() {
    for seed in UInt64(1)...12 {
        let outcome = queueRun(.init(seed: seed, consumers: 6, messages: 60, visibilityTimeout: .milliseconds(400))).outcome
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func brokenStoresAreCaught() {
    #expect(queueRun(.init(seed: 1, flaw: .noDedupe)).outcome.violation?.invariant == "effects once")
    let caught = (UInt64(1)...20).compactMap { queueRun(.init(seed: $0, faults: .drawn(.crash), flaw: .dedupeInMemory)).outcome.violation }
    #expect(!caught.isEmpty && caught.allSatisfy { $0.invariant == "effects once" })
}
