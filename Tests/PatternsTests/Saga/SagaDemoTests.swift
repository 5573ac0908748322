import Foundation
import Simulation
import Testing
@testable import Saga

private func lines(_ options: SagaDemo.Options, format: OutputFormat = .text) -> ([String], DemoOutcome) {
    var out: [String] = []
    let timeline = Timeline(format: format, quiet: false) { out.append($0) }
    let outcome = SagaDemo.run(options, on: timeline)
    return (out, outcome)
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let a = lines(SagaDemo.Options(seed: 3, faults: .drawn(.all))).0
    #expect(a == lines(SagaDemo.Options(seed: 3, faults: .drawn(.all))).0)
    #expect(a != lines(SagaDemo.Options(seed: 4, faults: .drawn(.all))).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
func storyEndsAsTheProtocolPredicts(seed: UInt64) throws {
    let (json, outcome) = lines(SagaDemo.Options(seed: seed), format: .json)
    #expect(outcome.violation == nil)
    let rows = try json.compactMap { line -> [String: Any]? in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return (object?["table"] as? String)?.hasPrefix("Sagas") == true ? object : nil
    }
    #expect(rows.count == SagaScenario.story.count + 4)
    for row in rows.prefix(SagaScenario.story.count) {
        let expected = row["expected"] as? String
        let outcome = row["outcome"] as? String
        let undid = row["undid"] as? String
        switch expected {
        case "commit": #expect(outcome == "committed")
        case "nothing": #expect(outcome == "compensated" && undid == "-")
        default: #expect(outcome == "compensated" && expected == "undo " + (undid ?? ""))
        }
    }
}

@Test func seedSweepWithRandomFaultsHoldsEveryInvariant() {
    for seed in UInt64(1)...25 {
        let timeline = Timeline(format: .text, quiet: true) { _ in }
        let outcome = SagaDemo.run(SagaDemo.Options(seed: seed, faults: .drawn(.all), dropPerMille: 150,
                                                    duplicatePerMille: 150), on: timeline)
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func checkerCatchesParticipantsThatIgnoreIdempotencyKeys() {
    let outcome = lines(SagaDemo.Options(seed: 1, variant: .noIdempotency)).1
    #expect(outcome.violation?.invariant == "at-most-once")
    #expect(outcome.violation?.seed == 1)
}

@Test func checkerCatchesCompensationOfStepsThatNeverRan() {
    let outcome = lines(SagaDemo.Options(seed: 1, variant: .compensateEveryStep)).1
    #expect(outcome.violation?.invariant == "no-phantom-compensation")
}

@Test func checkerCatchesADoubleApplyInALedger() {
    var checker = SagaInvariantChecker()
    let key = IdempotencyKey(saga: 1, step: .car, kind: .action)
    var disk = ParticipantDisk()
    disk.ledger = [LedgerEntry(key: key, attempt: 1)]
    #expect(checker.audit([nil, nil, nil, .participant(SagaConfig(), disk)]) == nil)
    disk.ledger.append(LedgerEntry(key: key, attempt: 2))
    #expect(checker.audit([nil, nil, nil, .participant(SagaConfig(), disk)])?.invariant == "at-most-once")
}

@Test func checkerCatchesCompensationOutOfOrder() {
    var checker = SagaInvariantChecker()
    let log = SagaLog(records: [
        .begun(saga: 1, fixture: .succeeds),
        .actionStarted(saga: 1, step: .flight), .actionDone(saga: 1, step: .flight),
        .actionStarted(saga: 1, step: .hotel), .actionFailed(saga: 1, step: .hotel, .exhausted(attempts: 4)),
        .compensationStarted(saga: 1, step: .flight),
    ])
    #expect(checker.audit([.orchestrator(SagaConfig(), log)])?.invariant == "reverse-order")
}
