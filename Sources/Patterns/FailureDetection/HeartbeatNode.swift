/// A node of the failure-detection demo: node 0 monitors, every other node sends a heartbeat
/// to it every `interval` (the push style of Akka cluster heartbeats and Cassandra's gossip
/// liveness; Hayashibara et al. 2004 §2.1).
///
/// Simplifications:
/// - Settings are on each node's disk at boot (the simulator's `disks:`), standing in for a
///   config file, so that a restarted sender keeps its interval.
/// - A sender's clock is exact; all jitter comes from the network.
import Simulation

public struct HeartbeatConfig: Equatable, Sendable {
    public var interval: SimDuration
    public var detectors: [DetectorKind]
    public var windowCapacity: Int

    public init(interval: SimDuration, detectors: [DetectorKind], windowCapacity: Int) {
        self.interval = interval
        self.detectors = detectors
        self.windowCapacity = windowCapacity
    }
}

public enum HeartbeatCommand: Sendable {
    /// The sender's process stalls (a stop-the-world GC pause): no heartbeat leaves for this
    /// long, then the next one leaves at once.
    case stall(SimDuration)
}

public enum HeartbeatTimer: Hashable, Sendable {
    case beat
    /// The earliest deadline of the detectors that still trust `sender`.
    case deadline(sender: NodeID)
}

public struct HeartbeatNode: SimulatedNode {
    public typealias Message = UInt64  // the heartbeat's sequence number
    public typealias Timer = HeartbeatTimer
    public typealias Command = HeartbeatCommand
    public typealias Output = DetectorEvent
    public typealias Durable = HeartbeatConfig

    public let id: NodeID
    let clusterSize: Int
    public private(set) var config: HeartbeatConfig?
    public private(set) var monitor: HeartbeatMonitor?
    private var sequence: UInt64 = 0

    public init(id: NodeID, cluster: [NodeID], durable: HeartbeatConfig?) {
        self.id = id
        clusterSize = cluster.count
        config = durable
    }

    public mutating func start(_ context: inout NodeContext<HeartbeatNode>) {
        if let config { setUp(config, &context) }
    }

    public mutating func handle(_ command: HeartbeatCommand, _ context: inout NodeContext<HeartbeatNode>) {
        switch command {
        case .stall(let duration) where id != 0:
            context.setTimer(.beat, after: duration)
        case .stall:
            break
        }
    }

    private mutating func setUp(_ config: HeartbeatConfig, _ context: inout NodeContext<HeartbeatNode>) {
        if id == 0 {
            monitor = HeartbeatMonitor(nodeCount: clusterSize, detectors: config.detectors,
                                       windowCapacity: config.windowCapacity, firstEstimate: config.interval)
        } else {
            // Senders start out of phase, as real processes do.
            context.setTimer(.beat, after: SimDuration.random(in: .zero, config.interval, using: &context.rng))
        }
    }

    public mutating func receive(_ message: UInt64, from sender: NodeID, _ context: inout NodeContext<HeartbeatNode>) {
        // Mutated in place: a copy would duplicate every window on each heartbeat.
        guard let (events, next) = monitor?.heartbeat(from: sender, at: context.now) else { return }
        report(events, next: next, sender: sender, &context)
    }

    public mutating func fire(_ timer: HeartbeatTimer, _ context: inout NodeContext<HeartbeatNode>) {
        switch timer {
        case .beat:
            guard let config else { return }
            sequence += 1
            context.send(sequence, to: 0)
            context.setTimer(.beat, after: config.interval)
        case .deadline(let sender):
            guard let (events, next) = monitor?.deadline(sender: sender, at: context.now) else { return }
            report(events, next: next, sender: sender, &context)
        }
    }

    private func report(_ events: [DetectorEvent], next: SimDuration?, sender: NodeID,
                        _ context: inout NodeContext<HeartbeatNode>) {
        for event in events { context.output(event) }
        if let next {
            context.setTimer(.deadline(sender: sender), after: next)
        } else {
            context.cancelTimer(.deadline(sender: sender))
        }
    }
}
