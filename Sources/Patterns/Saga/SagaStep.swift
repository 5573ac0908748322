/// The vocabulary of the trip-booking saga: its steps, the idempotency keys that name every
/// request, the scripted business outcome of a run, and the messages between the orchestrator
/// and its participants (Garcia-Molina & Salem, "Sagas", SIGMOD 1987, §1: a saga is a sequence
/// of transactions T1..Tn, each with a compensating transaction Ci; a failed saga runs
/// T1..Tj then Cj..C1).
///
/// Simplifications:
/// - The four steps are fixed (flight, hotel, car, payment) and run in sequence; the paper's
///   parallel sagas are left out.
/// - A step's business outcome ("sold out", "card declined") is scripted by a `SagaFixture`
///   carried in the request, standing in for real inventory and card checks.
import Simulation

extension String {
    fileprivate subscript(offset: Int) -> Character { self[index(startIndex, offsetBy: offset)] }
}

/// One step of the trip saga, in the order the orchestrator runs them. Participant node
/// `step.rawValue + 1` serves it; node 0 is the orchestrator.
public enum SagaStep: Int, CaseIterable, Comparable, Hashable, Sendable, CustomStringConvertible {
    case flight, hotel, car, payment

    public static func < (a: SagaStep, b: SagaStep) -> Bool { a.rawValue < b.rawValue }

    /// The participant node that serves this step.
    public var node: NodeID { rawValue + 1 }

    public init?(node: NodeID) { self.init(rawValue: node - 1) }

    public var description: String {
        switch self {
        case .flight: "flight"
        case .hotel: "hotel"
        case .car: "car"
        case .payment: "payment"
        }
    }

    public var action: String {
        switch self {
        case .flight: "reserve seat"
        case .hotel: "book room"
        case .car: "rent car"
        case .payment: "charge card"
        }
    }

    public var compensation: String {
        switch self {
        case .flight: "cancel seat"
        case .hotel: "cancel room"
        case .car: "cancel rental"
        case .payment: "refund card"
        }
    }

    /// Steps as one letter each (`FHC`), for narrow tables; "-" for none.
    public static func letters(_ steps: [SagaStep]) -> String {
        steps.isEmpty ? "-" : String(steps.map { "FHCP"[$0.rawValue] })
    }

    /// Why this step says no when a fixture makes it fail.
    public var refusal: String {
        switch self {
        case .flight: "flight sold out"
        case .hotel: "no rooms left"
        case .car: "no cars left"
        case .payment: "card declined"
        }
    }
}

/// Whether a request asks a participant to do its step or to undo it.
public enum SagaRequestKind: Int, Hashable, Sendable {
    case action, compensation
}

/// The idempotency key of a request: the same key on every retry, so that a participant applies
/// a retried or duplicated request once (as Stripe and Temporal activities key requests).
public struct IdempotencyKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var saga: Int
    public var step: SagaStep
    public var kind: SagaRequestKind

    public init(saga: Int, step: SagaStep, kind: SagaRequestKind) {
        self.saga = saga
        self.step = step
        self.kind = kind
    }

    public static func < (a: IdempotencyKey, b: IdempotencyKey) -> Bool {
        (a.saga, a.step.rawValue, a.kind.rawValue) < (b.saga, b.step.rawValue, b.kind.rawValue)
    }

    public var description: String {
        "s\(saga)-\(step)-\(kind == .action ? "do" : "undo")"
    }
}

/// The scripted business outcome of one saga: which step refuses, which compensation fails
/// transiently a few times before it goes through, which service is slow.
public struct SagaFixture: Equatable, Sendable {
    public var rejectAt: SagaStep?
    public var flakyCompensation: SagaStep?
    public var flakyFailures: Int
    /// This step's service takes `slowFor` to process each action request (an overloaded
    /// service): the orchestrator gives up and compensates before the action lands.
    public var slowAt: SagaStep?
    public var slowFor: SimDuration

    public init(rejectAt: SagaStep? = nil, flakyCompensation: SagaStep? = nil, flakyFailures: Int = 0,
                slowAt: SagaStep? = nil, slowFor: SimDuration = .zero) {
        self.rejectAt = rejectAt
        self.flakyCompensation = flakyCompensation
        self.flakyFailures = flakyFailures
        self.slowAt = slowAt
        self.slowFor = slowFor
    }

    public static let succeeds = SagaFixture()
}

/// A request from the orchestrator to a participant.
public struct SagaRequest: Equatable, Sendable {
    public var key: IdempotencyKey
    public var attempt: Int
    public var fixture: SagaFixture
}

/// A participant's answer.
public enum SagaReplyResult: Equatable, Sendable {
    /// The action or compensation is in effect (now or from an earlier attempt).
    case done
    /// The action was refused and nothing was applied; retrying the key gets the same answer.
    case rejected(String)
    /// Nothing was applied; the orchestrator should retry the same key later.
    case transientError
}

public struct SagaReply: Equatable, Sendable {
    public var key: IdempotencyKey
    public var attempt: Int
    public var result: SagaReplyResult
}

public enum SagaMessage: Equatable, Sendable {
    case request(SagaRequest)
    case reply(SagaReply)
}
