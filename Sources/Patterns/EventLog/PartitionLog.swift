import Simulation

/// One replica of one partition: the append-only record log of Kafka (Kreps, Narkhede & Rao,
/// "Kafka: a Distributed Messaging System for Log Processing", NetDB 2011, §3), with every
/// record stamped by the leader epoch it was written in, as Kafka's replication protocol does
/// since KIP-101 ("Alter replication protocol to use leader epoch rather than high watermark
/// for truncation") and KIP-320 (fetch with `lastFetchedEpoch`, diverging-epoch replies).
///
/// The log also rebuilds the idempotent producer's state (KIP-98, "Exactly Once Delivery and
/// Transactional Messaging", §idempotent producer) from its own records, as a broker does when
/// it loads a log or becomes leader: the last sequence per producer and where each landed.
///
/// Simplifications:
/// - One record per batch; offsets are array indices (no segments, no compaction, no
///   retention, log start offset is always 0).
/// - The producer state remembers every sequence, not only the last five batches.
public struct PartitionLog: Equatable, Sendable {
    public struct Record: Equatable, Sendable, CustomStringConvertible {
        public var epoch: Int
        public var producerID: Int
        public var sequence: Int
        public var value: Int

        public init(epoch: Int, producerID: Int, sequence: Int, value: Int) {
            self.epoch = epoch
            self.producerID = producerID
            self.sequence = sequence
            self.value = value
        }

        public var description: String { "e\(epoch):p\(producerID)#\(sequence)=\(value)" }
    }

    public private(set) var records: [Record] = []

    public init(records: [Record] = []) { self.records = records }

    /// Log end offset: the offset the next record will get.
    public var endOffset: Int { records.count }

    /// The epoch of the last record, or 0 for an empty log.
    public var lastEpoch: Int { records.last?.epoch ?? 0 }

    public mutating func append(_ record: Record) { records.append(record) }

    /// Drops every record at or after `offset`.
    public mutating func truncate(to offset: Int) {
        if offset < records.count { records.removeSubrange(offset...) }
    }

    /// KIP-101's OffsetsForLeaderEpoch on this log: the largest epoch `<= epoch` that the log
    /// holds, and the offset just past its last record (the start of the next epoch, or the
    /// log end). `(0, 0)` when the log holds nothing that old.
    public func endOffset(forEpoch epoch: Int) -> (epoch: Int, offset: Int) {
        // Epochs never decrease along a log, so the first record of a later epoch bounds it.
        var low = 0, high = records.count
        while low < high {
            let mid = (low + high) / 2
            if records[mid].epoch <= epoch { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return (0, 0) }
        return (records[low - 1].epoch, low)
    }

    /// Whether a follower whose log ends at `fetchOffset`, with `lastFetchedEpoch` as its last
    /// record's epoch, agrees with this (leader's) log; if not, where it must truncate to.
    public func divergence(fetchOffset: Int, lastFetchedEpoch: Int) -> (epoch: Int, offset: Int)? {
        guard fetchOffset > 0 else { return nil }
        let end = endOffset(forEpoch: lastFetchedEpoch)
        if end.epoch == lastFetchedEpoch && end.offset >= fetchOffset { return nil }
        return end
    }

    /// The highest sequence appended for `producerID`, or -1.
    public func lastSequence(of producerID: Int) -> Int {
        for record in records.reversed() where record.producerID == producerID { return record.sequence }
        return -1
    }

    /// Where `sequence` of `producerID` was appended, if it was.
    public func offset(of producerID: Int, sequence: Int) -> Int? {
        for (offset, record) in records.enumerated().reversed()
        where record.producerID == producerID && record.sequence == sequence {
            return offset
        }
        return nil
    }
}
