/// The saga's safety and liveness properties, checked live against what the orchestrator and
/// the participants have on disk (the ledger of effects each participant actually applied),
/// not against what the orchestrator believes (Garcia-Molina & Salem 1987, §1: a saga either
/// runs T1..Tn or T1..Tj, Cj..C1).
///
/// Invariants:
/// - at-most-once: each participant applies each action and each compensation at most once
///   per idempotency key.
/// - no-phantom-compensation: no compensation is started for a step whose action never
///   started, and no participant undoes an action it never applied.
/// - reverse-order: a saga's compensations start last step first.
/// - no-action-after-compensation: a late action never applies after its compensation.
/// - all-or-nothing: a finished saga is all committed or all compensated, in the log and on
///   every participant.
/// - saga-liveness: every saga finishes once faults stop.
///
/// Simplifications:
/// - The ledger is audited incrementally (each entry once); the log likewise.
import Simulation

/// A broken invariant, before the demo adds seed, step and time.
public struct SagaBreach: Equatable, Sendable {
    public var invariant: String
    public var detail: String
}

public struct SagaInvariantChecker: Sendable {
    /// The one liveness goal: a saga not finished at the horizon is a shortfall, not a breach.
    static let liveness = "saga-liveness"

    private var ledgerAudited: [Int] = Array(repeating: 0, count: SagaStep.allCases.count)
    private var applied: Set<IdempotencyKey> = []
    private var logAudited = 0
    private var histories: [Int: SagaHistory] = [:]

    public init() {}

    /// Audits whatever the disks gained since the last call.
    public mutating func audit(_ disks: [SagaDisk?]) -> SagaBreach? {
        for disk in disks {
            switch disk {
            case .participant(_, let state)?:
                if let breach = auditLedger(state.ledger) { return breach }
            case .orchestrator(_, let log)?:
                if let breach = auditLog(log) { return breach }
            case nil:
                continue
            }
        }
        return nil
    }

    private mutating func auditLedger(_ ledger: [LedgerEntry]) -> SagaBreach? {
        guard let step = ledger.first?.key.step else { return nil }
        let index = step.rawValue
        while ledgerAudited[index] < ledger.count {
            let entry = ledger[ledgerAudited[index]]
            ledgerAudited[index] += 1
            let key = entry.key
            let action = IdempotencyKey(saga: key.saga, step: key.step, kind: .action)
            let undo = IdempotencyKey(saga: key.saga, step: key.step, kind: .compensation)
            if applied.contains(key) {
                return SagaBreach(invariant: "at-most-once",
                    detail: "\(key.step) applied \(key) a second time (attempt \(entry.attempt))")
            }
            if key.kind == .compensation && !applied.contains(action) {
                return SagaBreach(invariant: "no-phantom-compensation",
                    detail: "\(key.step) applied \(key) but never applied \(action)")
            }
            if key.kind == .action && applied.contains(undo) {
                return SagaBreach(invariant: "no-action-after-compensation",
                    detail: "\(key.step) applied \(key) after \(undo)")
            }
            applied.insert(key)
        }
        return nil
    }

    private mutating func auditLog(_ log: SagaLog) -> SagaBreach? {
        while logAudited < log.records.count {
            let record = log.records[logAudited]
            logAudited += 1
            if case .begun(let saga, let fixture) = record {
                histories[saga] = SagaHistory(saga: saga, fixture: fixture)
                continue
            }
            guard var history = histories[record.saga] else { continue }
            if let breach = check(record, against: history) { return breach }
            history.apply(record)
            histories[record.saga] = history
        }
        return nil
    }

    /// Checks one log record against the saga's history before it.
    private func check(_ record: SagaLogRecord, against history: SagaHistory) -> SagaBreach? {
        switch record {
        case .compensationStarted(let saga, let step):
            guard history.started.contains(step) else {
                return SagaBreach(invariant: "no-phantom-compensation",
                    detail: "saga \(saga) started compensating \(step), whose action never started")
            }
            if let skipped = history.remainingCompensations.first(where: { $0 > step }) {
                return SagaBreach(invariant: "reverse-order",
                    detail: "saga \(saga) started undoing \(step) before \(skipped), which ran later")
            }
        case .finished(let saga, .committed) where history.done.count != SagaStep.allCases.count:
            return SagaBreach(invariant: "all-or-nothing",
                detail: "saga \(saga) committed with only \(history.done.count) steps done")
        case .finished(let saga, .compensated) where !history.remainingCompensations.isEmpty:
            return SagaBreach(invariant: "all-or-nothing",
                detail: "saga \(saga) compensated but \(history.remainingCompensations) not undone")
        default:
            break
        }
        return nil
    }

    /// At the end of a run: every saga finished, and every participant agrees with the outcome.
    public func finalCheck(_ disks: [SagaDisk?], sagas: [Int]) -> SagaBreach? {
        for saga in sagas {
            guard let outcome = histories[saga]?.outcome else {
                let what = histories[saga] == nil ? "never began" : "never finished"
                return SagaBreach(invariant: Self.liveness, detail: "saga \(saga) \(what)")
            }
            for step in SagaStep.allCases {
                guard case .participant(_, let state)? = disks[step.node] else { continue }
                let record = state.records[saga]
                if outcome == .committed && record != .applied {
                    return SagaBreach(invariant: "all-or-nothing",
                        detail: "saga \(saga) committed but \(step) holds \(describe(record))")
                }
                if outcome == .compensated && record == .applied {
                    return SagaBreach(invariant: "all-or-nothing",
                        detail: "saga \(saga) compensated but \(step) still holds its action")
                }
            }
        }
        return nil
    }

    private func describe(_ record: ParticipantRecord?) -> String {
        switch record {
        case nil: "nothing"
        case .applied?: "applied"
        case .refused?: "a refusal"
        case .compensated?: "a compensation"
        case .voided?: "a voided key"
        }
    }
}
