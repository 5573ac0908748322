import Simulation

/// One participant of the PBFT simulation: a replica (ids 0..<3f+1) or a client (ids after
/// them). The simulator runs one node type, so this wraps both roles; the harness configures
/// each node with a command at time zero.
///
/// Simplifications:
/// - Nothing is durable: the demo injects Byzantine faults and network faults, not crashes.

public struct PBFTNode: SimulatedNode {
    public typealias Message = BFTMessage
    public typealias Timer = BFTTimer
    public typealias Command = BFTCommand
    public typealias Output = BFTOutput
    public typealias Durable = BFTDurable

    public let id: NodeID
    public private(set) var replica: PBFTReplica?
    public private(set) var client: PBFTClient?

    public init(id: NodeID, cluster: [NodeID], durable: BFTDurable?) {
        self.id = id
        guard let config = durable?.config else { return }
        if id < config.replicas {
            replica = PBFTReplica(id: id, config: config)
        } else {
            client = PBFTClient(id: id, f: config.f, replicas: config.replicas)
        }
    }

    public mutating func start(_ context: inout NodeContext<PBFTNode>) {}

    public mutating func handle(_ command: BFTCommand, _ context: inout NodeContext<PBFTNode>) {
        switch command {
        case let .startClient(requests, think, retry):
            client?.start(requests: requests, think: think, retry: retry, &context)
        }
    }

    public mutating func receive(_ message: BFTMessage, from sender: NodeID, _ context: inout NodeContext<PBFTNode>) {
        replica?.receive(message, from: sender, &context)
        client?.receive(message, from: sender, &context)
    }

    public mutating func fire(_ timer: BFTTimer, _ context: inout NodeContext<PBFTNode>) {
        replica?.fire(timer, &context)
        client?.fire(timer, &context)
    }
}
