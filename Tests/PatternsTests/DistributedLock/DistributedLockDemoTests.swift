import Simulation
import Testing
@testable import DistributedLock

func lockRun(_ options: DistributedLockDemo.Options) -> (lines: [String], outcome: DemoOutcome) {
    var lines: [String] = []
    let outcome = DistributedLockDemo.run(options, on: Timeline(format: .text, quiet: false) { lines.append($0) })
    return (lines, outcome)
}

@Test func kleppmannReplayFencedThenCorrupted() {
    let run = lockRun(.init(seed: 1))
    #expect(run.outcome.violation == nil)
    let text = run.lines.joined(separator: "\n")
    #expect(text.contains("REJECT    write from n1 with token 1 < 4"))
    #expect(text.contains("With fencing: 1 stale write(s) rejected by their token"))
    #expect(text.contains("Without fencing: CORRUPTED: stale n1 (token 1) overwrote"))
    #expect(run.lines.allSatisfy { $0.count <= 100 })
}

@Test func lockDemoIsDeterministic() {
    #expect(lockRun(.init(seed: 11)).lines == lockRun(.init(seed: 11)).lines)
    #expect(lockRun(.init(seed: 11)).lines != lockRun(.init(seed: 12)).lines)
}

@Test func lockSeedSweepHoldsTheInvariants() {
    for seed in UInt64(1)...12 {
        let outcome = lockRun(.init(seed: seed, clients: 5, pausePerMille: 400)).outcome
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func brokenServicesAreCaught() {
    let shared = lockRun(.init(seed: 1, flaw: .sharedIgnoresWriter)).outcome
    #expect(shared.violation?.invariant == "mutual exclusion")
    let forgetful = (UInt64(1)...30).compactMap {
        lockRun(.init(seed: $0, faults: .drawn(.crash), flaw: .forgetsTokenCounter)).outcome.violation
    }
    #expect(!forgetful.isEmpty)
    #expect(forgetful.allSatisfy { $0.invariant == "fencing tokens increase" || $0.invariant == "storage rejects stale tokens" })
}
