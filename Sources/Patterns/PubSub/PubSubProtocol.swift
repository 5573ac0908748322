/// The wire protocol of the pub-sub demo, after Kafka (Kreps, Narkhede & Rao, "Kafka: a
/// Distributed Messaging System for Log Processing", NetDB 2011, §3: a topic is an append-only
/// log addressed by offset; consumers track their position and can rewind) and Kafka's
/// idempotent producer (KIP-98: the broker drops a retried publish by its sequence number).
///
/// Delivery is pushed by the broker in a window and acknowledged cumulatively by the
/// subscriber (`ack(next:)` commits every offset below `next`); unacknowledged messages are
/// pushed again after a timeout, from the committed offset (go-back-N).
///
/// Simplifications:
/// - One broker, one partition per topic (no replication, no consumer groups).
/// - A subscriber session is the number of its incarnation (persisted, one more at every
///   start), and each seek opens a new epoch of it (epoch 0 is the plain resume); the broker
///   follows only the newest session and ignores acks of another session or an older epoch,
///   so neither a subscribe held back from an earlier incarnation nor an ack that was in
///   flight across a seek can move the stream.
import Simulation

public enum PubSubMessage: Sendable {
    // producer <-> broker
    case publish(topic: Int, seq: Int, payload: String)
    case published(topic: Int, seq: Int, offset: Int)
    // subscriber -> broker
    case subscribe(topic: Int, session: UInt64)
    case seek(topic: Int, offset: Int, session: UInt64, epoch: UInt64)
    case ack(topic: Int, next: Int, session: UInt64, epoch: UInt64)
    // broker -> subscriber
    case resume(topic: Int, offset: Int, session: UInt64, epoch: UInt64)
    case deliver(topic: Int, offset: Int, payload: String, session: UInt64)
}

/// What nodes report: facts for the auditor and prose for the timeline.
public enum PubSubOutput: Sendable {
    // broker
    case appended(topic: Int, offset: Int, seq: Int, payload: String)
    case committed(subscriber: NodeID, topic: Int, offset: Int)
    case rewound(subscriber: NodeID, topic: Int, from: Int, to: Int)
    // producer
    case publishAcked(topic: Int, seq: Int)
    // subscriber
    case resumed(topic: Int, offset: Int, replay: Bool)
    case consumed(topic: Int, offset: Int, payload: String)
    case wireDuplicate(topic: Int, offset: Int)
}

/// The topics of the demo, by index.
public enum Topics {
    public static let names = ["orders", "payments", "audit"]
}
