/// The producer: publishes `count` messages to each topic, in order, one outstanding publish
/// per topic, retransmitting until the broker acknowledges it. Sequence numbers make the
/// retries harmless (the broker appends a sequence number once), and the producer persists
/// how far it got, so a restarted producer neither skips nor reorders a message.
///
/// Simplifications: one producer; at most one unacknowledged publish per topic (Kafka allows
/// up to five in flight per partition with idempotence on).
import Simulation

public struct Publisher: Sendable {
    public struct Progress: Sendable {
        public var count: Int
        public var interval: SimDuration
        /// Per topic: the next sequence number to publish (1-based).
        public var nextSeq: [Int]
    }

    var progress: Progress
    var sentAt: [SimTime?]

    init(_ progress: Progress) {
        self.progress = progress
        sentAt = Array(repeating: nil, count: progress.nextSeq.count)
    }

    static func payload(topic: Int, seq: Int) -> String { "\(Topics.names[topic])#\(seq)" }

    /// Every `interval`: per topic, retransmit the outstanding publish if it is overdue, or
    /// publish the next one.
    mutating func tick(_ context: inout NodeContext<PubSubNode>) {
        var pending = false
        for topic in progress.nextSeq.indices where progress.nextSeq[topic] <= progress.count {
            pending = true
            if let sent = sentAt[topic], context.now - sent < .milliseconds(250) { continue }
            let seq = progress.nextSeq[topic]
            sentAt[topic] = context.now
            context.send(.publish(topic: topic, seq: seq, payload: Publisher.payload(topic: topic, seq: seq)), to: 0)
        }
        if pending { context.setTimer(.publishTick, after: progress.interval) }
    }

    mutating func acked(topic: Int, seq: Int, _ context: inout NodeContext<PubSubNode>) {
        guard progress.nextSeq.indices.contains(topic), seq == progress.nextSeq[topic] else { return }
        progress.nextSeq[topic] += 1
        sentAt[topic] = nil
        context.persist(.publisher(progress))
        context.output(.publishAcked(topic: topic, seq: seq))
    }
}
