import Testing
@testable import MessageQueue
@testable import Simulation

/// Drives a broker by hand and collects what it sends.
struct BrokerBench {
    var broker = QueueBroker(visibilityTimeout: .milliseconds(1000), maxReceiveCount: 2)
    var context = NodeContext<QueueNode>(rng: SeededRNG(seed: 1))
    var replies: [QueueMessage] = []
    var outputs: [QueueOutput] = []

    mutating func at(_ ms: UInt64, _ body: (inout QueueBroker, inout NodeContext<QueueNode>) -> Void) {
        context.reset(now: SimTime.zero + .milliseconds(ms), id: 0)
        body(&broker, &context)
        replies += context.sends.map(\.message)
        outputs += context.outputs
    }

    /// Receives at `ms` for consumer 1: the delivered message id and receipt, or nil.
    mutating func receive(at ms: UInt64) -> (id: Int, receipt: UInt64)? {
        at(ms) { b, c in b.receive(1, req: 1, &c) }
        if case let .delivered(_, m)? = replies.last { return (m.id, m.receipt) }
        return nil
    }
}

@Test func receivedMessageIsHiddenUntilTheTimeoutThenRedelivered() {
    var b = BrokerBench()
    b.at(0) { q, c in q.enqueue(QueuedMessage(id: 1, amount: 5, poison: false), &c) }
    let first = b.receive(at: 10)
    #expect(first?.id == 1)
    #expect(b.receive(at: 1009) == nil)            // still invisible
    let second = b.receive(at: 1010)               // visible again: redelivered
    #expect(second?.id == 1 && second?.receipt != first?.receipt)
}

@Test func onlyTheLatestReceiptDeletes() {
    var b = BrokerBench()
    b.at(0) { q, c in q.enqueue(QueuedMessage(id: 1, amount: 5, poison: false), &c) }
    let old = b.receive(at: 0)!
    let new = b.receive(at: 1000)!
    b.at(1100) { q, c in q.delete(1, receipt: old.receipt, &c) }
    guard case .deleted(_, false)? = b.replies.last else { return #expect(Bool(false), "stale receipt must not delete") }
    #expect(b.broker.queue.count == 1)
    b.at(1200) { q, c in q.delete(1, receipt: new.receipt, &c) }
    #expect(b.broker.queue.isEmpty)
}

@Test func afterMaxReceiveCountTheMessageGoesToTheDeadLetterQueue() {
    var b = BrokerBench()   // maxReceiveCount 2
    b.at(0) { q, c in q.enqueue(QueuedMessage(id: 7, amount: 1, poison: true), &c) }
    #expect(b.receive(at: 0)?.id == 7)
    #expect(b.receive(at: 1000)?.id == 7)
    #expect(b.receive(at: 2000) == nil)            // third receive: dead-lettered instead
    #expect(b.broker.queue.isEmpty && b.broker.deadLetters.map(\.id) == [7])
    #expect(b.broker.deadLetters.first?.receiveCount == 2)
}

@Test func changeVisibilityBringsAMessageBackEarly() {
    var b = BrokerBench()
    b.at(0) { q, c in q.enqueue(QueuedMessage(id: 3, amount: 1, poison: false), &c) }
    let r = b.receive(at: 0)!
    b.at(100) { q, c in q.changeVisibility(1, receipt: r.receipt, after: .milliseconds(50), &c) }
    #expect(b.receive(at: 149) == nil)
    #expect(b.receive(at: 150)?.id == 3)
}

@Test func storeAppliesEachMessageOnceAndForgetsOnlyWhenFlawed() {
    var c = NodeContext<QueueNode>(rng: SeededRNG(seed: 1))
    c.reset(now: .zero, id: 5)
    var store = EffectStore()
    store.apply(1, id: 9, amount: 40, receipt: 1, &c)
    store.apply(2, id: 9, amount: 40, receipt: 2, &c)
    #expect(store.balance == 40)
    store = store.restarted()
    store.apply(2, id: 9, amount: 40, receipt: 3, &c)
    #expect(store.balance == 40)
    var flawed = EffectStore(flaw: .dedupeInMemory)
    flawed.apply(1, id: 9, amount: 40, receipt: 1, &c)
    flawed = flawed.restarted()
    flawed.apply(1, id: 9, amount: 40, receipt: 2, &c)
    #expect(flawed.balance == 80)
}

@Test func auditorCatchesDoubleEffectsEarlyDeletesAndLoss() {
    var a = QueueAuditor(maxReceiveCount: 3)
    a.sending(QueuedMessage(id: 1, amount: 5, poison: false))
    a.sending(QueuedMessage(id: 2, amount: 7, poison: false))
    #expect(a.observe(.removed(id: 2, by: 1))?.0 == "delete after effect")
    #expect(a.observe(.effectApplied(id: 1, amount: 5, by: 1)) == nil)
    #expect(a.observe(.effectApplied(id: 1, amount: 5, by: 2))?.0 == "effects once")
    var b = QueueAuditor(maxReceiveCount: 3)
    b.sending(QueuedMessage(id: 1, amount: 5, poison: false))
    #expect(b.finish(balance: 0)?.0 == "every message resolved")
    #expect(b.observe(.received(id: 1, by: 1, count: 4, receipt: 9))?.0 == "bounded redelivery")
}
