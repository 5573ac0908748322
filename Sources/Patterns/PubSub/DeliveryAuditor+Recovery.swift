/// What the auditor learns from the broker's disk after a crash. A `crash-after-write` fault
/// takes the broker down the moment its write is durable: a publish it appended stays in the
/// log, while the `appended` report (and the acknowledgement to the producer) never leaves.
/// The producer retries, the restarted broker acknowledges the retry without appending again,
/// and the log holds a message the auditor never heard of. The disk is what the restarted
/// broker serves from, so it is the truth about those appends; each one it shows that no
/// report did is checked as a reported one would be (offset k holds sequence k+1), and so is
/// each committed offset (never above what the subscriber consumed).
import Simulation

extension DeliveryAuditor {
    public mutating func brokerRecovered(_ broker: TopicBroker) -> (String, String)? {
        for (topic, log) in broker.logs.enumerated() where topic < topics {
            for offset in published[topic].count..<max(log.count, published[topic].count) {
                let entry = log[offset]
                if let broken = observe(.appended(topic: topic, offset: offset, seq: entry.seq, payload: entry.payload), node: 0) {
                    return broken
                }
            }
        }
        for stream in broker.streams where stream.topic < topics {
            let commit = PubSubOutput.committed(subscriber: stream.subscriber, topic: stream.topic, offset: stream.committed)
            if let broken = observe(commit, node: 0) { return broken }
        }
        return nil
    }
}
