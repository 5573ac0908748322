import Simulation

/// The invariants of the event-log demo, checked after every simulator step and at the end:
/// - committed history never changes: every broker's log below its high watermark agrees with
///   the first committed record seen at each offset (leader epochs make truncation safe);
/// - idempotence: no (producer, sequence) appears twice in a partition's committed history;
/// - no acknowledged write lost: every `acks=all` acknowledgement names the committed record at
///   that offset, and at the end every record was acknowledged;
/// - exactly-once output: per partition, the sink holds source offsets 0, 1, 2, ... in order,
///   each once, each the processed committed record; at the end, all of them.
///
/// Simplifications:
/// - Ground truth is read from the nodes' state between steps, not from a separate history
///   recorder; a duplicated output is counted (not flagged) when duplicates are expected.
struct EventLogChecker {
    let config: EventLogConfig
    /// Whether a duplicated output breaks the run (false for the at-least-once contrast).
    let duplicatesAreViolations: Bool
    var truth: [[PartitionLog.Record]]
    var sequencesSeen: [Set<Int>]
    var verified: [[Int]]
    var acked: [[(sequence: Int, offset: Int)]]
    var unverified: [[(sequence: Int, offset: Int)]]
    var outputsChecked: [Int]
    var highestOutput: [Int]
    var duplicates = 0
    var failure: (invariant: String, detail: String)?

    init(config: EventLogConfig, duplicatesAreViolations: Bool) {
        self.config = config
        self.duplicatesAreViolations = duplicatesAreViolations
        truth = Array(repeating: [], count: config.partitions)
        sequencesSeen = Array(repeating: [], count: config.partitions)
        verified = Array(repeating: Array(repeating: 0, count: config.partitions), count: config.brokers)
        acked = Array(repeating: [], count: config.partitions)
        unverified = Array(repeating: [], count: config.partitions)
        outputsChecked = Array(repeating: 0, count: config.partitions)
        highestOutput = Array(repeating: -1, count: config.partitions)
    }

    private mutating func fail(_ invariant: String, _ detail: String) {
        if failure == nil { failure = (invariant, detail) }
    }

    /// Walks each live broker's newly committed prefix against the ground truth.
    mutating func observe(broker: Broker) {
        for p in 0..<config.partitions {
            let log = broker.logs[p].records
            let hw = min(broker.replicas[p].highWatermark, log.count)
            var offset = min(verified[broker.id][p], log.count)
            while offset < hw {
                let record = log[offset]
                if offset < truth[p].count {
                    if truth[p][offset] != record {
                        fail("committed history is immutable", "p\(p) offset \(offset): n\(broker.id) has"
                            + " \(record) below its high watermark \(hw), but \(truth[p][offset]) was committed")
                    }
                } else {
                    if record.producerID == Producer.producerID, sequencesSeen[p].contains(record.sequence) {
                        fail("idempotent producer", "p\(p) seq \(record.sequence) committed twice (offset \(offset))")
                    }
                    sequencesSeen[p].insert(record.sequence)
                    truth[p].append(record)
                }
                offset += 1
            }
            verified[broker.id][p] = offset
            if !unverified[p].isEmpty { verifyAcknowledged(p) }
        }
    }

    /// An acknowledgement names a record at an offset; once that offset is committed it must
    /// hold that record. (With `acks=all` it already is; with `acks=1` it may not be yet.)
    mutating func acknowledged(partition p: Int, sequence: Int, offset: Int) {
        acked[p].append((sequence, offset))
        unverified[p].append((sequence, offset))
        verifyAcknowledged(p)
    }

    private mutating func verifyAcknowledged(_ p: Int) {
        var waiting: [(sequence: Int, offset: Int)] = []
        for ack in unverified[p] {
            guard ack.offset < truth[p].count else {
                waiting.append(ack)
                continue
            }
            if truth[p][ack.offset].sequence != ack.sequence {
                fail("no acknowledged write lost", "p\(p) seq \(ack.sequence) was acknowledged at offset"
                    + " \(ack.offset), but the committed record there is \(truth[p][ack.offset])")
            }
        }
        unverified[p] = waiting
    }

    /// Checks the sink's new outputs for partition `p`.
    mutating func observe(outputs: [OutputRecord], partition p: Int) {
        while outputsChecked[p] < outputs.count {
            let output = outputs[outputsChecked[p]]
            outputsChecked[p] += 1
            let source = output.sourceOffset
            if source <= highestOutput[p] {
                duplicates += 1
                if duplicatesAreViolations {
                    fail("exactly-once output", "p\(p) offset \(source) output again after offset"
                        + " \(highestOutput[p]) (a duplicate)")
                }
                continue
            }
            if source != highestOutput[p] + 1 {
                fail("exactly-once output", "p\(p) output jumps from offset \(highestOutput[p]) to \(source) (a gap)")
            }
            highestOutput[p] = source
            guard source < truth[p].count,
                  output.value == Consumer.process(truth[p][source], partition: p) else {
                fail("exactly-once output", "p\(p) output for offset \(source) is not the committed record processed")
                continue
            }
        }
    }

    /// The end of the run: everything produced was acknowledged, committed and output.
    mutating func finish(producer: Producer) {
        for p in 0..<config.partitions where !unverified[p].isEmpty {
            let first = unverified[p][0]
            fail("no acknowledged write lost", "p\(p): \(unverified[p].count) acknowledged records never committed,"
                + " first seq \(first.sequence) at offset \(first.offset)")
        }
        let total = config.recordPartitions.count
        let ackedCount = acked.map(\.count).reduce(0, +)
        if ackedCount < total || !producer.done {
            fail("every record acknowledged", "\(ackedCount) of \(total) records acknowledged by the end")
        }
        for p in 0..<config.partitions {
            let expected = config.recordPartitions.filter { $0 == p }.count
            if truth[p].count != expected {
                fail("no acknowledged write lost", "p\(p) committed \(truth[p].count) records, \(expected) were produced")
            }
            if highestOutput[p] + 1 != truth[p].count {
                fail("exactly-once output", "p\(p) output covers offsets 0..<\(highestOutput[p] + 1) of"
                    + " \(truth[p].count) committed records")
            }
        }
    }
}
