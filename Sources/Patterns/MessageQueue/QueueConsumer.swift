/// A competing consumer: poll the queue, process one message, write its effect (with the
/// message id, for dedupe) to the store, then delete it from the queue with its receipt. A
/// message that fails is made visible again after a short backoff (ChangeMessageVisibility);
/// a consumer that crashes or runs past the visibility timeout simply never deletes, and the
/// queue redelivers. Every request is retransmitted until answered: the network loses
/// messages, and each step is safe to repeat.
///
/// Simplifications: one message at a time per consumer; processing time is drawn per
/// message from the seed (a few are slower than the visibility timeout, on purpose).
import Simulation

public struct QueueConsumer: Sendable {
    public struct Settings: Sendable {
        public var processMin: SimDuration
        public var processMax: SimDuration
        /// Per mille of messages that take `slowBy` longer: past the visibility timeout.
        public var slowPerMille: UInt32
        public var slowBy: SimDuration
        public var failureBackoff: SimDuration
    }

    enum Step: Sendable {
        case polling(req: UInt64)
        case processing(QueuedMessage)
        case applying(QueuedMessage)
        case deleting(QueuedMessage)
    }

    let id: NodeID
    let broker: NodeID
    let store: NodeID
    var settings: Settings?
    var step: Step?
    var nextReq: UInt64 = 1

    init(id: NodeID, broker: NodeID, store: NodeID) {
        self.id = id
        self.broker = broker
        self.store = store
    }

    mutating func begin(_ settings: Settings, _ context: inout NodeContext<QueueNode>) {
        self.settings = settings
        poll(&context)
    }

    mutating func poll(_ context: inout NodeContext<QueueNode>) {
        let req = nextReq
        nextReq += 1
        step = .polling(req: req)
        context.send(.receive(req: req), to: broker)
        context.setTimer(.consumerRetry, after: .milliseconds(300))
    }

    mutating func fire(_ timer: QueueNode.Timer, _ context: inout NodeContext<QueueNode>) {
        switch (timer, step) {
        case (.consumerPoll, _): poll(&context)
        case (.consumerRetry, .polling?): poll(&context)
        case (.consumerRetry, .applying(let m)?): sendApply(m, &context)
        case (.consumerRetry, .deleting(let m)?): sendDelete(m, &context)
        case (.consumerProcessed, .processing(let m)?): processed(m, &context)
        case (.consumerDelete, .applying(let m)?):
            step = .deleting(m)
            sendDelete(m, &context)
        default: break
        }
    }

    mutating func receive(_ message: QueueMessage, _ context: inout NodeContext<QueueNode>) {
        switch (message, step) {
        case let (.delivered(req, m), .polling(want)?) where req == want:
            guard let settings else { return }
            step = .processing(m)
            context.cancelTimer(.consumerRetry)
            context.output(.processing(id: m.id, attempt: m.receiveCount))
            var time = SimDuration.random(in: settings.processMin, settings.processMax, using: &context.rng)
            if context.rng.chance(perMille: settings.slowPerMille) { time = time + settings.slowBy }
            context.setTimer(.consumerProcessed, after: time)
        case let (.empty(req), .polling(want)?) where req == want:
            context.cancelTimer(.consumerRetry)
            step = nil
            context.setTimer(.consumerPoll, after: .milliseconds(100))
        case let (.applied(id, receipt, duplicate), .applying(m)?) where id == m.id && receipt == m.receipt:
            context.cancelTimer(.consumerRetry)
            if duplicate { context.output(.note("m\(id) was already applied: dedupe hit, nothing done twice")) }
            context.output(.aboutToDelete(id: id))
            // The delete is a separate step after the commit, so a crash can fall between.
            context.setTimer(.consumerDelete, after: .milliseconds(5))
        case let (.deleted(receipt, ok), .deleting(m)?) where receipt == m.receipt:
            context.cancelTimer(.consumerRetry)
            if !ok { context.output(.note("m\(m.id): delete refused, receipt stale (redelivered elsewhere)")) }
            poll(&context)
        default:
            break
        }
    }

    private mutating func processed(_ m: QueuedMessage, _ context: inout NodeContext<QueueNode>) {
        guard let settings else { return }
        if m.poison {
            context.output(.failed(id: m.id, attempt: m.receiveCount))
            context.send(.changeVisibility(receipt: m.receipt, after: settings.failureBackoff), to: broker)
            poll(&context)
            return
        }
        step = .applying(m)
        sendApply(m, &context)
    }

    private func sendApply(_ m: QueuedMessage, _ context: inout NodeContext<QueueNode>) {
        context.send(.apply(messageID: m.id, amount: m.amount, receipt: m.receipt), to: store)
        context.setTimer(.consumerRetry, after: .milliseconds(300))
    }

    private func sendDelete(_ m: QueuedMessage, _ context: inout NodeContext<QueueNode>) {
        context.send(.delete(receipt: m.receipt), to: broker)
        context.setTimer(.consumerRetry, after: .milliseconds(300))
    }
}
