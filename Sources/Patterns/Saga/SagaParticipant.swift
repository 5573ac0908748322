/// A saga participant: one service (flight, hotel, car or payment) that performs its step's
/// action and compensation, each at most once per idempotency key, and keeps a ledger of every
/// effect it applied (Garcia-Molina & Salem 1987, §1: compensations must always succeed and
/// be retriable; Richardson, "Microservices Patterns" ch. 4, on idempotent participants).
///
/// A compensation that arrives before its action (or for an action that never arrived, or is
/// still being processed by a slow service) voids the key: nothing is undone, and a late copy
/// of the action is refused, so a delayed action cannot book a seat for a saga that was
/// already rolled back.
///
/// Simplifications:
/// - Each service keeps one record per saga and a ledger of effects instead of inventory.
/// - The record and ledger are persisted on every change, before the reply leaves, so a crash
///   never loses an applied effect; counts of transient failures are volatile.
import Simulation

/// What a participant knows about one saga's key pair.
public enum ParticipantRecord: Equatable, Sendable {
    /// The action is in effect.
    case applied
    /// The action was refused; nothing was applied.
    case refused(String)
    /// The action was applied and then compensated.
    case compensated
    /// A compensation came first: nothing to undo, and the action is fenced off for good.
    case voided
}

/// One effect a participant applied: the ledger the invariant checker audits.
public struct LedgerEntry: Equatable, Sendable {
    public var key: IdempotencyKey
    public var attempt: Int
}

/// What a participant keeps on disk.
public struct ParticipantDisk: Equatable, Sendable {
    public var records: [Int: ParticipantRecord] = [:]
    public var ledger: [LedgerEntry] = []
}

public struct SagaParticipant: Sendable {
    public let step: SagaStep
    public let config: SagaConfig
    public private(set) var disk: ParticipantDisk
    /// Transient failures served so far per key, for scripted flaky compensations.
    private var failuresServed: [IdempotencyKey: Int] = [:]

    public init(step: SagaStep, config: SagaConfig, disk: ParticipantDisk? = nil) {
        self.step = step
        self.config = config
        self.disk = disk ?? ParticipantDisk()
    }

    /// Handles one request and answers it, or puts it aside (nil) when the service is slow:
    /// `resume` processes it later.
    public mutating func handle(_ request: SagaRequest, _ effects: inout SagaEffects) -> SagaReply? {
        if request.key.kind == .action, request.fixture.slowAt == step, disk.records[request.key.saga] == nil {
            effects.deferred.append((request, request.fixture.slowFor))
            effects.events.append(SagaEvent(.slow, saga: request.key.saga, key: request.key,
                "\(request.key) attempt \(request.attempt): overloaded, processing takes \(request.fixture.slowFor)"))
            return nil
        }
        return process(request, &effects)
    }

    /// A request put aside by `handle` is processed now.
    public mutating func resume(_ request: SagaRequest, _ effects: inout SagaEffects) -> SagaReply {
        process(request, &effects)
    }

    private mutating func process(_ request: SagaRequest, _ effects: inout SagaEffects) -> SagaReply {
        let result: SagaReplyResult
        switch request.key.kind {
        case .action: result = act(request, &effects)
        case .compensation: result = compensate(request, &effects)
        }
        return SagaReply(key: request.key, attempt: request.attempt, result: result)
    }

    private mutating func act(_ request: SagaRequest, _ effects: inout SagaEffects) -> SagaReplyResult {
        let key = request.key
        switch disk.records[key.saga] {
        case .applied?:
            guard config.variant == .noIdempotency else {
                effects.events.append(SagaEvent(.deduplicated, saga: key.saga, key: key,
                    "\(key) attempt \(request.attempt): already applied, answer done again"))
                return .done
            }
            apply(request, &effects)
            return .done
        case .refused(let reason)?:
            return .rejected(reason)
        case .compensated?, .voided?:
            effects.events.append(SagaEvent(.fenced, saga: key.saga, key: key,
                "\(key) attempt \(request.attempt) comes after its compensation: refused, nothing applied"))
            return .rejected("already compensated")
        case nil:
            if request.fixture.rejectAt == step {
                disk.records[key.saga] = .refused(step.refusal)
                effects.persist = true
                effects.events.append(SagaEvent(.refused, saga: key.saga, key: key, "\(key): \(step.refusal), nothing applied"))
                return .rejected(step.refusal)
            }
            if effects.rng.chance(perMille: config.transientErrorPerMille) {
                effects.events.append(SagaEvent(.transient, saga: key.saga, key: key, "\(key) attempt \(request.attempt): 503, try later"))
                return .transientError
            }
            disk.records[key.saga] = .applied
            apply(request, &effects)
            return .done
        }
    }

    private mutating func compensate(_ request: SagaRequest, _ effects: inout SagaEffects) -> SagaReplyResult {
        let key = request.key
        switch disk.records[key.saga] {
        case .compensated?, .voided?:
            guard config.variant == .noIdempotency, disk.records[key.saga] == .compensated else {
                effects.events.append(SagaEvent(.deduplicated, saga: key.saga, key: key,
                    "\(key) attempt \(request.attempt): already undone, answer done again"))
                return .done
            }
            apply(request, &effects)
            return .done
        case .refused?:
            return .done
        case nil:
            disk.records[key.saga] = .voided
            effects.persist = true
            effects.events.append(SagaEvent(.voided, saga: key.saga, key: key,
                "\(key): no action applied for this key: nothing to undo; the key is fenced, a late action is refused"))
            return .done
        case .applied?:
            if isFlaky(request) || effects.rng.chance(perMille: config.transientErrorPerMille) {
                failuresServed[key, default: 0] += 1
                effects.events.append(SagaEvent(.transient, saga: key.saga, key: key, "\(key) attempt \(request.attempt): 503, try later"))
                return .transientError
            }
            disk.records[key.saga] = .compensated
            apply(request, &effects)
            return .done
        }
    }

    private func isFlaky(_ request: SagaRequest) -> Bool {
        request.fixture.flakyCompensation == step && failuresServed[request.key, default: 0] < request.fixture.flakyFailures
    }

    private mutating func apply(_ request: SagaRequest, _ effects: inout SagaEffects) {
        disk.ledger.append(LedgerEntry(key: request.key, attempt: request.attempt))
        effects.persist = true
        let what = request.key.kind == .action ? step.action : step.compensation
        effects.events.append(SagaEvent(.applied, saga: request.key.saga, key: request.key,
            "\(what) for saga \(request.key.saga) (key \(request.key), attempt \(request.attempt))"))
    }
}
