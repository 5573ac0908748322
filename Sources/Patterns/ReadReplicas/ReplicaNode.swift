import Simulation

/// The simulated deployment of the read-replica demo: node 0 is the primary, then the replicas,
/// then the client sessions; one node type with three roles. Each node's configuration is on
/// its disk at boot (the simulator's `disks:`), standing in for a config file.
///
/// Simplifications: see `PrimaryServer`, `ReplicaServer` and `SessionClient`.
public struct ReplicaNode: SimulatedNode {
    public enum Message: Sendable {
        case ship(from: Int, [PrimaryServer.Entry])
        case ack(received: Int)
        case hello(applied: Int)
        case write(op: Int, key: Int)
        case writeOK(op: Int, lsn: Int)
        case read(op: Int, key: Int, minLSN: Int)
        case readOK(op: Int, version: Int, servedLSN: Int)
        case redirect(op: Int)
    }

    public enum Timer: Hashable, Sendable {
        case ship
        case apply
        case heldDeadline
        case readTimeout(Int)
        /// A request to the primary went unanswered: send it again.
        case retry(Int)
    }

    public enum Command: Sendable {
        case read(op: Int, key: Int)
        case write(op: Int, key: Int)
    }

    public enum Output: Sendable {
        case committed(lsn: Int, key: Int)
        case served(servedLSN: Int)
        case held
        case redirected
        case readDone(op: Int, key: Int, version: Int, servedLSN: Int, by: NodeID, start: SimTime, redirected: Bool)
        case writeDone(op: Int, key: Int, lsn: Int, start: SimTime)
    }

    public enum Config: Sendable {
        case primary(keys: Int, replicas: [NodeID])
        case replica(keys: Int, applyCost: SimDuration, maxWait: SimDuration)
        case client(SessionClient.Settings)
    }

    /// The configuration; for a replica what it has applied (its data files) and whether it
    /// has run before (a replica that restarts tells the primary where to resume); for the
    /// primary its write-ahead log; for a client its session token (kept as a browser keeps a
    /// cookie, so a session's guarantees outlive a crash of its client).
    public struct Durable: Sendable {
        var config: Config
        var applied = 0
        var versions: [Int] = []
        var hasRun = false
        var log = WriteAheadLog()
        var token = 0

        public init(config: Config) {
            self.config = config
        }
    }

    static let shipInterval = SimDuration.milliseconds(5)

    public let id: NodeID
    public private(set) var primary: PrimaryServer?
    public private(set) var replica: ReplicaServer?
    public private(set) var client: SessionClient?
    var restarted = false

    var config: Config?

    public init(id: NodeID, cluster: [NodeID], durable: Durable?) {
        self.id = id
        if let durable {
            restarted = durable.hasRun
            apply(durable.config)
            replica?.restore(applied: durable.applied, versions: durable.versions)
            primary?.restore(durable.log)
            client?.restore(token: durable.token)
        }
    }

    /// A commit is the primary's own state: seen even when a crash stops its reply.
    public static func isReport(_ output: Output) -> Bool {
        if case .committed = output { return true }
        return false
    }

    public mutating func start(_ context: inout NodeContext<ReplicaNode>) {
        if let replica {
            if restarted {
                context.send(.hello(applied: replica.applied), to: 0)
            } else {
                persistReplica(&context)  // so that a restart can be told from the first boot
            }
        }
        if primary != nil { context.setTimer(.ship, after: ReplicaNode.shipInterval) }
    }

    /// A replica's data files: its configuration, what it has applied, and that it has run.
    private func persistReplica(_ context: inout NodeContext<ReplicaNode>) {
        guard let config, let replica else { return }
        var durable = Durable(config: config)
        durable.applied = replica.applied
        durable.versions = replica.versions
        durable.hasRun = true
        context.persist(durable)
    }

    /// The primary's write-ahead log, flushed before the write is acknowledged.
    private func persistPrimary(_ context: inout NodeContext<ReplicaNode>) {
        guard let config, let primary else { return }
        var durable = Durable(config: config)
        durable.log = primary.log
        context.persist(durable)
    }

    /// A client's session token, each time it rises.
    private func persistClient(_ context: inout NodeContext<ReplicaNode>) {
        guard let config, let client else { return }
        var durable = Durable(config: config)
        durable.token = client.token
        context.persist(durable)
    }

    mutating func apply(_ config: Config) {
        self.config = config
        switch config {
        case let .primary(keys, replicas): primary = PrimaryServer(keys: keys, replicas: replicas)
        case let .replica(keys, cost, wait): replica = ReplicaServer(keys: keys, applyCost: cost, maxWait: wait)
        case let .client(settings): client = SessionClient(settings)
        }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<ReplicaNode>) {
        switch command {
        case let .read(op, key): client?.read(op: op, key: key, &context)
        case let .write(op, key): client?.write(op: op, key: key, &context)
        }
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<ReplicaNode>) {
        switch message {
        case let .write(op, key):
            guard primary != nil else { return }
            switch primary!.write(key: key, client: sender, op: op, at: context.now) {
            case .appended(let lsn):
                persistPrimary(&context)
                context.output(.committed(lsn: lsn, key: key))
                context.send(.writeOK(op: op, lsn: lsn), to: sender)
            case .again(let lsn):
                context.send(.writeOK(op: op, lsn: lsn), to: sender)
            case .stale:
                break
            }
        case .ack(let received): primary?.acknowledged(by: sender, received: received, at: context.now)
        case .hello(let applied): primary?.hello(from: sender, applied: applied, at: context.now)
        case let .ship(start, entries):
            guard replica != nil else { return }
            if replica!.receive(from: start, entries) { context.setTimer(.apply, after: replica!.applyCost) }
            context.send(.ack(received: replica!.received), to: sender)
        case let .read(op, key, minLSN):
            serveRead(op: op, key: key, minLSN: minLSN, client: sender, &context)
        case let .readOK(op, version, servedLSN):
            let before = client?.token
            client?.answered(op: op, version: version, servedLSN: servedLSN, from: sender, &context)
            if client?.token != before { persistClient(&context) }
        case .writeOK(let op, let lsn):
            let before = client?.token
            client?.wrote(op: op, lsn: lsn, &context)
            if client?.token != before { persistClient(&context) }
        case .redirect(let op): client?.goToPrimary(op: op, &context)
        }
    }

    private mutating func serveRead(op: Int, key: Int, minLSN: Int, client: NodeID, _ context: inout NodeContext<ReplicaNode>) {
        if let primary {
            context.send(.readOK(op: op, version: primary.versions[key], servedLSN: primary.lsn), to: client)
            return
        }
        guard replica != nil else { return }
        switch replica!.read(client: client, op: op, key: key, minLSN: minLSN, at: context.now) {
        case let .value(version, servedLSN):
            context.output(.served(servedLSN: servedLSN))
            context.send(.readOK(op: op, version: version, servedLSN: servedLSN), to: client)
        case .hold:
            context.output(.held)
            if let deadline = replica!.nextDeadline { context.setTimer(.heldDeadline, after: deadline - context.now) }
        case .redirect:
            context.output(.redirected)
            context.send(.redirect(op: op), to: client)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<ReplicaNode>) {
        switch timer {
        case .ship:
            for (node, start, entries) in primary?.shipments(at: context.now) ?? [] {
                context.send(.ship(from: start, entries), to: node)
            }
            context.setTimer(.ship, after: ReplicaNode.shipInterval)
        case .apply:
            guard replica != nil else { return }
            if replica!.applyNext() { context.setTimer(.apply, after: replica!.applyCost) }
            // Replayed entries are durable (the replica's data files), the inbox is not.
            persistReplica(&context)
            releaseHeld(&context)
        case .heldDeadline:
            releaseHeld(&context)
        case .readTimeout(let op):
            client?.goToPrimary(op: op, &context)
        case .retry(let op):
            client?.retry(op: op, &context)
        }
    }

    private mutating func releaseHeld(_ context: inout NodeContext<ReplicaNode>) {
        guard replica != nil else { return }
        let (ready, expired) = replica!.releaseHeld(at: context.now)
        for read in ready {
            context.output(.served(servedLSN: replica!.applied))
            context.send(.readOK(op: read.op, version: replica!.versions[read.key], servedLSN: replica!.applied), to: read.client)
        }
        for read in expired {
            context.output(.redirected)
            context.send(.redirect(op: read.op), to: read.client)
        }
        if let deadline = replica!.nextDeadline { context.setTimer(.heldDeadline, after: deadline - context.now) }
    }
}
