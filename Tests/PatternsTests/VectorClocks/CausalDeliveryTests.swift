import Simulation
import Testing
@testable import VectorClocks

typealias Queue = CausalDeliveryQueue<String>

@Test func answerIsHeldUntilItsQuestionArrives() {
    var alice = Queue(me: 0)
    var bob = Queue(me: 1)
    var carol = Queue(me: 2)
    let question = alice.broadcast("lunch?")
    guard case .delivered = bob.receive(question) else { Issue.record("bob holds the question"); return }
    let answer = bob.broadcast("yes")
    #expect(answer.clock == [0: 1, 1: 1])
    guard case let .heldBack(gap) = carol.receive(answer) else { Issue.record("answer delivered early"); return }
    #expect(gap.node == 0 && gap.sequence == 1)
    #expect(carol.held.count == 1)
    guard case let .delivered(released) = carol.receive(question) else { Issue.record("question held"); return }
    #expect(released.map(\.payload) == ["yes"])
    #expect(carol.delivered == [0: 1, 1: 1])
    #expect(carol.held.isEmpty)
}

@Test func duplicatesAndRetransmissionsAreDropped() {
    var alice = Queue(me: 0)
    var bob = Queue(me: 1)
    let first = alice.broadcast("a")
    let second = alice.broadcast("b")
    guard case .heldBack = bob.receive(second) else { Issue.record("gap not detected"); return }
    guard case .duplicate = bob.receive(second) else { Issue.record("held copy accepted twice"); return }
    guard case let .delivered(released) = bob.receive(first) else { Issue.record("first held"); return }
    #expect(released.count == 1)
    guard case .duplicate = bob.receive(first) else { Issue.record("delivered twice"); return }
}

@Test func fifoFromOneSenderIsEnforced() {
    var alice = Queue(me: 0)
    var bob = Queue(me: 1)
    let posts = (0..<5).map { alice.broadcast("p\($0)") }
    var order: [String] = []
    for post in posts.reversed() {
        if case let .delivered(released) = bob.receive(post) {
            order += [post.payload] + released.map(\.payload)
        }
    }
    #expect(order == ["p0", "p1", "p2", "p3", "p4"])
}

@Test func historyFlagsDeliveriesBeforeTheirCauses() {
    var history = CausalHistory(nodeCount: 3)
    history.recordSend(id: 1, node: 0, clock: [0: 1], lamport: 1)
    #expect(history.recordDelivery(id: 1, node: 1) == [])
    history.recordSend(id: 2, node: 1, clock: [0: 1, 1: 1], lamport: 3)
    #expect(history.recordDelivery(id: 2, node: 2) == [1])
    #expect(history.recordDelivery(id: 2, node: 2) == nil)
    #expect(history.happenedBefore(1, 2) && !history.happenedBefore(2, 1))
    #expect(history.undelivered().map { "\($0.node):\($0.id)" } == ["0:2", "2:1"])
}

@Test func historyCatchesClocksThatLie() {
    // m2 depends on m1, but its clock claims it is concurrent (the sketch's missing entry).
    var history = CausalHistory(nodeCount: 2)
    history.recordSend(id: 1, node: 0, clock: [0: 1], lamport: 1)
    _ = history.recordDelivery(id: 1, node: 1)
    history.recordSend(id: 2, node: 1, clock: [1: 1], lamport: 1)
    #expect(history.vectorClockMismatch() != nil)
    #expect(history.lamportViolation() != nil)
}

@Test func messageSetOperations() {
    var a = MessageSet([1, 70, 3])
    #expect(a.members == [1, 3, 70])
    #expect(a.contains(70) && !a.contains(2))
    let b = MessageSet([3, 200])
    #expect(a.subtracting(b).members == [1, 70])
    a.formUnion(b)
    #expect(a.members == [1, 3, 70, 200])
    #expect(MessageSet().isEmpty && !a.isEmpty)
}
