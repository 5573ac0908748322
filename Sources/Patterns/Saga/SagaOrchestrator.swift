/// The saga orchestrator (Garcia-Molina & Salem 1987, §5 "saga execution component"; the
/// orchestration style of Temporal and Cadence): it runs the steps in order, retries each
/// request with exponential backoff and full jitter under the same idempotency key, and on a
/// failure undoes the steps that ran, last first. Every transition is appended to the saga log
/// and persisted before the orchestrator acts on it; after a crash it replays the log and
/// resumes every unfinished saga where it stopped.
///
/// Simplifications:
/// - One timer per saga serves both as the request timeout and as the backoff wait.
/// - Actions give up after `maxActionAttempts`; an action that gave up is treated as possibly
///   applied and compensated. Compensations are retried forever, with capped backoff.
/// - No saga-level deadline and no pivot step: every step is compensatable.
import Simulation

public struct SagaOrchestrator: Sendable {
    /// What the orchestrator is waiting for in one unfinished saga (volatile: rebuilt from
    /// the log after a restart).
    struct Pending: Sendable {
        var key: IdempotencyKey
        var fixture: SagaFixture
        var attempt: Int
        /// True while a request is out (the timer is its timeout); false while backing off.
        var awaitingReply: Bool
        /// Why the previous attempt failed, for the timeline.
        var lastFailure = ""
    }

    public let config: SagaConfig
    public private(set) var log: SagaLog
    private var pending: [Int: Pending] = [:]

    public init(config: SagaConfig, log: SagaLog? = nil) {
        self.config = config
        self.log = log ?? SagaLog()
    }

    /// Sagas still running, in id order.
    public var unfinished: [Int] { pending.keys.sorted() }

    // MARK: Inputs

    /// After a restart: replay the log and resume every unfinished saga. A request the log
    /// says was started is resent under its key; a log that stops between two records (a step
    /// done but the next not yet started) resumes with the next transition.
    ///
    /// It first announces again the end of the saga its last step before the crash finished,
    /// if that step finished one. Every transition is durable before anything it announces
    /// leaves, so a crash right after the write that ends a saga swallows the announcement, and
    /// a client waiting for it would wait forever (the output-commit problem: the outside world
    /// must agree with every state a process can recover to; Elnozahy, Alvisi, Wang & Johnson,
    /// ACM Computing Surveys 2002). Only the last step's announcements can be lost that way, and
    /// a step that finishes a saga records `finished` last, so the log's last record tells.
    /// A client that had heard it ignores the repeat.
    public mutating func recover(_ effects: inout SagaEffects) {
        if case .finished(let saga, let outcome)? = log.records.last {
            effects.events.append(SagaEvent(.finished, saga: saga, outcome: outcome,
                "saga \(saga) \(outcome == .committed ? "COMMITTED" : "COMPENSATED"), announced again after the "
                    + "restart: the crash may have swallowed the first announcement"))
        }
        for history in log.histories() where history.outcome == nil {
            let saga = history.saga
            let next = resumePoint(history)
            effects.events.append(SagaEvent(.recovered, saga: saga,
                "saga \(saga) replayed from log (\(history.started.count) started, "
                    + "\(history.compensated.count) undone): \(next.text)"))
            pending[saga] = Pending(key: IdempotencyKey(saga: saga, step: .flight, kind: .action),
                                    fixture: history.fixture, attempt: 0, awaitingReply: false)
            switch next.action {
            case .resend(let key):
                pending[saga]?.key = key
                send(saga, &effects)
            case .start(let step):
                startAction(saga: saga, step: step, fixture: history.fixture, &effects)
            case .compensateNext:
                compensateNext(saga: saga, &effects)
            case .finish(let outcome):
                finish(saga: saga, outcome, &effects)
            }
        }
    }

    enum Resumption {
        case resend(IdempotencyKey), start(SagaStep), compensateNext, finish(SagaOutcome)
    }

    /// Where an unfinished saga stands according to its log alone.
    func resumePoint(_ h: SagaHistory) -> (action: Resumption, text: String) {
        if h.failure == nil {
            if let step = h.started.last, !h.done.contains(step) {
                let key = IdempotencyKey(saga: h.saga, step: step, kind: .action)
                return (.resend(key), "resend \(key)")
            }
            if let last = h.done.last, let step = SagaStep(rawValue: last.rawValue + 1) {
                return (.start(step), "start \(step)")
            }
            return (.finish(.committed), "every step done: commit")
        }
        guard let step = compensationOrder(h).first else { return (.finish(.compensated), "all undone: end") }
        let inFlight = h.compensationsStarted.last == step
        let key = IdempotencyKey(saga: h.saga, step: step, kind: .compensation)
        return inFlight ? (.resend(key), "resend \(key)") : (.compensateNext, "undo \(step)")
    }

    /// Starts a saga; a saga id the log already knows is ignored (the client's retry).
    public mutating func begin(saga: Int, fixture: SagaFixture, _ effects: inout SagaEffects) {
        guard !log.knows(saga) else { return }
        record(.begun(saga: saga, fixture: fixture), &effects)
        effects.events.append(SagaEvent(.begun, saga: saga, "saga \(saga) begins: flight, hotel, car, payment"))
        startAction(saga: saga, step: .flight, fixture: fixture, &effects)
    }

    public mutating func receive(_ reply: SagaReply, _ effects: inout SagaEffects) {
        guard let current = pending[reply.key.saga], current.key == reply.key else { return }
        let saga = reply.key.saga
        switch (reply.key.kind, reply.result) {
        case (.action, .done):
            record(.actionDone(saga: saga, step: reply.key.step), &effects)
            effects.events.append(SagaEvent(.done, saga: saga, key: reply.key, "\(reply.key) done"))
            if let next = SagaStep(rawValue: reply.key.step.rawValue + 1) {
                startAction(saga: saga, step: next, fixture: current.fixture, &effects)
            } else {
                finish(saga: saga, .committed, &effects)
            }
        case (.action, .rejected(let reason)):
            fail(saga: saga, step: reply.key.step, .rejected(reason), &effects)
        case (.compensation, .done), (.compensation, .rejected):
            record(.compensationDone(saga: saga, step: reply.key.step), &effects)
            effects.events.append(SagaEvent(.compensated, saga: saga, key: reply.key, "\(reply.key) done"))
            compensateNext(saga: saga, &effects)
        case (_, .transientError) where reply.attempt == current.attempt:
            backOff(saga: saga, because: "503", &effects)
        case (_, .transientError):
            break  // an older attempt's 503: the current attempt is still out
        }
    }

    /// The saga's timer: a reply timed out, or a backoff wait is over.
    public mutating func fire(saga: Int, _ effects: inout SagaEffects) {
        guard let current = pending[saga] else { return }
        if current.awaitingReply {
            backOff(saga: saga, because: "timeout", &effects)
        } else {
            send(saga, &effects)
        }
    }

    // MARK: Transitions

    private mutating func startAction(saga: Int, step: SagaStep, fixture: SagaFixture, _ effects: inout SagaEffects) {
        record(.actionStarted(saga: saga, step: step), &effects)
        pending[saga] = Pending(key: IdempotencyKey(saga: saga, step: step, kind: .action),
                                fixture: fixture, attempt: 0, awaitingReply: false)
        send(saga, &effects)
    }

    private mutating func fail(saga: Int, step: SagaStep, _ reason: SagaFailure, _ effects: inout SagaEffects) {
        record(.actionFailed(saga: saga, step: step, reason), &effects)
        let plan = compensationOrder(history(saga))
        let why = switch reason {
        case .rejected(let text): "\(text)"
        case .exhausted(let attempts): "no answer after \(attempts) attempts, outcome unknown"
        }
        let undo = plan.isEmpty ? "nothing ran, nothing to undo" : "undo " + plan.map(\.description).joined(separator: ", ")
        effects.events.append(SagaEvent(.failed, saga: saga, step: step, "saga \(saga) \(step) failed (\(why)): \(undo)"))
        compensateNext(saga: saga, &effects)
    }

    private mutating func compensateNext(saga: Int, _ effects: inout SagaEffects) {
        guard let step = compensationOrder(history(saga)).first, let fixture = pending[saga]?.fixture else {
            finish(saga: saga, .compensated, &effects)
            return
        }
        record(.compensationStarted(saga: saga, step: step), &effects)
        pending[saga] = Pending(key: IdempotencyKey(saga: saga, step: step, kind: .compensation),
                                fixture: fixture, attempt: 0, awaitingReply: false)
        send(saga, &effects)
    }

    private mutating func finish(saga: Int, _ outcome: SagaOutcome, _ effects: inout SagaEffects) {
        record(.finished(saga: saga, outcome), &effects)
        pending[saga] = nil
        effects.timers.append((saga, nil))
        let h = history(saga)
        let text = outcome == .committed
            ? "saga \(saga) COMMITTED: all four steps in effect"
            : "saga \(saga) COMPENSATED: " + (h.compensated.isEmpty ? "no step had run" : "undid " + h.compensated.map(\.description).joined(separator: ", "))
        effects.events.append(SagaEvent(.finished, saga: saga, outcome: outcome, text))
    }

    private mutating func send(_ saga: Int, _ effects: inout SagaEffects) {
        guard var current = pending[saga] else { return }
        current.attempt += 1
        current.awaitingReply = true
        pending[saga] = current
        let request = SagaRequest(key: current.key, attempt: current.attempt, fixture: current.fixture)
        effects.sends.append((current.key.step.node, .request(request)))
        effects.timers.append((saga, config.requestTimeout))
        let verb = current.key.kind == .action ? current.key.step.action : current.key.step.compensation
        effects.events.append(SagaEvent(current.attempt == 1 ? .sent : .retry, saga: saga, key: current.key,
            "\(verb): \(current.key) attempt \(current.attempt) -> n\(current.key.step.node)"
                + (current.attempt == 1 ? "" : " (\(current.lastFailure) backoff)")))
    }

    /// Waits before the next attempt, or gives the action up when its attempts are spent.
    private mutating func backOff(saga: Int, because cause: String, _ effects: inout SagaEffects) {
        guard var current = pending[saga] else { return }
        if current.key.kind == .action && current.attempt >= config.maxActionAttempts {
            fail(saga: saga, step: current.key.step, .exhausted(attempts: current.attempt), &effects)
            return
        }
        let ceiling = min(config.backoffCap.nanoseconds,
                          config.backoffBase.nanoseconds << UInt64(min(current.attempt - 1, 20)))
        let wait = SimDuration(nanoseconds: effects.rng.uniform(0...ceiling))
        current.awaitingReply = false
        current.lastFailure = "\(cause) after \(wait)"
        pending[saga] = current
        effects.timers.append((saga, wait))
    }

    // MARK: Log

    private mutating func record(_ entry: SagaLogRecord, _ effects: inout SagaEffects) {
        log.append(entry)
        effects.persist = true
    }

    private func history(_ saga: Int) -> SagaHistory {
        log.histories().first { $0.saga == saga } ?? SagaHistory(saga: saga, fixture: .succeeds)
    }

    /// The compensations still to run, last step first. The broken variant walks the saga's
    /// definition instead of its log, and so undoes steps that never ran.
    func compensationOrder(_ history: SagaHistory) -> [SagaStep] {
        guard config.variant == .compensateEveryStep, let failed = history.failure?.step else {
            return history.remainingCompensations
        }
        let all = SagaStep.allCases.filter { $0 != failed || history.compensationPlan.contains($0) }
        return all.sorted(by: >).filter { !history.compensated.contains($0) }
    }
}
