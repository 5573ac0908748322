/// The orchestrator's saga log: every state transition of every saga, appended and persisted
/// before the orchestrator acts on it, so that a restarted orchestrator can replay the log and
/// resume each saga where it stopped (Garcia-Molina & Salem 1987, §5 "saga log"; the event
/// history of Temporal/Cadence workflows plays the same part).
///
/// Simplifications:
/// - The log is one array persisted whole on each transition; a real log appends a record
///   and syncs it. Retry counters are not logged: after a restart every request starts again
///   at attempt 1, with the same idempotency key.
import Simulation

/// Why an action failed.
public enum SagaFailure: Equatable, Sendable {
    /// The participant refused; nothing was applied, so this step needs no compensation.
    case rejected(String)
    /// Every attempt timed out or failed transiently: the action may or may not have been
    /// applied, so it is compensated too (the participant voids it if it never ran).
    case exhausted(attempts: Int)
}

public enum SagaOutcome: String, Equatable, Sendable {
    case committed, compensated
}

public enum SagaLogRecord: Equatable, Sendable {
    case begun(saga: Int, fixture: SagaFixture)
    case actionStarted(saga: Int, step: SagaStep)
    case actionDone(saga: Int, step: SagaStep)
    case actionFailed(saga: Int, step: SagaStep, SagaFailure)
    case compensationStarted(saga: Int, step: SagaStep)
    case compensationDone(saga: Int, step: SagaStep)
    case finished(saga: Int, SagaOutcome)

    public var saga: Int {
        switch self {
        case .begun(let saga, _), .actionStarted(let saga, _), .actionDone(let saga, _),
             .actionFailed(let saga, _, _), .compensationStarted(let saga, _),
             .compensationDone(let saga, _), .finished(let saga, _):
            saga
        }
    }
}

/// What the log says about one saga, rebuilt by replaying its records in order.
public struct SagaHistory: Equatable, Sendable {
    public var saga: Int
    public var fixture: SagaFixture
    /// Actions the orchestrator sent (or was about to send), in order.
    public var started: [SagaStep] = []
    public var done: [SagaStep] = []
    public var failure: (step: SagaStep, reason: SagaFailure)?
    public var compensationsStarted: [SagaStep] = []
    public var compensated: [SagaStep] = []
    public var outcome: SagaOutcome?

    public static func == (a: SagaHistory, b: SagaHistory) -> Bool {
        a.saga == b.saga && a.fixture == b.fixture && a.started == b.started && a.done == b.done
            && a.failure?.step == b.failure?.step && a.failure?.reason == b.failure?.reason
            && a.compensationsStarted == b.compensationsStarted && a.compensated == b.compensated
            && a.outcome == b.outcome
    }

    /// The steps to undo, last first: every step whose action was started, except a step the
    /// participant refused (it applied nothing). Steps never started are never compensated.
    public var compensationPlan: [SagaStep] {
        var plan = started
        if let failure, case .rejected = failure.reason {
            plan.removeAll { $0 == failure.step }
        }
        return plan.sorted(by: >)
    }

    /// The part of the plan not yet compensated, in the order it must run.
    public var remainingCompensations: [SagaStep] {
        compensationPlan.filter { !compensated.contains($0) }
    }

    mutating func apply(_ record: SagaLogRecord) {
        switch record {
        case .begun: break
        case .actionStarted(_, let step): started.append(step)
        case .actionDone(_, let step): done.append(step)
        case .actionFailed(_, let step, let reason): failure = (step, reason)
        case .compensationStarted(_, let step): compensationsStarted.append(step)
        case .compensationDone(_, let step): compensated.append(step)
        case .finished(_, let outcome): self.outcome = outcome
        }
    }
}

/// The log itself: an append-only list of records.
public struct SagaLog: Equatable, Sendable {
    public private(set) var records: [SagaLogRecord] = []

    public init(records: [SagaLogRecord] = []) {
        self.records = records
    }

    public mutating func append(_ record: SagaLogRecord) {
        records.append(record)
    }

    /// One history per saga, in the order the sagas began.
    public func histories() -> [SagaHistory] {
        var order: [Int] = []
        var byID: [Int: SagaHistory] = [:]
        for record in records {
            if case .begun(let saga, let fixture) = record, byID[saga] == nil {
                order.append(saga)
                byID[saga] = SagaHistory(saga: saga, fixture: fixture)
            } else {
                byID[record.saga]?.apply(record)
            }
        }
        return order.compactMap { byID[$0] }
    }

    public func knows(_ saga: Int) -> Bool {
        records.contains { if case .begun(saga, _) = $0 { true } else { false } }
    }
}
