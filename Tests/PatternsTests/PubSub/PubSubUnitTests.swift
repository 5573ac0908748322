import Testing
@testable import PubSub
@testable import Simulation

/// Runs one handler of a pub-sub state machine with a bare context and keeps its effects.
struct Bench {
    var context = NodeContext<PubSubNode>(rng: SeededRNG(seed: 1))
    var sent: [(to: NodeID, message: PubSubMessage)] = []
    var outputs: [PubSubOutput] = []

    mutating func at(_ ms: UInt64, id: NodeID = 0, _ body: (inout NodeContext<PubSubNode>) -> Void) {
        context.reset(now: SimTime.zero + .milliseconds(ms), id: id)
        body(&context)
        sent += context.sends.map { ($0.to, $0.message) }
        outputs += context.outputs
    }

    var delivered: [Int] {
        sent.compactMap { if case let .deliver(_, offset, _, _) = $0.message { return offset } else { return nil } }
    }
}

@Test func publishIsIdempotentAndInSequence() {
    var b = Bench()
    var broker = TopicBroker(topics: 1, window: 4, ackTimeout: .milliseconds(400))
    b.at(0) { broker.publish(1, topic: 0, seq: 1, payload: "a", &$0) }
    b.at(1) { broker.publish(1, topic: 0, seq: 1, payload: "a", &$0) }   // a retry
    b.at(2) { broker.publish(1, topic: 0, seq: 3, payload: "c", &$0) }   // ahead of its turn
    b.at(3) { broker.publish(1, topic: 0, seq: 2, payload: "b", &$0) }
    #expect(broker.logs[0].map(\.payload) == ["a", "b"])
    let acks = b.sent.compactMap { if case let .published(_, seq, _) = $0.message { return seq } else { return nil } }
    #expect(acks == [1, 1, 2])
}

@Test func brokerPushesAWindowCommitsOnAckAndRewindsOnTimeout() {
    var b = Bench()
    var broker = TopicBroker(topics: 1, window: 2, ackTimeout: .milliseconds(400))
    for seq in 1...5 { b.at(0) { broker.publish(1, topic: 0, seq: seq, payload: "m\(seq)", &$0) } }
    b.at(10) { broker.subscribe(2, topic: 0, session: 7, &$0) }
    #expect(b.delivered.isEmpty)                            // waits for the subscriber's first ack
    b.at(20) { broker.ack(2, topic: 0, next: 0, session: 7, epoch: 0, &$0) }
    #expect(b.delivered == [0, 1])                          // a window of two
    b.at(30) { broker.ack(2, topic: 0, next: 1, session: 99, epoch: 0, &$0) }  // another session: ignored
    #expect(broker.streams[0].committed == 0)
    b.at(40) { broker.ack(2, topic: 0, next: 1, session: 7, epoch: 0, &$0) }
    #expect(broker.streams[0].committed == 1 && b.delivered == [0, 1, 2])
    b.at(400) { broker.tick(&$0) }                          // 360 ms without progress: not yet
    b.at(440) { broker.tick(&$0) }                          // 400 ms: go back to 1
    #expect(b.delivered == [0, 1, 2, 1, 2])
    #expect(broker.restarted(now: .zero).streams[0].nextToSend == 1)
}

@Test func subscriberConsumesInOrderBuffersAheadAndFiltersRedeliveries() {
    var b = Bench()
    var s = Subscriber(Subscriber.Settings(topics: [0], ackEvery: 10, ackDelay: .milliseconds(100)), flaw: nil)
    b.at(0, id: 2) { s.start(&$0) }
    let session = s.session
    b.at(1, id: 2) { s.receive(.deliver(topic: 0, offset: 0, payload: "x", session: session), &$0) }   // before resume
    b.at(2, id: 2) { s.receive(.resume(topic: 0, offset: 3, session: session, epoch: 0), &$0) }
    b.at(3, id: 2) { s.receive(.resume(topic: 0, offset: 0, session: session, epoch: 0), &$0) }   // a duplicate
    b.at(4, id: 2) { s.receive(.deliver(topic: 0, offset: 4, payload: "m4", session: session), &$0) }  // ahead
    b.at(5, id: 2) { s.receive(.deliver(topic: 0, offset: 3, payload: "m3", session: session), &$0) }
    b.at(6, id: 2) { s.receive(.deliver(topic: 0, offset: 3, payload: "m3", session: session), &$0) }  // again
    let consumed = b.outputs.compactMap { if case let .consumed(_, o, _) = $0 { return o } else { return nil } }
    #expect(consumed == [3, 4])
    #expect(b.outputs.contains { if case .wireDuplicate(0, 3) = $0 { return true } else { return false } })
}

@Test func auditorAllowsDuplicatesOnlyAfterACrashOrSeek() {
    func fresh() -> DeliveryAuditor {
        var a = DeliveryAuditor(nodes: 3, topics: 1)
        a.subscribed(2, to: [0])
        for o in 0..<4 { _ = a.observe(.appended(topic: 0, offset: o, seq: o + 1, payload: "p\(o)"), node: 0) }
        _ = a.observe(.resumed(topic: 0, offset: 0, replay: false), node: 2)
        for o in 0..<2 { _ = a.observe(.consumed(topic: 0, offset: o, payload: "p\(o)"), node: 2) }
        return a
    }
    var noCrash = fresh()
    #expect(noCrash.observe(.resumed(topic: 0, offset: 1, replay: false), node: 2)?.0 == "resume without loss")
    var crash = fresh()
    crash.crashed(2)
    #expect(crash.observe(.resumed(topic: 0, offset: 1, replay: false), node: 2) == nil)
    #expect(crash.observe(.consumed(topic: 0, offset: 1, payload: "p1"), node: 2) == nil)   // allowed duplicate
    var gap = fresh()
    #expect(gap.observe(.consumed(topic: 0, offset: 3, payload: "p3"), node: 2)?.0 == "in order, no gaps")
    var again = fresh()
    #expect(again.observe(.consumed(topic: 0, offset: 0, payload: "p0"), node: 2)?.0 == "duplicates only after a crash")
    var commit = fresh()
    #expect(commit.observe(.committed(subscriber: 2, topic: 0, offset: 3), node: 0)?.0 == "commit only what was consumed")
    #expect(fresh().finish(perTopic: 4)?.0 == "every message seen")
}

@Test func anAckFromBeforeASeekCannotSkipTheReplay() {
    var b = Bench()
    var broker = TopicBroker(topics: 1, window: 4, ackTimeout: .milliseconds(400))
    for seq in 1...10 { b.at(0) { broker.publish(1, topic: 0, seq: seq, payload: "m\(seq)", &$0) } }
    b.at(1) { broker.subscribe(2, topic: 0, session: 7, &$0) }
    b.at(2) { broker.ack(2, topic: 0, next: 6, session: 7, epoch: 0, &$0) }
    b.at(3) { broker.seek(2, topic: 0, offset: 2, session: 7, epoch: 1, &$0) }
    b.at(4) { broker.ack(2, topic: 0, next: 9, session: 7, epoch: 0, &$0) }      // in flight across the seek
    #expect(broker.streams[0].committed == 2)
    b.at(5) { broker.seek(2, topic: 0, offset: 2, session: 7, epoch: 1, &$0) }   // a retry: answer again only
    b.at(6) { broker.ack(2, topic: 0, next: 4, session: 7, epoch: 1, &$0) }
    b.at(7) { broker.seek(2, topic: 0, offset: 2, session: 7, epoch: 1, &$0) }
    #expect(broker.streams[0].committed == 4)
}
