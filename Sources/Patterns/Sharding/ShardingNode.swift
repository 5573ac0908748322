import Simulation

/// One node of the sharded store as the simulator sees it: the placement service, a storage
/// node or a client, chosen by id from the layout on its disk.
///
/// Simplifications:
/// - Roles are fixed by node id.
public struct ShardingNode: SimulatedNode {
    public typealias Message = ShardingMessage
    public typealias Timer = ShardingTimer
    public typealias Command = Never
    public typealias Output = ShardingOutput
    public typealias Durable = ShardingDurable

    enum Role {
        case unconfigured
        case placement(PlacementService)
        case storage(StorageNode)
        case client(ShardClient)
    }

    let id: NodeID
    let config: ShardingConfig?
    var role: Role = .unconfigured

    public init(id: NodeID, cluster: [NodeID], durable: ShardingDurable?) {
        self.id = id
        config = durable?.config
    }

    public mutating func handle(_ command: Never, _ context: inout NodeContext<ShardingNode>) {}

    public mutating func start(_ context: inout NodeContext<ShardingNode>) {
        guard let config else { return }
        if id == config.placement {
            var placement = PlacementService(config: config)
            placement.start(&context)
            role = .placement(placement)
        } else if config.storageIDs.contains(id) {
            var storage = StorageNode(id: id, config: config)
            storage.start(&context)
            role = .storage(storage)
        } else {
            var client = ShardClient(id: id, config: config)
            client.start(&context)
            role = .client(client)
        }
    }

    public mutating func receive(_ message: ShardingMessage, from sender: NodeID,
                                 _ context: inout NodeContext<ShardingNode>) {
        switch role {
        case .unconfigured: break
        case .placement(var placement):
            role = .unconfigured  // so the state below mutates in place, not as a copy
            placement.receive(message, from: sender, &context)
            role = .placement(placement)
        case .storage(var storage):
            role = .unconfigured
            storage.receive(message, from: sender, &context)
            role = .storage(storage)
        case .client(var client):
            role = .unconfigured
            client.receive(message, &context)
            role = .client(client)
        }
    }

    public mutating func fire(_ timer: ShardingTimer, _ context: inout NodeContext<ShardingNode>) {
        switch role {
        case .unconfigured: break
        case .placement(var placement):
            role = .unconfigured
            placement.fire(timer, &context)
            role = .placement(placement)
        case .storage(var storage):
            role = .unconfigured
            storage.fire(timer, &context)
            role = .storage(storage)
        case .client(var client):
            role = .unconfigured
            client.fire(timer, &context)
            role = .client(client)
        }
    }
}
