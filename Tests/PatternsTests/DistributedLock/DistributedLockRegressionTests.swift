import Foundation
import Simulation
import Testing
@testable import DistributedLock

/// Runs the declared demo with `words` at seed 1; returns its output as JSON lines and the outcome.
private func declared(_ words: [String]) throws -> (summary: [String: Any], text: [String], outcome: DemoOutcome) {
    let prepared = try AnyDemo(DistributedLockDemo.self).prepare(words).get()
    var json: [String] = []
    let outcome = prepared.run(on: Timeline(format: .json, quiet: false) { json.append($0) })
    var text: [String] = []
    _ = prepared.run(on: Timeline(format: .text, quiet: false) { text.append($0) })
    let summary = try json.compactMap { line -> [String: Any]? in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["type"] as? String == "summary" ? object : nil
    }.first ?? [:]
    return (summary, text, outcome)
}

/// A 40 s pause outlasted the old fixed 40 s horizon; the horizon now follows from the jobs.
@Test func longPauseFinishesEveryJob() throws {
    #expect(try declared(["--pause-ms", "40000"]).outcome.verdict == .pass)
}

/// A pause shorter than the lease breaks nothing, and the summary no longer claims a rejection.
@Test func shortPauseReportsNoStaleWrite() throws {
    let run = try declared(["--pause-ms", "500"])
    #expect(run.outcome.verdict == .pass)
    #expect(run.summary["act 1 stale writes rejected"] as? Int == 0)
    #expect(run.summary["act 2 stale writes accepted"] as? Int == 0)
    #expect(run.text.contains { $0.hasPrefix("With fencing: no stale write") })
    #expect(run.text.contains { $0.hasPrefix("Without fencing: no stale write") })
}

/// At the default pause the acts differ, and say so from their own counts.
@Test func defaultPauseIsRejectedWithFencingAndCorruptsWithout() throws {
    let run = try declared([])
    #expect(run.summary["act 1 stale writes rejected"] as? Int == 1)
    #expect(run.summary["act 2 stale writes rejected"] as? Int == 0)
    #expect(run.summary["act 2 stale writes accepted"] as? Int == 1)
}

/// A client taken down by a crash-after-write (the plan says `crash-after-write n2`, the crash
/// happens when its next write lands) lost its jobs like any crashed client; the liveness check
/// only looked for plain `crash` entries in the plan and so expected them all (INCOMPLETE,
/// swarm seeds 17, 139, …). The crashed clients are now the ones the run saw crash.
@Test func aClientDownedByACrashAfterWriteIsACrashedClient() throws {
    let run = try declared(["--faults", "none", "--inject", "1s crash-after-write n2", "--inject", "3s restart n2"])
    #expect(run.outcome.verdict == .pass, "\(String(describing: run.outcome.shortfall))")
    #expect(run.summary["act 3 jobs lost with crashed clients"] as? Int == 4)
}

/// A crash-after-write armed on a node that never writes again before its restart crashes
/// nothing: that client is not excused, every one of its jobs must finish.
@Test func aTrapThatNeverSpringsExcusesNothing() throws {
    let run = try declared(["--faults", "none", "--inject", "1s crash-after-write n2", "--inject", "1001ms restart n2"])
    #expect(run.outcome.verdict == .pass)
    #expect(run.summary["act 3 jobs lost with crashed clients"] as? Int == 0)
    #expect(run.summary["act 3 jobs done"] as? Int == 24)
}

/// Swarm seeds from both classes: a client downed by a crash-after-write (17, 139, 193) and a
/// service crash-after-write that swallowed a release and its grants (631, 974).
@Test(arguments: [17, 31, 35, 74, 77, 132, 139, 193, 631, 974])
func swarmSeedsWithCrashesAfterWritesPass(seed: Int) {
    let outcome = DistributedLockDemo.run(DistributedLockDemo.Options(seed: UInt64(seed), faults: .swarm(.all)),
                                          on: Timeline(format: .text, quiet: true) { _ in })
    #expect(outcome.verdict == .pass, "seed \(seed): \(String(describing: outcome.violation ?? outcome.shortfall))")
}
