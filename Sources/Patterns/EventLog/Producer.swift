import Simulation

/// Kafka's idempotent producer (KIP-98, "Exactly Once Delivery and Transactional Messaging",
/// idempotent producer design): one producer id, a sequence number per partition, up to
/// `window` requests in flight per partition, and retries of the same (id, sequence) until
/// the leader acknowledges it with `acks=all`. The broker turns retries into duplicates it
/// answers without appending, and refuses gaps, so retries cannot reorder or repeat records.
///
/// Simplifications:
/// - The producer id is fixed (no InitProducerId round trip, no producer epoch).
/// - It never crashes; it asks the controller for metadata instead of any broker.
/// - A refused request is retried after a fixed backoff.
struct Producer {
    typealias Context = NodeContext<EventLogNode>

    struct InFlight {
        var sequence: Int
        var value: Int
        var retryAt: SimTime
        var sends = 0
    }

    static let producerID = 7
    let config: EventLogConfig
    var leaders: [NodeID?]
    var nextRecord = 0
    var backlog: [[Int]]
    var nextSequence: [Int]
    var inFlight: [[InFlight]]
    var acked = 0
    var retries = 0
    var refused = 0

    init(config: EventLogConfig) {
        self.config = config
        leaders = Array(repeating: nil, count: config.partitions)
        backlog = Array(repeating: [], count: config.partitions)
        nextSequence = Array(repeating: 0, count: config.partitions)
        inFlight = Array(repeating: [], count: config.partitions)
    }

    var done: Bool { nextRecord >= config.recordPartitions.count && inFlight.allSatisfy(\.isEmpty) && backlog.allSatisfy(\.isEmpty) }

    mutating func start(_ context: inout Context) {
        context.send(.metadataRequest, to: config.controller)
        context.setTimer(.tick, after: config.produceInterval)
        context.setTimer(.heartbeat, after: config.heartbeatInterval * 3)
    }

    mutating func fire(_ timer: EventLogTimer, _ context: inout Context) {
        switch timer {
        case .tick:
            if nextRecord < config.recordPartitions.count {
                backlog[config.recordPartitions[nextRecord]].append(nextRecord)
                nextRecord += 1
            }
            for p in 0..<config.partitions { pump(p, &context) }
            context.setTimer(.tick, after: config.produceInterval)
        case .heartbeat:
            // Periodic metadata refresh, as `metadata.max.age.ms` does.
            context.send(.metadataRequest, to: config.controller)
            context.setTimer(.heartbeat, after: config.heartbeatInterval * 3)
        default: break
        }
    }

    /// Sends new records while the window allows, and re-sends requests whose time is up.
    private mutating func pump(_ p: Int, _ context: inout Context) {
        while inFlight[p].count < config.producerWindow, !backlog[p].isEmpty {
            let value = backlog[p].removeFirst()
            inFlight[p].append(InFlight(sequence: nextSequence[p], value: value, retryAt: context.now))
            nextSequence[p] += 1
        }
        guard let leader = leaders[p] else { return }
        for index in inFlight[p].indices where inFlight[p][index].retryAt <= context.now {
            let request = inFlight[p][index]
            if request.sends > 0 { retries += 1 }
            inFlight[p][index].sends += 1
            inFlight[p][index].retryAt = context.now + config.requestTimeout
            context.send(.produce(partition: p, producerID: Producer.producerID, sequence: request.sequence,
                                  value: request.value), to: leader)
        }
    }

    mutating func receive(_ message: EventLogMessage, _ context: inout Context) {
        switch message {
        case let .metadata(states):
            for state in states { leaders[state.partition] = state.leader }
        case let .produceReply(p, sequence, result):
            answered(p, sequence: sequence, result, &context)
        default: break
        }
    }

    private mutating func answered(_ p: Int, sequence: Int, _ result: ProduceResult, _ context: inout Context) {
        guard let index = inFlight[p].firstIndex(where: { $0.sequence == sequence }) else { return }
        switch result {
        case let .ok(offset, _):
            inFlight[p].remove(at: index)
            acked += 1
            context.output(.acked(partition: p, sequence: sequence, offset: offset))
        case .notLeader, .notEnoughReplicas, .outOfOrderSequence:
            refused += 1
            if result == .notLeader { context.send(.metadataRequest, to: config.controller) }
            let backoff = context.now + config.fetchInterval * 2
            inFlight[p][index].retryAt = min(inFlight[p][index].retryAt, backoff)
        }
    }
}
