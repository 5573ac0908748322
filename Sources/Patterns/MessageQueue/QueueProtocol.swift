/// The wire protocol of the message-queue demo, after Amazon SQS standard queues
/// (Amazon SQS Developer Guide: "Amazon SQS visibility timeout", "Using dead-letter queues",
/// API ReceiveMessage / DeleteMessage / ChangeMessageVisibility): a received message stays in
/// the queue, invisible for the visibility timeout, under a receipt handle that only the
/// latest receiver holds; it is gone only when that receiver deletes it.
///
/// Simplifications:
/// - One message per receive; no long polling (an empty queue answers at once and the
///   consumer polls again a little later).
/// - Message ids are assigned by the producer (SQS assigns them; a producer that wants
///   idempotency puts its own key in the body or attributes).
import Simulation

/// A message as it sits in the queue.
public struct QueuedMessage: Sendable, Equatable {
    public var id: Int
    /// The effect the message asks for: add `amount` to the ledger.
    public var amount: Int
    /// A message no consumer can process: every attempt fails.
    public var poison: Bool
    public var receiveCount = 0
    public var visibleAt: SimTime = .zero
    /// The receipt of the latest receive; only it can delete the message.
    public var receipt: UInt64 = 0

    public init(id: Int, amount: Int, poison: Bool) {
        self.id = id
        self.amount = amount
        self.poison = poison
    }
}

public enum QueueMessage: Sendable {
    // consumer -> broker
    case receive(req: UInt64)
    case delete(receipt: UInt64)
    case changeVisibility(receipt: UInt64, after: SimDuration)
    // broker -> consumer
    case delivered(req: UInt64, QueuedMessage)
    case empty(req: UInt64)
    case deleted(receipt: UInt64, ok: Bool)
    // consumer -> store
    case apply(messageID: Int, amount: Int, receipt: UInt64)
    // store -> consumer
    case applied(messageID: Int, receipt: UInt64, duplicate: Bool)
}

/// What nodes report: facts for the auditor and prose for the timeline.
public enum QueueOutput: Sendable {
    // broker
    case enqueued(id: Int)
    case received(id: Int, by: NodeID, count: Int, receipt: UInt64)
    case removed(id: Int, by: NodeID)
    case deadLettered(id: Int, count: Int)
    case madeVisible(id: Int, after: SimDuration)
    // store
    case effectApplied(id: Int, amount: Int, by: NodeID)
    case duplicateSkipped(id: Int, by: NodeID)
    // consumer
    case processing(id: Int, attempt: Int)
    case failed(id: Int, attempt: Int)
    case aboutToDelete(id: Int)
    case note(String)
}
