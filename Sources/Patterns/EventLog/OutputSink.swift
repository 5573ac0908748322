import Simulation

/// The consumer's output store with its consumed offsets, where exactly-once processing is
/// made: Kafka's read-process-write transaction (KIP-98; KIP-447 fences by consumer group
/// generation) puts the output records and the input offset commit in one atomic unit. Here
/// that unit is one conditional write: accepted only from the partition's owner in the current
/// generation and only if the stored offset is still where the batch began, so a retry, a
/// zombie or a rebalanced-away consumer cannot add its batch twice.
///
/// The at-least-once contrast writes outputs unconditionally and takes offset commits
/// separately (Kafka's `enable.auto.commit`): a crash between the two re-processes records.
///
/// Simplifications:
/// - The sink is a store on the controller node (Kafka: an output topic plus
///   `__consumer_offsets`, committed by the transaction coordinator's two-phase protocol).
struct OutputSink {
    typealias Context = NodeContext<EventLogNode>

    var offsets: [Int]
    var outputs: [[OutputRecord]]
    var fenced = 0
    var rejectedStale = 0

    init(partitions: Int) {
        offsets = Array(repeating: 0, count: partitions)
        outputs = Array(repeating: [], count: partitions)
    }

    mutating func commitTransaction(generation: Int, partition p: Int, from: Int, next: Int, batch: [OutputRecord],
                                    member: NodeID, group: GroupCoordinator, _ context: inout Context) {
        var reason = ""
        if generation != group.generation {
            reason = "fenced: generation \(generation) is not current \(group.generation)"
            fenced += 1
        } else if group.owner[p] != member {
            reason = "fenced: n\(member) does not own p\(p) in generation \(generation)"
            fenced += 1
        } else if offsets[p] != from {
            reason = "stale: offset is \(offsets[p]), batch starts at \(from)"
            rejectedStale += 1
        }
        guard reason.isEmpty else {
            if reason.hasPrefix("fenced") {
                context.output(.note("fenced", "sink: rejects n\(member)'s commit of p\(p) \(from)..<\(next): \(reason)"))
            }
            context.send(.commitReply(partition: p, accepted: false, storedOffset: offsets[p], reason: reason), to: member)
            return
        }
        outputs[p] += batch
        offsets[p] = next
        context.output(.outputsCommitted(partition: p, count: batch.count))
        context.send(.commitReply(partition: p, accepted: true, storedOffset: next, reason: ""), to: member)
    }

    mutating func writeOutputs(partition p: Int, batch: [OutputRecord], member: NodeID, _ context: inout Context) {
        outputs[p] += batch
        context.output(.outputsCommitted(partition: p, count: batch.count))
        let next = (batch.last?.sourceOffset ?? -1) + 1
        context.send(.writeOutputsAck(partition: p, nextOffset: next), to: member)
    }

    mutating func commitOffset(generation: Int, partition p: Int, offset: Int, member: NodeID,
                               group: GroupCoordinator) {
        guard generation == group.generation, group.owner[p] == member else { return }
        offsets[p] = offset
    }
}
