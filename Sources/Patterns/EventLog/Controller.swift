import Simulation

/// The cluster controller of Kafka's replication design (Kafka design docs, "Replication";
/// KIP-631's KRaft controller): it tracks broker liveness by heartbeats with a session
/// timeout and an incarnation number, keeps each partition's leader, leader epoch, partition
/// epoch and ISR, elects a new leader from the live ISR when a leader is lost (bumping the
/// leader epoch, so a returning old leader learns it was replaced and truncates), removes lost
/// brokers from every ISR, and applies a leader's AlterPartition only when its leader epoch and
/// partition epoch are current (a compare-and-set on the ISR).
///
/// Simplifications:
/// - The controller is one designated node that never crashes: it stands in for the
///   replicated KRaft metadata quorum (or ZooKeeper), whose own fault tolerance is Raft's story.
/// - No unclean leader election: a partition whose whole ISR is down stays offline.
/// - Initial leaders are spread round-robin (partition p led by broker p mod brokers).
struct Controller {
    typealias Context = NodeContext<EventLogNode>

    let config: EventLogConfig
    var states: [PartitionState]
    var alive: [Bool]
    var lastHeartbeat: [SimTime]
    var incarnation: [Int]
    var elections = 0
    var isrChanges = 0

    init(config: EventLogConfig, now: SimTime) {
        self.config = config
        let replicas = config.brokerIDs
        states = (0..<config.partitions).map { p in
            PartitionState(partition: p, leader: p % config.brokers, leaderEpoch: 1, partitionEpoch: 1,
                           isr: replicas, replicas: replicas)
        }
        alive = Array(repeating: true, count: config.brokers)
        lastHeartbeat = Array(repeating: now, count: config.brokers)
        incarnation = Array(repeating: 1, count: config.brokers)
    }

    func announceAll(_ context: inout Context) {
        for broker in config.brokerIDs { announce(to: broker, &context) }
    }

    private func announce(to broker: NodeID, _ context: inout Context) {
        for state in states { context.send(.leaderAndIsr(state), to: broker) }
    }


    private func broadcast(_ state: PartitionState, _ context: inout Context) {
        for broker in state.replicas where alive[broker] { context.send(.leaderAndIsr(state), to: broker) }
    }

    mutating func heartbeat(from broker: NodeID, incarnation boot: Int, known: [Int], _ context: inout Context) {
        lastHeartbeat[broker] = context.now
        defer {
            // LeaderAndIsr may be lost on the way: whatever the broker has not seen, again.
            if alive[broker] {
                for state in states where state.partitionEpoch > known[state.partition] {
                    context.send(.leaderAndIsr(state), to: broker)
                }
            }
        }
        if boot > incarnation[broker] {
            incarnation[broker] = boot
            // A restart inside the session timeout is still a loss: its volatile state is gone.
            if alive[broker] { lose(broker, because: "restarted (incarnation \(boot))", &context) }
            alive[broker] = true
            context.output(.note("register", "controller: n\(broker) registers (incarnation \(boot))"))
            electOffline(&context)
        } else if !alive[broker] {
            alive[broker] = true
            context.output(.note("register", "controller: n\(broker) heartbeats again; unfenced"))
            electOffline(&context)
        }
    }

    mutating func checkSessions(_ context: inout Context) {
        for broker in config.brokerIDs where alive[broker] {
            if context.now - lastHeartbeat[broker] > config.sessionTimeout {
                lose(broker, because: "session expired (no heartbeat for \(config.sessionTimeout.milliseconds)ms)", &context)
            }
        }
    }

    /// Fences `broker`: out of every ISR it is in (unless it is the last member), and a new
    /// leader from the live ISR for every partition it led.
    private mutating func lose(_ broker: NodeID, because reason: String, _ context: inout Context) {
        alive[broker] = false
        context.output(.note("fence", "controller: n\(broker) \(reason); fenced"))
        for p in 0..<config.partitions {
            var state = states[p]
            let wasLeader = state.leader == broker
            guard wasLeader || state.isr.contains(broker) else { continue }
            if state.isr.count > 1 { state.isr.removeAll { $0 == broker } }
            if wasLeader {
                state.leader = state.isr.first { alive[$0] }
                state.leaderEpoch += 1
                elections += 1
            }
            state.partitionEpoch += 1
            states[p] = state
            let what = wasLeader ? (state.leader == nil ? "offline, no live ISR member" : "elects n\(state.leader!)")
                : "shrinks ISR"
            context.output(.note("elect", "controller: p\(p) \(what); \(state)"))
            broadcast(state, &context)
        }
    }

    private mutating func electOffline(_ context: inout Context) {
        for p in 0..<config.partitions where states[p].leader == nil {
            guard let leader = states[p].isr.first(where: { alive[$0] }) else { continue }
            states[p].leader = leader
            states[p].leaderEpoch += 1
            states[p].partitionEpoch += 1
            elections += 1
            context.output(.note("elect", "controller: p\(p) back online; \(states[p])"))
            broadcast(states[p], &context)
        }
    }

    mutating func alterPartition(_ p: Int, leaderEpoch: Int, partitionEpoch: Int, isr: [Int], from leader: NodeID,
                                 _ context: inout Context) {
        var state = states[p]
        let current = state.leader == leader && state.leaderEpoch == leaderEpoch && state.partitionEpoch == partitionEpoch
        let valid = isr.contains(leader) && isr.allSatisfy { alive[$0] || state.isr.contains($0) }
        guard current, valid else {
            context.send(.alterPartitionReply(state, accepted: false), to: leader)
            return
        }
        let before = state.isrText
        state.isr = isr.sorted()
        state.partitionEpoch += 1
        states[p] = state
        isrChanges += 1
        context.output(.note("isr", "controller: p\(p) ISR \(before) -> \(state.isrText) (partition epoch"
            + " \(state.partitionEpoch))"))
        context.send(.alterPartitionReply(state, accepted: true), to: leader)
    }
}
