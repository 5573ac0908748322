import Simulation
import Testing
@testable import Saga

/// A participant that never fails transiently, so that each test is exact.
private func hotel(_ variant: SagaVariant = .correct) -> SagaParticipant {
    SagaParticipant(step: .hotel, config: SagaConfig(transientErrorPerMille: 0, variant: variant))
}

private func request(_ saga: Int, _ kind: SagaRequestKind, attempt: Int = 1,
                     fixture: SagaFixture = .succeeds) -> SagaRequest {
    SagaRequest(key: IdempotencyKey(saga: saga, step: .hotel, kind: kind), attempt: attempt, fixture: fixture)
}

private func send(_ p: inout SagaParticipant, _ r: SagaRequest) -> (SagaReplyResult, [SagaEvent.Kind]) {
    var effects = SagaEffects(rng: SeededRNG(seed: 1))
    let reply = p.handle(r, &effects)
    return (reply?.result ?? .transientError, effects.events.map(\.kind))
}

@Test func retriedActionAppliesOnce() {
    var p = hotel()
    #expect(send(&p, request(1, .action)).0 == .done)
    let (again, events) = send(&p, request(1, .action, attempt: 2))
    #expect(again == .done)
    #expect(events == [.deduplicated])
    #expect(p.disk.ledger.count == 1)
}

@Test func refusalIsStickyAndAppliesNothing() {
    var p = hotel()
    let fixture = SagaFixture(rejectAt: .hotel)
    #expect(send(&p, request(2, .action, fixture: fixture)).0 == .rejected("no rooms left"))
    #expect(send(&p, request(2, .action, attempt: 2, fixture: fixture)).0 == .rejected("no rooms left"))
    #expect(p.disk.ledger.isEmpty)
}

@Test func compensationUndoesOnceAndIsIdempotent() {
    var p = hotel()
    _ = send(&p, request(3, .action))
    #expect(send(&p, request(3, .compensation)).0 == .done)
    #expect(send(&p, request(3, .compensation, attempt: 2)).1 == [.deduplicated])
    #expect(p.disk.ledger.map(\.key.kind) == [.action, .compensation])
    #expect(p.disk.records[3] == .compensated)
}

@Test func compensationBeforeActionVoidsAndFencesTheLateAction() {
    var p = hotel()
    let (result, events) = send(&p, request(4, .compensation))
    #expect(result == .done)
    #expect(events == [.voided])
    let (late, lateEvents) = send(&p, request(4, .action))
    #expect(late == .rejected("already compensated"))
    #expect(lateEvents == [.fenced])
    #expect(p.disk.ledger.isEmpty)
}

@Test func flakyCompensationFailsTheScriptedNumberOfTimes() {
    var p = hotel()
    let fixture = SagaFixture(flakyCompensation: .hotel, flakyFailures: 2)
    _ = send(&p, request(5, .action, fixture: fixture))
    let results = (1...3).map { send(&p, request(5, .compensation, attempt: $0, fixture: fixture)).0 }
    #expect(results == [.transientError, .transientError, .done])
    #expect(p.disk.ledger.count == 2)
}

@Test func brokenVariantAppliesDuplicates() {
    var p = hotel(.noIdempotency)
    _ = send(&p, request(6, .action))
    _ = send(&p, request(6, .action, attempt: 2))
    #expect(p.disk.ledger.count == 2)
}

@Test func aSlowActionThatLandsAfterItsCompensationIsFenced() {
    var p = hotel()
    let fixture = SagaFixture(slowAt: .hotel, slowFor: .seconds(1))
    var effects = SagaEffects(rng: SeededRNG(seed: 1))
    let action = request(7, .action, fixture: fixture)
    #expect(p.handle(action, &effects) == nil)
    #expect(effects.deferred.count == 1 && effects.deferred[0].after == .seconds(1))
    #expect(send(&p, request(7, .compensation, fixture: fixture)).1 == [.voided])
    var later = SagaEffects(rng: SeededRNG(seed: 2))
    #expect(p.resume(action, &later).result == .rejected("already compensated"))
    #expect(later.events.map(\.kind) == [.fenced])
    #expect(p.disk.ledger.isEmpty)
}
