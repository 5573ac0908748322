import Simulation

/// A Kafka consumer in a group (Kafka protocol guide, "Group membership"; KIP-447's
/// read-process-write loop): it heartbeats to the coordinator, learns its generation and
/// partitions, reads each partition's committed offset from the sink, fetches records below
/// the high watermark from the partition leader, processes them, and — exactly-once — commits
/// outputs and the next offset in one conditional write. At-least-once writes outputs first
/// and auto-commits offsets on a timer, so a crash between the two re-processes records.
///
/// Simplifications:
/// - Processing is a pure function of one record (`value * 10 + partition`).
/// - One batch in flight per partition; a consumer keeps nothing on disk.
struct Consumer {
    typealias Context = NodeContext<EventLogNode>

    enum Phase: Equatable {
        case needOffset
        case idle
        case fetching(since: SimTime)
        case committing(from: Int, next: Int, outputs: [OutputRecord], since: SimTime)
    }

    struct Assigned {
        var partition: Int
        var position = 0
        var phase = Phase.needOffset
    }

    let id: NodeID
    let config: EventLogConfig
    var generation = -1
    var assigned: [Assigned] = []
    var leaders: [NodeID?]
    var processed = 0
    /// Until then the consumer is frozen: messages are lost on it, timers wait.
    var stalledUntil = SimTime.zero

    init(id: NodeID, config: EventLogConfig) {
        self.id = id
        self.config = config
        leaders = Array(repeating: nil, count: config.partitions)
    }

    static func process(_ record: PartitionLog.Record, partition: Int) -> Int { record.value * 10 + partition }

    mutating func start(_ context: inout Context) {
        context.send(.metadataRequest, to: config.controller)
        context.send(.groupHeartbeat(generation: generation), to: config.controller)
        context.setTimer(.heartbeat, after: config.heartbeatInterval)
        context.setTimer(.tick, after: config.pollInterval)
        if config.delivery == .atLeastOnce { context.setTimer(.autoCommit, after: config.autoCommitInterval) }
    }

    mutating func fire(_ timer: EventLogTimer, _ context: inout Context) {
        if context.now < stalledUntil {
            // The poll loop resumes first; the heartbeat a little later, as after a real pause.
            let resume = stalledUntil - context.now
            context.setTimer(timer, after: timer == .heartbeat ? resume + config.heartbeatInterval / 2 : resume)
            return
        }
        if timer == .tick, stalledUntil > .zero, stalledUntil == context.now {
            let held = assigned.map { "p\($0.partition)@\($0.position)" }.joined(separator: ",")
            context.output(.note("resume", "n\(id) resumes after its pause, still in generation \(generation)"
                + " owning {\(held)}"))
        }
        switch timer {
        case .heartbeat:
            context.send(.groupHeartbeat(generation: generation), to: config.controller)
            context.setTimer(.heartbeat, after: config.heartbeatInterval)
        case .tick:
            for index in assigned.indices { poll(index, &context) }
            context.setTimer(.tick, after: config.pollInterval)
        case .autoCommit:
            // enable.auto.commit: the offset commit is separate from the output write.
            for part in assigned where part.phase != .needOffset {
                context.send(.commitOffset(generation: generation, partition: part.partition, offset: part.position),
                             to: config.controller)
            }
            context.setTimer(.autoCommit, after: config.autoCommitInterval)
        default: break
        }
    }

    private mutating func poll(_ index: Int, _ context: inout Context) {
        let part = assigned[index]
        let p = part.partition
        switch part.phase {
        case .needOffset:
            context.send(.offsetFetch(partition: p), to: config.controller)
        case .idle:
            guard let leader = leaders[p] else {
                context.send(.metadataRequest, to: config.controller)
                return
            }
            context.send(.consumerFetch(partition: p, offset: part.position), to: leader)
            assigned[index].phase = .fetching(since: context.now)
        case let .fetching(since):
            guard context.now - since >= config.requestTimeout else { return }
            assigned[index].phase = .idle
            poll(index, &context)
        case let .committing(from, next, outputs, since):
            guard context.now - since >= config.heartbeatInterval else { return }
            assigned[index].phase = .committing(from: from, next: next, outputs: outputs, since: context.now)
            sendOutputs(p, from: from, next: next, outputs: outputs, &context)
        }
    }

    private func sendOutputs(_ p: Int, from: Int, next: Int, outputs: [OutputRecord], _ context: inout Context) {
        switch config.delivery {
        case .exactlyOnce:
            context.send(.commitTransaction(generation: generation, partition: p, fromOffset: from, nextOffset: next,
                                            outputs: outputs), to: config.controller)
        case .atLeastOnce:
            context.send(.writeOutputs(partition: p, outputs: outputs), to: config.controller)
        }
    }

    mutating func receive(_ message: EventLogMessage, _ context: inout Context) {
        guard context.now >= stalledUntil else { return }
        switch message {
        case let .metadata(states):
            for state in states { leaders[state.partition] = state.leader }
        case let .groupAssignment(gen, partitions):
            guard gen != generation else { return }
            let unfinished = assigned.filter {
                if case .committing = $0.phase { return true } else { return false }
            }.map { "p\($0.partition)" }
            generation = gen
            assigned = partitions.map { Assigned(partition: $0) }
            let list = partitions.map { "p\($0)" }.joined(separator: ",")
            let dropped = unfinished.isEmpty ? "" : "; drops its uncommitted batch of " + unfinished.joined(separator: ",")
            context.output(.note("assign", "n\(id) joins generation \(gen) owning {\(list)}\(dropped)"))
        case let .offsetFetchReply(p, offset):
            guard let index = slot(p), assigned[index].phase == .needOffset else { return }
            assigned[index].position = offset
            assigned[index].phase = .idle
        case let .consumerRecords(p, offset, records, notLeader):
            received(p, offset: offset, records: records, notLeader: notLeader, &context)
        case let .commitReply(p, accepted, stored, reason):
            guard let index = slot(p), case .committing = assigned[index].phase else { return }
            if !accepted && reason.hasPrefix("fenced") {
                assigned.removeAll()
                generation = -1
                context.send(.groupHeartbeat(generation: generation), to: config.controller)
                return
            }
            assigned[index].position = stored
            assigned[index].phase = .idle
        case let .writeOutputsAck(p, next):
            guard let index = slot(p), case .committing = assigned[index].phase else { return }
            assigned[index].position = next
            assigned[index].phase = .idle
        default: break
        }
    }

    private func slot(_ p: Int) -> Int? { assigned.firstIndex { $0.partition == p } }

    private mutating func received(_ p: Int, offset: Int, records: [PartitionLog.Record], notLeader: Bool,
                                   _ context: inout Context) {
        guard let index = slot(p), case .fetching = assigned[index].phase, assigned[index].position == offset else { return }
        if notLeader { context.send(.metadataRequest, to: config.controller) }
        guard !records.isEmpty else {
            assigned[index].phase = .idle
            return
        }
        let outputs = records.enumerated().map { i, record in
            OutputRecord(partition: p, sourceOffset: offset + i, value: Consumer.process(record, partition: p))
        }
        processed += records.count
        let next = offset + records.count
        assigned[index].phase = .committing(from: offset, next: next, outputs: outputs, since: context.now)
        sendOutputs(p, from: offset, next: next, outputs: outputs, &context)
    }
}
