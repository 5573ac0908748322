import Simulation

/// A Kafka broker's replica manager for every partition it hosts (Kafka design docs,
/// "Replication"; KIP-101, KIP-320, KIP-497): it takes its role for each partition from the
/// controller's LeaderAndIsr (highest leader epoch wins), heartbeats to the controller with
/// its incarnation so a restart is noticed, and — as leader — asks the controller to shrink
/// the ISR when a follower lags more than `replica.lag.time.max.ms`. The data path (produce,
/// fetch, high watermark) is in `BrokerReplication.swift`.
///
/// Simplifications:
/// - The high watermark is volatile (Kafka checkpoints it); a restarted broker relearns it.
/// - At most one AlterPartition in flight per partition; it is re-sent until answered.
/// - Followers fetch on a fixed interval instead of long-polling.
struct Broker {
    typealias Context = NodeContext<EventLogNode>

    enum Role: Equatable { case none, leader, follower }

    struct Replica {
        var role: Role = .none
        var state: PartitionState?
        var highWatermark = 0
        /// Leader only: each follower's last consistent fetch offset (-1: none this epoch).
        var followerEnd: [Int]
        /// Leader only: when each follower last fetched up to the leader's log end.
        var lastCaughtUp: [SimTime]
        /// Leader only: each follower's previous fetch time and the leader's log end then.
        var lastFetch: [(time: SimTime, leaderEnd: Int)]
        var pendingISR: [Int]?
        var pendingAcks: [(offset: Int, sequence: Int)] = []

        var epoch: Int { state?.leaderEpoch ?? -1 }
    }

    let id: NodeID
    let config: EventLogConfig
    var boots: Int
    var logs: [PartitionLog]
    var replicas: [Replica]

    init(id: NodeID, config: EventLogConfig, boots: Int, logs: [PartitionLog]) {
        self.id = id
        self.config = config
        self.boots = boots
        self.logs = logs.isEmpty ? Array(repeating: PartitionLog(), count: config.partitions) : logs
        let blank = Replica(followerEnd: Array(repeating: -1, count: config.brokers),
                            lastCaughtUp: Array(repeating: .zero, count: config.brokers),
                            lastFetch: Array(repeating: (.zero, 0), count: config.brokers))
        replicas = Array(repeating: blank, count: config.partitions)
    }

    var durable: EventLogDurable { EventLogDurable(config: config, boots: boots, logs: logs) }

    mutating func start(_ context: inout Context) {
        sendHeartbeat(&context)
        context.setTimer(.isrCheck, after: config.replicaLagMax / 2)
    }

    mutating func fire(_ timer: EventLogTimer, _ context: inout Context) {
        switch timer {
        case .heartbeat: sendHeartbeat(&context)
        case .isrCheck:
            for p in 0..<config.partitions where replicas[p].role == .leader { checkISR(p, &context) }
            context.setTimer(.isrCheck, after: config.replicaLagMax / 2)
        case .fetch(let p): fetchFromLeader(p, &context)
        default: break
        }
    }

    private func sendHeartbeat(_ context: inout Context) {
        let known = replicas.map { $0.state?.partitionEpoch ?? 0 }
        context.send(.brokerHeartbeat(incarnation: boots, known: known), to: config.controller)
        context.setTimer(.heartbeat, after: config.heartbeatInterval)
    }

    mutating func receive(_ message: EventLogMessage, from sender: NodeID, _ context: inout Context) {
        switch message {
        case let .leaderAndIsr(state): becomeLeaderOrFollower(state, &context)
        case let .alterPartitionReply(state, accepted): alterPartitionAnswered(state, accepted, &context)
        case let .produce(p, producerID, sequence, value):
            handleProduce(p, producerID: producerID, sequence: sequence, value: value, from: sender, &context)
        case let .fetch(p, epoch, offset, lastEpoch):
            handleFetch(p, epoch: epoch, offset: offset, lastEpoch: lastEpoch, from: sender, &context)
        case let .fetchRecords(p, epoch, offset, records, hw):
            appendFetched(p, epoch: epoch, offset: offset, records: records, leaderHW: hw, &context)
        case let .fetchDiverging(p, epoch, offset, divergentEpoch, endOffset):
            truncateDivergent(p, epoch: epoch, fetchOffset: offset, divergentEpoch: divergentEpoch, endOffset: endOffset,
                              &context)
        case let .consumerFetch(p, offset): handleConsumerFetch(p, offset: offset, from: sender, &context)
        default: break
        }
    }

    /// LeaderAndIsr: a higher leader epoch always wins; the same epoch may carry a newer ISR.
    mutating func becomeLeaderOrFollower(_ state: PartitionState, _ context: inout Context) {
        let p = state.partition
        var replica = replicas[p]
        if let known = replica.state {
            if state.leaderEpoch < known.leaderEpoch { return }
            if state.leaderEpoch == known.leaderEpoch {
                if state.partitionEpoch > known.partitionEpoch { replica.state = state }
                replicas[p] = replica
                if replica.role == .leader { advanceHighWatermark(p, &context) }
                return
            }
        }
        replica.state = state
        replica.pendingAcks = []
        replica.pendingISR = nil
        replica.followerEnd = Array(repeating: -1, count: config.brokers)
        if state.leader == id {
            replica.role = .leader
            replica.followerEnd[id] = logs[p].endOffset
            // Kafka starts every ISR member's lag clock at the election.
            replica.lastCaughtUp = Array(repeating: context.now, count: config.brokers)
            replica.lastFetch = Array(repeating: (context.now, logs[p].endOffset), count: config.brokers)
            context.cancelTimer(.fetch(partition: p))
            context.output(.note("leader", "n\(id) leads p\(p) in epoch \(state.leaderEpoch), isr=\(state.isrText),"
                + " log end \(logs[p].endOffset), hw \(replica.highWatermark)"))
        } else if state.leader != nil {
            replica.role = .follower
            context.setTimer(.fetch(partition: p), after: .zero)
        } else {
            replica.role = .none
        }
        replicas[p] = replica
        if replica.role == .leader { advanceHighWatermark(p, &context) }
    }

    /// The leader's periodic look at its followers: drop laggards from the ISR, re-send an
    /// unanswered AlterPartition.
    mutating func checkISR(_ p: Int, _ context: inout Context) {
        let replica = replicas[p]
        guard let state = replica.state else { return }
        if let pending = replica.pendingISR {
            sendAlter(p, state: state, isr: pending, &context)
            return
        }
        let laggards = state.isr.filter {
            $0 != id && context.now - replica.lastCaughtUp[$0] > config.replicaLagMax
        }
        guard !laggards.isEmpty else { return }
        let shrunk = state.isr.filter { !laggards.contains($0) }
        replicas[p].pendingISR = shrunk
        let names = laggards.map { "n\($0)" }.joined(separator: ",")
        context.output(.note("isr", "p\(p) leader n\(id): \(names) lagged > \(config.replicaLagMax.milliseconds)ms,"
            + " asks controller to shrink ISR to {\(shrunk.map { "n\($0)" }.joined(separator: ","))}"))
        sendAlter(p, state: state, isr: shrunk, &context)
    }

    mutating func proposeExpansion(_ p: Int, adding follower: NodeID, _ context: inout Context) {
        guard let state = replicas[p].state, replicas[p].pendingISR == nil else { return }
        let grown = (state.isr + [follower]).sorted()
        replicas[p].pendingISR = grown
        context.output(.note("isr", "p\(p) leader n\(id): n\(follower) caught up to hw \(replicas[p].highWatermark),"
            + " asks controller to expand ISR"))
        sendAlter(p, state: state, isr: grown, &context)
    }

    private func sendAlter(_ p: Int, state: PartitionState, isr: [Int], _ context: inout Context) {
        context.send(.alterPartition(partition: p, leaderEpoch: state.leaderEpoch,
                                     partitionEpoch: state.partitionEpoch, isr: isr), to: config.controller)
    }

    /// The controller's answer is authoritative for this epoch whether or not it took our proposal.
    ///
    /// Only an answer to the pending proposal ends it: one whose partition epoch is newer than
    /// the state the proposal was made from (ours or another change was taken), or a refusal
    /// of that very state. An acceptance no newer than what we know is a late or duplicated
    /// answer to an earlier proposal (each acceptance makes a new partition epoch): ending the
    /// pending expansion on it would drop the member being added from the maximal ISR while
    /// the controller may already count it in, so the high watermark could pass records that
    /// member lacks, and the controller could then elect it (KIP-497: the leader's high
    /// watermark covers the ISR it proposed until the controller has answered that proposal).
    mutating func alterPartitionAnswered(_ state: PartitionState, _ accepted: Bool, _ context: inout Context) {
        let p = state.partition
        guard replicas[p].role == .leader, state.leaderEpoch == replicas[p].epoch else {
            becomeLeaderOrFollower(state, &context)
            return
        }
        if let known = replicas[p].state {
            guard state.partitionEpoch > known.partitionEpoch
                    || (state.partitionEpoch == known.partitionEpoch && !accepted) else { return }
        }
        replicas[p].state = state
        replicas[p].pendingISR = nil
        advanceHighWatermark(p, &context)
    }
}
