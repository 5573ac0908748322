import Foundation
import Simulation
import Testing
@testable import Saga

/// Runs the declared demo with `words` at seed 1: the header's faults, the summary, the outcome.
private func declared(_ words: [String]) throws -> (faults: String?, summary: [String: Any], outcome: DemoOutcome) {
    let prepared = try AnyDemo(SagaDemo.self).prepare(words).get()
    var json: [String] = []
    let outcome = prepared.run(on: Timeline(format: .json, quiet: false) { json.append($0) })
    let objects = try json.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    let header = objects.first { $0["type"] as? String == "run" }?["settings"] as? [String: Any]
    let summary = objects.first { $0["type"] as? String == "summary" } ?? [:]
    return (header?["faults"] as? String, summary, outcome)
}

/// The header once said faults=none while the story crashed nodes four times.
@Test func headerNamesTheStoryFaultsItRuns() throws {
    let run = try declared([])
    #expect(run.outcome.verdict == .pass)
    #expect(run.faults == "story")
    #expect(run.summary["crashes"] as? Int == 4)
}

/// `--faults none` is taken at its word: no crash at all.
@Test func noFaultsMeansNoCrashes() throws {
    let run = try declared(["--faults", "none"])
    #expect(run.outcome.verdict == .pass)
    #expect(run.faults == "none")
    #expect(run.summary["crashes"] as? Int == 0)
}
