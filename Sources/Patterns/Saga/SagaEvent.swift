/// What the saga's state machines report, and the effects they ask for: the plain-value
/// interface that keeps `SagaOrchestrator` and `SagaParticipant` testable without a simulator
/// (the style of etcd's raft `Ready`).
///
/// Simplifications:
/// - Events carry preformatted text for the timeline beside the typed fields the harness and
///   the tests read.
import Simulation

/// One thing that happened on a node, for the timeline and the harness.
public struct SagaEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        // orchestrator
        case begun = "begin", sent = "send", retry = "retry", done = "done", failed = "fail"
        case compensating = "undo", compensated = "undone", finished = "end", recovered = "recover"
        // participant
        case applied = "apply", refused = "refuse", transient = "503", deduplicated = "dedupe"
        case voided = "void", fenced = "fence", slow = "busy"
    }

    public var kind: Kind
    public var saga: Int
    public var step: SagaStep?
    public var key: IdempotencyKey?
    public var outcome: SagaOutcome?
    public var text: String

    public init(_ kind: Kind, saga: Int, step: SagaStep? = nil, key: IdempotencyKey? = nil,
                outcome: SagaOutcome? = nil, _ text: String) {
        self.kind = kind
        self.saga = saga
        self.step = step ?? key?.step
        self.key = key
        self.outcome = outcome
        self.text = text
    }
}

/// The effects of one handler: messages, timer changes, whether to persist, and events.
public struct SagaEffects: Sendable {
    public var sends: [(to: NodeID, message: SagaMessage)] = []
    /// A timer per saga: set after a delay, or cancelled (nil).
    public var timers: [(saga: Int, after: SimDuration?)] = []
    public var persist = false
    public var events: [SagaEvent] = []
    /// A participant's requests put aside to be processed after a delay (a slow service).
    public var deferred: [(request: SagaRequest, after: SimDuration)] = []
    /// The simulation's generator, lent for one handler (backoff jitter, transient errors).
    public var rng: SeededRNG

    public init(rng: SeededRNG) {
        self.rng = rng
    }
}

/// The tunables every node of a saga run shares.
public struct SagaConfig: Equatable, Sendable {
    /// How long the orchestrator waits for a reply before it retries.
    public var requestTimeout: SimDuration
    /// Exponential backoff with full jitter: a retry waits uniformly up to
    /// `min(backoffCap, backoffBase * 2^(attempt-1))`.
    public var backoffBase: SimDuration
    public var backoffCap: SimDuration
    /// Actions are retried at most this many attempts; compensations until they succeed.
    public var maxActionAttempts: Int
    /// Odds that a participant answers a request with a transient error (HTTP 503).
    public var transientErrorPerMille: UInt32
    public var variant: SagaVariant

    public init(requestTimeout: SimDuration = .milliseconds(40), backoffBase: SimDuration = .milliseconds(20),
                backoffCap: SimDuration = .milliseconds(320), maxActionAttempts: Int = 4,
                transientErrorPerMille: UInt32 = 30, variant: SagaVariant = .correct) {
        self.requestTimeout = requestTimeout
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.maxActionAttempts = maxActionAttempts
        self.transientErrorPerMille = transientErrorPerMille
        self.variant = variant
    }
}

/// The correct protocol, or a deliberately broken one to watch the invariant checker catch it.
public enum SagaVariant: String, CaseIterable, Sendable {
    case correct
    /// Participants ignore idempotency keys: a retried or duplicated request applies again.
    case noIdempotency = "no-idempotency"
    /// The orchestrator undoes every step of the saga's definition below the failed one,
    /// run or not (the classic loop over step indices instead of over the log).
    case compensateEveryStep = "compensate-every-step"
}
