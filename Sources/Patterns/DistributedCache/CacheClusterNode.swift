import Simulation

/// The simulated deployment of the cache demo: node 0 is the slow backing store, nodes
/// 1...c are cache servers (`CacheServer`), the rest are application servers (`AppServer`)
/// that read look-aside and write through the store with delete-on-write.
///
/// Simplifications:
/// - One node type with three roles, because the kernel runs one node type per simulation.
/// - Configuration is on each node's disk at boot (the simulator's `disks:`), standing in for a
///   config file, with a boot epoch counted up at every start; a cache server comes back empty
///   after a crash (memory only).
public struct CacheClusterNode: SimulatedNode {
    public enum Message: Sendable {
        case get(op: Int, key: Int)
        case getReply(op: Int, key: Int, CacheServer.Lookup)
        case set(key: Int, version: Int, token: UInt64?, readAt: SimTime)
        case delete(op: Int, key: Int)
        case deleteAck(op: Int)
        case storeRead(op: Int, key: Int)
        case storeWrite(op: Int, key: Int)
        case storeReply(op: Int, key: Int, version: Int, servedAt: SimTime)
    }

    public enum Timer: Hashable, Sendable {
        /// An application operation's one timer: a cache timeout, a lease-wait retry, a delete
        /// resend, or the end of a pause before a fill, depending on the operation's phase.
        case op(Int)
        case storeDone(worker: Int)
    }

    public enum Command: Sendable {
        case read(op: Int, key: Int, pauseBeforeFill: SimDuration)
        case write(op: Int, key: Int)
    }

    public enum Source: String, Sendable {
        case hit, fill, store
    }

    public enum Output: Sendable {
        case readDone(op: Int, key: Int, version: Int, start: SimTime, source: Source, entry: CacheServer.Entry?)
        case writeDone(op: Int, key: Int, version: Int, start: SimTime)
        case storeServed(key: Int, write: Bool)
        case filled(key: Int, version: Int)
        case setRejected(key: Int, version: Int)
        case waited(op: Int, key: Int)
    }

    public enum Config: Sendable {
        case store(keys: Int, workers: Int, service: SimDuration)
        case cache(capacity: Int, ttl: SimDuration, leases: Bool, leaseTimeout: SimDuration)
        case app(AppServer.Settings)
    }

    public struct Durable: Sendable {
        var config: Config
        /// Boots so far: the first boot makes it 1.
        var epoch: UInt64

        public init(config: Config, epoch: UInt64 = 0) {
            self.config = config
            self.epoch = epoch
        }
    }

    public let id: NodeID
    var durable: Durable?
    public private(set) var store: StoreServer?
    public private(set) var cache: CacheServer?
    public private(set) var app: AppServer?

    public init(id: NodeID, cluster: [NodeID], durable: Durable?) {
        self.id = id
        self.durable = durable
    }

    public mutating func start(_ context: inout NodeContext<CacheClusterNode>) {
        guard var saved = durable else { return }
        saved.epoch += 1
        apply(saved)
        context.persist(saved)
    }

    mutating func apply(_ saved: Durable) {
        durable = saved
        switch saved.config {
        case let .store(keys, workers, service):
            store = StoreServer(keys: keys, workers: workers, service: service)
        case let .cache(capacity, ttl, leases, leaseTimeout):
            cache = CacheServer(capacity: capacity, ttl: ttl, leases: leases, leaseTimeout: leaseTimeout, epoch: saved.epoch)
        case let .app(settings):
            app = AppServer(settings)
        }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<CacheClusterNode>) {
        switch command {
        case let .read(op, key, pause):
            app?.read(op: op, key: key, pauseBeforeFill: pause, &context)
        case let .write(op, key):
            app?.write(op: op, key: key, &context)
        }
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<CacheClusterNode>) {
        switch message {
        case let .get(op, key):
            guard cache != nil else { return }
            context.send(.getReply(op: op, key: key, cache!.get(key, now: context.now)), to: sender)
        case let .set(key, version, token, readAt):
            guard cache != nil else { return }
            if cache!.set(key, version: version, token: token, readAt: readAt, now: context.now) {
                context.output(.filled(key: key, version: version))
            } else {
                context.output(.setRejected(key: key, version: version))
            }
        case let .delete(op, key):
            cache?.delete(key)
            context.send(.deleteAck(op: op), to: sender)
        case let .storeRead(op, key):
            store?.enqueue(op: op, key: key, write: false, from: sender, &context)
        case let .storeWrite(op, key):
            store?.enqueue(op: op, key: key, write: true, from: sender, &context)
        case let .getReply(op, key, lookup):
            app?.cacheReplied(op: op, key: key, lookup, &context)
        case let .deleteAck(op):
            app?.deleteAcked(op: op, &context)
        case let .storeReply(op, _, version, servedAt):
            app?.storeReplied(op: op, version: version, servedAt: servedAt, &context)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<CacheClusterNode>) {
        switch timer {
        case .op(let op): app?.timerFired(op: op, &context)
        case .storeDone(let worker): store?.finish(worker: worker, &context)
        }
    }
}
