import Simulation

/// One node of the sharded store as the simulator sees it: the placement service, a storage
/// node or a client, chosen by id from the layout on its disk.
///
/// Every handler writes the node's whole state to its disk before anything it sent leaves, so
/// a crashed node restarts where it stopped, with its timers set again (a tablet server's data
/// and log, MongoDB's persisted migration and session records, the config servers' chunk map).
///
/// Simplifications:
/// - Roles are fixed by node id.
/// - State is written whole per handler rather than as a log of changes.
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
    /// Whether `role` came from the disk (a restart) rather than from the layout.
    let restored: Bool

    public init(id: NodeID, cluster: [NodeID], durable: ShardingDurable?) {
        self.id = id
        config = durable?.config
        if let saved = durable?.role {
            role = saved
            restored = true
        } else {
            restored = false
        }
    }

    /// An acknowledgement that a destination took a range over is the node's own state.
    public static func isReport(_ output: ShardingOutput) -> Bool {
        if case .activated = output { return true }
        return false
    }

    private func persist(_ context: inout NodeContext<ShardingNode>) {
        guard let config else { return }
        var durable = ShardingDurable(config: config)
        durable.role = role
        context.persist(durable)
    }

    public mutating func handle(_ command: Never, _ context: inout NodeContext<ShardingNode>) {}

    public mutating func start(_ context: inout NodeContext<ShardingNode>) {
        guard let config else { return }
        if restored {
            switch role {
            case .unconfigured: break
            case .placement(var placement):
                placement.start(&context)
                role = .placement(placement)
            case .storage(var storage):
                storage.start(&context)
                role = .storage(storage)
            case .client(var client):
                client.resume(&context)
                role = .client(client)
            }
            return
        }
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
        persist(&context)
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
        persist(&context)
    }
}
