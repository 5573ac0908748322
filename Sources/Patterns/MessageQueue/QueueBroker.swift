/// An SQS-style queue with a redrive policy: competing consumers receive messages one at a
/// time; a received message becomes invisible for the visibility timeout and comes back if
/// its receiver does not delete it in time; each receive gets a fresh receipt handle and only
/// the latest one deletes; a message already received `maxReceiveCount` times is moved to the
/// dead-letter queue instead of being delivered again (SQS: "when the ReceiveCount for a
/// message exceeds the maxReceiveCount for a queue, Amazon SQS moves the message to a
/// dead-letter queue").
///
/// The whole queue is persisted on every change, so a broker crash loses nothing that was
/// acknowledged to the producer.
///
/// Simplifications:
/// - Delivery in enqueue order among visible messages (SQS standard queues are best-effort
///   ordered and may even deliver a message twice on their own; here only timeouts redeliver).
/// - A delete with a stale receipt is refused outright (SQS may accept it and still not
///   delete); the consumer holding the newest receipt will delete.
import Simulation

public struct QueueBroker: Sendable {
    public var visibilityTimeout: SimDuration
    public var maxReceiveCount: Int
    public private(set) var queue: [QueuedMessage] = []
    public private(set) var deadLetters: [QueuedMessage] = []
    var nextReceipt: UInt64 = 1

    public init(visibilityTimeout: SimDuration, maxReceiveCount: Int) {
        self.visibilityTimeout = visibilityTimeout
        self.maxReceiveCount = maxReceiveCount
    }

    mutating func enqueue(_ message: QueuedMessage, _ context: inout NodeContext<QueueNode>) {
        guard !queue.contains(where: { $0.id == message.id }), !deadLetters.contains(where: { $0.id == message.id })
        else { return }
        queue.append(message)
        context.output(.enqueued(id: message.id))
        context.persist(.broker(self))
    }

    mutating func receive(_ consumer: NodeID, req: UInt64, _ context: inout NodeContext<QueueNode>) {
        let now = context.now
        var changed = false
        defer { if changed { context.persist(.broker(self)) } }
        while let i = queue.firstIndex(where: { $0.visibleAt <= now }) {
            changed = true
            if queue[i].receiveCount >= maxReceiveCount {
                let dead = queue.remove(at: i)
                deadLetters.append(dead)
                context.output(.deadLettered(id: dead.id, count: dead.receiveCount))
                continue
            }
            queue[i].receiveCount += 1
            queue[i].visibleAt = now + visibilityTimeout
            queue[i].receipt = nextReceipt
            nextReceipt += 1
            context.output(.received(id: queue[i].id, by: consumer, count: queue[i].receiveCount, receipt: queue[i].receipt))
            context.send(.delivered(req: req, queue[i]), to: consumer)
            return
        }
        context.send(.empty(req: req), to: consumer)
    }

    mutating func delete(_ consumer: NodeID, receipt: UInt64, _ context: inout NodeContext<QueueNode>) {
        guard let i = queue.firstIndex(where: { $0.receipt == receipt }) else {
            // Already deleted (a retransmitted delete), or redelivered under a newer receipt.
            context.send(.deleted(receipt: receipt, ok: false), to: consumer)
            return
        }
        let message = queue.remove(at: i)
        context.output(.removed(id: message.id, by: consumer))
        context.persist(.broker(self))
        context.send(.deleted(receipt: receipt, ok: true), to: consumer)
    }

    mutating func changeVisibility(_ consumer: NodeID, receipt: UInt64, after: SimDuration,
                                   _ context: inout NodeContext<QueueNode>) {
        guard let i = queue.firstIndex(where: { $0.receipt == receipt }) else { return }
        queue[i].visibleAt = context.now + after
        context.output(.madeVisible(id: queue[i].id, after: after))
        context.persist(.broker(self))
    }
}
