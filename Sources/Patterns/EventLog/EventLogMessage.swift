import Simulation

/// The wire vocabulary of the event-log cluster: Kafka's replication RPCs (Produce, Fetch with
/// `lastFetchedEpoch`, LeaderAndIsr, AlterPartition, broker heartbeats — KIP-500/KIP-631's
/// KRaft controller protocol), the consumer group protocol (KIP-848-style heartbeats that carry
/// the assignment) and the sink's read-process-write commit (KIP-98/KIP-447).
///
/// Simplifications:
/// - One request carries one record (producer) or one small batch (fetch, commit).
/// - JoinGroup/SyncGroup collapse into the heartbeat, whose reply carries generation and
///   assignment.

/// What the controller decides for one partition; `partitionEpoch` versions the ISR so that a
/// stale AlterPartition is refused (Kafka's zkVersion / partition epoch).
public struct PartitionState: Equatable, Sendable, CustomStringConvertible {
    public var partition: Int
    public var leader: NodeIDOrNone
    public var leaderEpoch: Int
    public var partitionEpoch: Int
    public var isr: [Int]
    public var replicas: [Int]

    public var description: String {
        "p\(partition) leader=\(leader.map { "n\($0)" } ?? "none") epoch=\(leaderEpoch) isr=\(isrText)"
    }

    public var isrText: String { "{" + isr.map { "n\($0)" }.joined(separator: ",") + "}" }
}

public typealias NodeIDOrNone = Int?

public enum ProduceResult: Equatable, Sendable {
    case ok(offset: Int, duplicate: Bool)
    case notLeader
    case notEnoughReplicas
    case outOfOrderSequence(expected: Int)
}

/// A record as the sink stores it: where it came from and what processing made of it.
public struct OutputRecord: Equatable, Sendable {
    public var partition: Int
    public var sourceOffset: Int
    public var value: Int
}

public enum EventLogMessage: Sendable {
    // Producer <-> partition leader.
    case produce(partition: Int, producerID: Int, sequence: Int, value: Int)
    case produceReply(partition: Int, sequence: Int, ProduceResult)
    // Follower <-> leader replication.
    case fetch(partition: Int, leaderEpoch: Int, fetchOffset: Int, lastFetchedEpoch: Int)
    case fetchRecords(partition: Int, leaderEpoch: Int, fetchOffset: Int,
                      records: [PartitionLog.Record], highWatermark: Int)
    /// `fetchOffset`: the offset the answered fetch asked from, so that a late or duplicated
    /// answer to an older fetch is recognised as such.
    case fetchDiverging(partition: Int, leaderEpoch: Int, fetchOffset: Int, epoch: Int, endOffset: Int)
    case fetchFenced(partition: Int, leaderEpoch: Int)
    // Consumer <-> leader: reads stop at the high watermark.
    case consumerFetch(partition: Int, offset: Int)
    case consumerRecords(partition: Int, offset: Int, records: [PartitionLog.Record], notLeader: Bool)
    // Brokers, clients <-> controller.
    /// `known[p]`: the partition epoch of the broker's latest state for p; the controller answers
    /// with every state newer than that (KRaft brokers fetch the metadata log the same way).
    case brokerHeartbeat(incarnation: Int, known: [Int])
    case leaderAndIsr(PartitionState)
    case alterPartition(partition: Int, leaderEpoch: Int, partitionEpoch: Int, isr: [Int])
    case alterPartitionReply(PartitionState, accepted: Bool)
    case metadataRequest
    case metadata([PartitionState])
    // Consumer <-> group coordinator and sink.
    case groupHeartbeat(generation: Int)
    case groupAssignment(generation: Int, partitions: [Int])
    case offsetFetch(partition: Int)
    case offsetFetchReply(partition: Int, offset: Int)
    /// Exactly-once: outputs and the next offset, applied atomically iff the generation is
    /// current, the sender owns the partition, and the stored offset is still `fromOffset`.
    case commitTransaction(generation: Int, partition: Int, fromOffset: Int, nextOffset: Int,
                           outputs: [OutputRecord])
    case commitReply(partition: Int, accepted: Bool, storedOffset: Int, reason: String)
    /// At-least-once: outputs first, offsets later, separately.
    case writeOutputs(partition: Int, outputs: [OutputRecord])
    case writeOutputsAck(partition: Int, nextOffset: Int)
    case commitOffset(generation: Int, partition: Int, offset: Int)
}

public enum EventLogTimer: Hashable, Sendable {
    case heartbeat
    case tick
    case fetch(partition: Int)
    case isrCheck
    case sessionCheck
    case autoCommit
}

/// What nodes report to the demo driver.
public enum EventLogOutput: Sendable {
    /// A line for the timeline: a short kind and the message.
    case note(String, String)
    case acked(partition: Int, sequence: Int, offset: Int)
    case outputsCommitted(partition: Int, count: Int)
}
