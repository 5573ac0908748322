import Simulation
import Testing
@testable import Saga

private let config = SagaConfig(transientErrorPerMille: 0)

private func effects() -> SagaEffects { SagaEffects(rng: SeededRNG(seed: 9)) }

/// The request keys an effect batch sends.
private func sent(_ e: SagaEffects) -> [String] {
    e.sends.compactMap { if case .request(let r) = $0.message { r.key.description } else { nil } }
}

private func reply(_ o: inout SagaOrchestrator, _ key: String, _ result: SagaReplyResult, attempt: Int = 1) -> SagaEffects {
    var e = effects()
    let parts = key.split(separator: "-")
    let step = SagaStep.allCases.first { $0.description == parts[1] }!
    let k = IdempotencyKey(saga: Int(parts[0].dropFirst())!, step: step, kind: parts[2] == "do" ? .action : .compensation)
    o.receive(SagaReply(key: k, attempt: attempt, result: result), &e)
    return e
}

@Test func runsStepsInOrderAndCommits() {
    var o = SagaOrchestrator(config: config)
    var e = effects()
    o.begin(saga: 1, fixture: .succeeds, &e)
    #expect(sent(e) == ["s1-flight-do"])
    #expect(e.persist)
    #expect(sent(reply(&o, "s1-flight-do", .done)) == ["s1-hotel-do"])
    #expect(sent(reply(&o, "s1-hotel-do", .done)) == ["s1-car-do"])
    #expect(sent(reply(&o, "s1-car-do", .done)) == ["s1-payment-do"])
    let last = reply(&o, "s1-payment-do", .done)
    #expect(sent(last).isEmpty)
    #expect(last.events.last?.outcome == .committed)
    #expect(o.log.histories()[0].outcome == .committed)
}

@Test func refusalCompensatesCompletedStepsInReverse() {
    var o = SagaOrchestrator(config: config)
    var e = effects()
    o.begin(saga: 2, fixture: .succeeds, &e)
    _ = reply(&o, "s2-flight-do", .done)
    _ = reply(&o, "s2-hotel-do", .done)
    #expect(sent(reply(&o, "s2-car-do", .rejected("no cars left"))) == ["s2-hotel-undo"])
    #expect(sent(reply(&o, "s2-hotel-undo", .done)) == ["s2-flight-undo"])
    let last = reply(&o, "s2-flight-undo", .done)
    #expect(last.events.last?.outcome == .compensated)
    #expect(o.log.histories()[0].compensated == [.hotel, .flight])
}

@Test func refusalAtFirstStepCompensatesNothing() {
    var o = SagaOrchestrator(config: config)
    var e = effects()
    o.begin(saga: 3, fixture: .succeeds, &e)
    let r = reply(&o, "s3-flight-do", .rejected("sold out"))
    #expect(sent(r).isEmpty)
    #expect(o.log.histories()[0].outcome == .compensated)
    #expect(o.log.histories()[0].compensationsStarted.isEmpty)
}

@Test func exhaustedActionIsCompensatedBecauseItMayHaveRun() {
    var o = SagaOrchestrator(config: SagaConfig(maxActionAttempts: 2, transientErrorPerMille: 0))
    var e = effects()
    o.begin(saga: 4, fixture: .succeeds, &e)
    _ = reply(&o, "s4-flight-do", .done)
    var timeline: [String] = []
    for _ in 0..<3 {  // timeout, resend, timeout
        var t = effects()
        o.fire(saga: 4, &t)
        timeline += sent(t)
    }
    #expect(timeline == ["s4-hotel-do", "s4-hotel-undo"])
    #expect(o.log.histories()[0].failure?.reason == .exhausted(attempts: 2))
}

@Test func compensationsAreRetriedWithoutLimit() {
    var e = effects()
    var o2 = SagaOrchestrator(config: SagaConfig(maxActionAttempts: 1, transientErrorPerMille: 0))
    o2.begin(saga: 6, fixture: .succeeds, &e)
    _ = reply(&o2, "s6-flight-do", .done)
    _ = reply(&o2, "s6-hotel-do", .rejected("no"))
    var attempts = 1
    for _ in 0..<20 {
        _ = reply(&o2, "s6-flight-undo", .transientError, attempt: attempts)
        var t = effects()
        o2.fire(saga: 6, &t)
        if !sent(t).isEmpty { attempts += 1 }
    }
    #expect(attempts == 21)
    #expect(o2.unfinished == [6])
}

@Test func staleTransientErrorDoesNotSpendAnAttempt() {
    var o = SagaOrchestrator(config: SagaConfig(maxActionAttempts: 2, transientErrorPerMille: 0))
    var e = effects()
    o.begin(saga: 7, fixture: .succeeds, &e)
    var t = effects()
    o.fire(saga: 7, &t)  // timeout of attempt 1
    o.fire(saga: 7, &t)  // attempt 2 goes out
    let stale = reply(&o, "s7-flight-do", .transientError, attempt: 1)
    #expect(stale.events.isEmpty && stale.timers.isEmpty)
    #expect(o.log.histories()[0].failure == nil)
}

@Test func recoveryResumesFromTheLogWithTheSameKey() {
    var o = SagaOrchestrator(config: config)
    var e = effects()
    o.begin(saga: 8, fixture: .succeeds, &e)
    _ = reply(&o, "s8-flight-do", .done)
    _ = reply(&o, "s8-hotel-do", .done)   // s8-car-do is out when the orchestrator crashes
    o.begin(saga: 9, fixture: .succeeds, &e)
    _ = reply(&o, "s9-flight-do", .done)
    _ = reply(&o, "s9-hotel-do", .rejected("no"))  // s9-flight-undo is out
    var restarted = SagaOrchestrator(config: config, log: o.log)
    var r = effects()
    restarted.recover(&r)
    #expect(sent(r) == ["s8-car-do", "s9-flight-undo"])
    #expect(restarted.unfinished == [8, 9])
    #expect(sent(reply(&restarted, "s8-car-do", .done)) == ["s8-payment-do"])
}

@Test func everyTransitionIsPersistedBeforeItsRequestLeaves() {
    var o = SagaOrchestrator(config: config)
    var e = effects()
    o.begin(saga: 10, fixture: .succeeds, &e)
    for key in ["s10-flight-do", "s10-hotel-do"] {
        let r = reply(&o, key, .done)
        #expect(r.persist && !r.sends.isEmpty)
        guard case .actionStarted? = o.log.records.last else {
            Issue.record("the started step must be logged before its request")
            return
        }
    }
}

/// Property: for random histories, the compensation plan holds exactly the started steps
/// (less a refused one), last first, and never a step that did not start.
@Test func compensationPlanNeverIncludesUnstartedSteps() {
    var rng = SeededRNG(seed: 77)
    for _ in 0..<500 {
        var h = SagaHistory(saga: 1, fixture: .succeeds)
        let ran = Int(rng.below(5))
        h.started = Array(SagaStep.allCases.prefix(ran))
        if ran > 0 {
            let failed = h.started[ran - 1]
            h.failure = (failed, rng.chance(perMille: 500) ? .rejected("no") : .exhausted(attempts: 4))
        }
        let plan = h.compensationPlan
        #expect(plan.allSatisfy { h.started.contains($0) })
        #expect(plan == plan.sorted(by: >))
        if case .rejected? = h.failure?.reason { #expect(!plan.contains(h.failure!.step)) }
        if case .exhausted? = h.failure?.reason { #expect(plan.first == h.failure!.step) }
    }
}

/// A log that stops between two records (as an append-only log can) resumes with the next
/// transition, not a resend.
@Test func recoveryFromALogCutBetweenRecords() {
    let cases: [([SagaLogRecord], [String], SagaOutcome?)] = [
        ([.actionStarted(saga: 1, step: .flight), .actionDone(saga: 1, step: .flight)], ["s1-hotel-do"], nil),
        ([.actionStarted(saga: 1, step: .flight), .actionDone(saga: 1, step: .flight),
          .actionStarted(saga: 1, step: .hotel), .actionFailed(saga: 1, step: .hotel, .rejected("no"))], ["s1-flight-undo"], nil),
        ([.actionStarted(saga: 1, step: .flight), .actionFailed(saga: 1, step: .flight, .rejected("no"))], [], .compensated),
        (SagaStep.allCases.flatMap { [.actionStarted(saga: 1, step: $0), .actionDone(saga: 1, step: $0)] }, [], .committed),
    ]
    for (records, expected, outcome) in cases {
        var o = SagaOrchestrator(config: config, log: SagaLog(records: [.begun(saga: 1, fixture: .succeeds)] + records))
        var e = effects()
        o.recover(&e)
        #expect(sent(e) == expected)
        #expect(o.log.histories()[0].outcome == outcome)
    }
}

/// A crash right after the write that ends a saga swallows its announcement: the restarted
/// orchestrator announces that end again, and only that one (an older end is not repeated).
@Test func recoveryAnnouncesAgainTheEndItsLastStepWrote() {
    var o = SagaOrchestrator(config: config)
    var e = effects()
    o.begin(saga: 1, fixture: .succeeds, &e)
    for step in ["flight", "hotel", "car", "payment"] { _ = reply(&o, "s1-\(step)-do", .done) }
    var restarted = SagaOrchestrator(config: config, log: o.log)
    var recovery = effects()
    restarted.recover(&recovery)
    #expect(recovery.events.map(\.kind) == [.finished])
    #expect(recovery.events.first?.saga == 1 && recovery.events.first?.outcome == .committed)
    #expect(!recovery.persist && recovery.sends.isEmpty)

    // Once another saga has begun after it, saga 1's end is not the last write any more.
    var next = effects()
    restarted.begin(saga: 2, fixture: .succeeds, &next)
    var again = SagaOrchestrator(config: config, log: restarted.log)
    var second = effects()
    again.recover(&second)
    #expect(!second.events.contains { $0.kind == .finished })
    #expect(sent(second) == ["s2-flight-do"])
}
