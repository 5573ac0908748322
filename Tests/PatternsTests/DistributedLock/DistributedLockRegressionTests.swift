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
