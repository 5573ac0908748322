import Simulation

/// The settings every node of the event-log cluster shares, and the node layout: brokers
/// `0..<brokers`, then the controller, the producer and the consumers.
///
/// Simplifications:
/// - Every partition is replicated on every broker (replication factor = broker count).
/// - Nodes learn the configuration from a `configure` command at boot and keep it on disk.
public struct EventLogConfig: Equatable, Sendable {
    public enum Delivery: String, Sendable, CaseIterable {
        /// Outputs and the consumed offset in one conditional, atomic write (read-process-write).
        case exactlyOnce = "exactly-once"
        /// Outputs written first; offsets auto-committed later, separately.
        case atLeastOnce = "at-least-once"
    }

    public enum Acks: String, Sendable, CaseIterable {
        /// Acknowledge once every ISR member has the record (the high watermark passed it).
        case all
        /// Acknowledge as soon as the leader appended it: fast, and lossy on failover.
        case leader = "1"
    }

    public var brokers: Int
    public var partitions: Int
    public var consumers: Int
    public var minInsyncReplicas: Int
    public var delivery: Delivery
    /// The partition of each record, in the order the producer sends them; record `i` has value `i`.
    public var recordPartitions: [Int]
    public var produceInterval: SimDuration
    public var producerWindow: Int
    public var requestTimeout: SimDuration
    public var replicaLagMax: SimDuration
    public var sessionTimeout: SimDuration
    public var heartbeatInterval: SimDuration
    public var fetchInterval: SimDuration
    public var pollInterval: SimDuration
    public var autoCommitInterval: SimDuration
    public var maxBatch: Int
    public var acks: Acks

    public init(brokers: Int = 3, partitions: Int = 3, consumers: Int = 3, minInsyncReplicas: Int = 2,
                delivery: Delivery = .exactlyOnce, recordPartitions: [Int] = [],
                produceInterval: SimDuration = .milliseconds(5), producerWindow: Int = 3,
                requestTimeout: SimDuration = .milliseconds(60), replicaLagMax: SimDuration = .milliseconds(60),
                sessionTimeout: SimDuration = .milliseconds(100), heartbeatInterval: SimDuration = .milliseconds(20),
                fetchInterval: SimDuration = .milliseconds(5), pollInterval: SimDuration = .milliseconds(10),
                autoCommitInterval: SimDuration = .milliseconds(80), maxBatch: Int = 8,
                acks: Acks = .all) {
        self.brokers = brokers
        self.partitions = partitions
        self.consumers = consumers
        self.minInsyncReplicas = minInsyncReplicas
        self.delivery = delivery
        self.recordPartitions = recordPartitions
        self.produceInterval = produceInterval
        self.producerWindow = producerWindow
        self.requestTimeout = requestTimeout
        self.replicaLagMax = replicaLagMax
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.fetchInterval = fetchInterval
        self.pollInterval = pollInterval
        self.autoCommitInterval = autoCommitInterval
        self.maxBatch = maxBatch
        self.acks = acks
    }

    public var controller: NodeID { brokers }
    public var producer: NodeID { brokers + 1 }
    public var consumerIDs: [NodeID] { Array((brokers + 2)..<(brokers + 2 + consumers)) }
    public var nodeCount: Int { brokers + 2 + consumers }
    public var brokerIDs: [NodeID] { Array(0..<brokers) }

    /// The name printed for a node.
    public func name(_ node: NodeID) -> String {
        if node < brokers { return "broker n\(node)" }
        if node == controller { return "controller" }
        if node == producer { return "producer" }
        return "consumer n\(node)"
    }
}

/// What a node keeps on disk: its configuration, how often it booted, and (brokers) its logs.
public struct EventLogDurable: Sendable {
    public var config: EventLogConfig
    public var boots: Int
    public var logs: [PartitionLog]

    /// Before the first boot: the layout alone (a config file).
    public init(config: EventLogConfig, boots: Int = 0, logs: [PartitionLog] = []) {
        self.config = config
        self.boots = boots
        self.logs = logs
    }
}

public enum EventLogCommand: Sendable {
    /// A consumer stops for this long (a stop-the-world pause): it neither heartbeats nor
    /// hears anything, then carries on where it was, unaware of what the group did meanwhile.
    case stall(SimDuration)
}
