import Simulation

/// A replica of an eventually consistent key-value store in the style of Dynamo (DeCandia et
/// al. 2007): it accepts writes on its own (no coordination), reconciles with a random peer
/// every anti-entropy period by comparing Merkle trees (§4.7), and coordinates quorum reads
/// whose stale answers it repairs (read repair, §5).
///
/// The anti-entropy exchange is stateless on both sides, so a lost message only ends a
/// session early: the initiator sends its root; whoever receives tree hashes answers with the
/// children of the nodes that differ (or, at a differing leaf, with its versions of that key
/// range); whoever receives range versions pushes the entries it holds newer and pulls the
/// ones the peer holds newer. Only differing subtrees and differing keys cross the wire.
///
/// Simplifications:
/// - Full replication: every replica holds every key (no consistent-hashing ring).
/// - Writes are applied by the replica that takes them only (W = 1), so every other copy is
///   made by anti-entropy or read repair, which is what the demo is about.
/// - A read asks a fixed number of replicas and waits for all of them or a timeout.

public struct ECConfig: Equatable, Sendable {
    public var mode: AntiEntropyMode
    public var keyCount: Int
    public var treeDepth: Int
    /// Start every replica from the same bulk-loaded data set.
    public var preloaded: Bool
    public var antiEntropyPeriod: SimDuration
    public var readTimeout: SimDuration
    /// For the checker's self-test: a merge that accepts older versions.
    public var brokenMerge: Bool

    public init(mode: AntiEntropyMode = .merkle, keyCount: Int = 256, treeDepth: Int = 5, preloaded: Bool = true,
                antiEntropyPeriod: SimDuration = .milliseconds(200), readTimeout: SimDuration = .milliseconds(60),
                brokenMerge: Bool = false) {
        self.mode = mode
        self.keyCount = keyCount
        self.treeDepth = treeDepth
        self.preloaded = preloaded
        self.antiEntropyPeriod = antiEntropyPeriod
        self.readTimeout = readTimeout
        self.brokenMerge = brokenMerge
    }
}

public enum ECCommand: Sendable {
    case write(key: Int, value: UInt64)
    /// Coordinate a read of `key` from this replica and `peers`.
    case read(key: Int, peers: [NodeID])
}

public enum ECTimer: Hashable, Sendable {
    case antiEntropy
    case readTimeout(UInt64)
}

public enum ECOutput: Sendable {
    case wrote(KVEntry)
    case sent(bytes: Int, antiEntropy: Bool)
    case sessionStarted(session: UInt64, peer: NodeID)
    case rootsMatched(session: UInt64, peer: NodeID)
    case leafDiffers(session: UInt64, peer: NodeID, leaf: Int)
    /// Entries from `peer` that were newer than ours and were applied.
    case applied(session: UInt64, peer: NodeID, keys: [Int])
    case readDone(key: Int, newest: KVEntry?, answers: Int, stale: [NodeID])
    case readRepaired(key: Int, coordinator: NodeID)
}

public struct ECDurable: Sendable {
    public var config: ECConfig
    public var store: ReplicaStore

    /// A replica's disk before its first boot: the configuration (a config file) and the
    /// store it describes, empty or preloaded.
    public init(config: ECConfig) {
        self.config = config
        store = ReplicaStore(keyCount: config.keyCount, treeDepth: config.treeDepth, preloaded: config.preloaded)
        store.acceptsOlderVersions = config.brokenMerge
    }

    init(config: ECConfig, store: ReplicaStore) {
        self.config = config
        self.store = store
    }
}

public struct ECReplica: SimulatedNode {
    public typealias Message = ECMessage
    public typealias Timer = ECTimer
    public typealias Command = ECCommand
    public typealias Output = ECOutput
    public typealias Durable = ECDurable

    struct PendingRead {
        var request: UInt64
        var key: Int
        var expected: Int
        var answers: [(node: NodeID, entry: KVEntry?)]
    }

    public let id: NodeID
    public let cluster: [NodeID]
    public private(set) var config: ECConfig?
    public private(set) var store: ReplicaStore
    private var nextSession: UInt64 = 0
    private var nextRequest: UInt64 = 0
    private var pending: [PendingRead] = []

    public init(id: NodeID, cluster: [NodeID], durable: ECDurable?) {
        self.id = id
        self.cluster = cluster
        config = durable?.config
        store = durable?.store ?? ReplicaStore(keyCount: 0, treeDepth: 0)
    }

    public mutating func start(_ context: inout NodeContext<ECReplica>) {
        if config != nil { scheduleAntiEntropy(&context) }
    }

    public mutating func handle(_ command: ECCommand, _ context: inout NodeContext<ECReplica>) {
        switch command {
        case let .write(key, value):
            guard config != nil else { return }
            let entry = store.write(key: key, value: value, replica: id, physicalMicros: context.now.nanoseconds / 1_000)
            persist(&context)
            context.output(.wrote(entry))
        case let .read(key, peers):
            guard let config else { return }
            nextRequest += 1
            let request = (UInt64(id) << 40) | nextRequest
            let others = peers.filter { $0 != id }
            pending.append(PendingRead(request: request, key: key, expected: others.count + 1,
                                       answers: [(id, store.entries[key])]))
            for peer in others { send(.read(request: request, key: key), to: peer, &context) }
            context.setTimer(.readTimeout(request), after: config.readTimeout)
            if others.isEmpty { finishRead(request, &context) }
        }
    }

    public mutating func fire(_ timer: ECTimer, _ context: inout NodeContext<ECReplica>) {
        switch timer {
        case .antiEntropy:
            startSession(&context)
            scheduleAntiEntropy(&context)
        case .readTimeout(let request):
            finishRead(request, &context)
        }
    }

    public mutating func receive(_ message: ECMessage, from peer: NodeID, _ context: inout NodeContext<ECReplica>) {
        guard config != nil else { return }
        switch message {
        case let .treeNodes(session, nodes): compareTreeNodes(nodes, session: session, peer: peer, &context)
        case let .rangeVersions(session, leaf, versions):
            let keys = store.tree.keyRange(ofLeaf: leaf)
            let (push, pull) = store.diff(peerVersions: versions, over: keys)
            if !push.isEmpty { send(.entries(session: session, entries: push), to: peer, &context) }
            if !pull.isEmpty { send(.pull(session: session, keys: pull), to: peer, &context) }
        case let .pull(session, keys):
            let found = keys.compactMap { $0 < store.keyCount ? store.entries[$0] : nil }
            if !found.isEmpty { send(.entries(session: session, entries: found), to: peer, &context) }
        case let .entries(session, entries):
            apply(entries, session: session, peer: peer, &context)
        case let .fullState(session, entries, reply):
            // Answer with our state as it was before merging, as a push-pull exchange does.
            if !reply {
                let mine = store.entries.compactMap { $0 }
                send(.fullState(session: session, entries: mine, reply: true), to: peer, &context)
            }
            apply(entries, session: session, peer: peer, &context)
        case let .read(request, key):
            send(.readReply(request: request, key: key, entry: store.entries[key]), to: peer, &context)
        case let .readReply(request, _, entry):
            guard let index = pending.firstIndex(where: { $0.request == request }) else { return }
            guard !pending[index].answers.contains(where: { $0.node == peer }) else { return }
            pending[index].answers.append((peer, entry))
            if pending[index].answers.count == pending[index].expected { finishRead(request, &context) }
        case .repair(let entry):
            if store.merge(entry) {
                persist(&context)
                context.output(.readRepaired(key: entry.key, coordinator: peer))
            }
        }
    }

    // MARK: Anti-entropy

    private mutating func startSession(_ context: inout NodeContext<ECReplica>) {
        guard let config, cluster.count > 1 else { return }
        let peers = cluster.filter { $0 != id }
        let peer = peers[Int(context.rng.below(UInt64(peers.count)))]
        nextSession += 1
        let session = (UInt64(id) << 40) | nextSession
        context.output(.sessionStarted(session: session, peer: peer))
        switch config.mode {
        case .merkle:
            let root = store.freshTree().root
            send(.treeNodes(session: session, nodes: [TreeNodeHash(node: 0, hash: root)]), to: peer, &context)
        case .full:
            send(.fullState(session: session, entries: store.entries.compactMap { $0 }, reply: false), to: peer, &context)
        }
    }

    /// Answers the peer's hashes: children of differing inner nodes, versions of differing leaves.
    private mutating func compareTreeNodes(_ nodes: [TreeNodeHash], session: UInt64, peer: NodeID,
                                           _ context: inout NodeContext<ECReplica>) {
        let tree = store.freshTree()
        var descend: [TreeNodeHash] = []
        var matched = true
        for remote in nodes where remote.node < tree.nodeCount && tree.hash(remote.node) != remote.hash {
            matched = false
            if tree.isLeaf(remote.node) {
                context.output(.leafDiffers(session: session, peer: peer, leaf: remote.node))
                let versions = store.versions(in: tree.keyRange(ofLeaf: remote.node))
                send(.rangeVersions(session: session, leaf: remote.node, versions: versions), to: peer, &context)
            } else {
                descend += tree.children(remote.node).map { TreeNodeHash(node: $0, hash: tree.hash($0)) }
            }
        }
        if matched && nodes.contains(where: { $0.node == 0 }) {
            context.output(.rootsMatched(session: session, peer: peer))
        }
        if !descend.isEmpty { send(.treeNodes(session: session, nodes: descend), to: peer, &context) }
    }

    private mutating func apply(_ entries: [KVEntry], session: UInt64, peer: NodeID,
                                _ context: inout NodeContext<ECReplica>) {
        var changed: [Int] = []
        for entry in entries where entry.key < store.keyCount && store.merge(entry) { changed.append(entry.key) }
        guard !changed.isEmpty else { return }
        persist(&context)
        context.output(.applied(session: session, peer: peer, keys: changed))
    }

    // MARK: Reads

    private mutating func finishRead(_ request: UInt64, _ context: inout NodeContext<ECReplica>) {
        guard let index = pending.firstIndex(where: { $0.request == request }) else { return }
        let read = pending.remove(at: index)
        context.cancelTimer(.readTimeout(request))
        let newest = read.answers.compactMap(\.entry).max { $0.version < $1.version }
        var stale: [NodeID] = []
        if let newest {
            for answer in read.answers where answer.entry?.version != newest.version {
                stale.append(answer.node)
                if answer.node == id {
                    if store.merge(newest) { persist(&context) }
                } else {
                    send(.repair(newest), to: answer.node, &context)
                }
            }
        }
        context.output(.readDone(key: read.key, newest: newest, answers: read.answers.count, stale: stale))
    }

    // MARK: Helpers

    private func scheduleAntiEntropy(_ context: inout NodeContext<ECReplica>) {
        guard let config else { return }
        // Jitter keeps replicas from reconciling in lockstep.
        let period = config.antiEntropyPeriod
        context.setTimer(.antiEntropy, after: SimDuration.random(in: period / 2, period * 3 / 2, using: &context.rng))
    }

    private func send(_ message: ECMessage, to peer: NodeID, _ context: inout NodeContext<ECReplica>) {
        context.output(.sent(bytes: message.bytes, antiEntropy: message.isAntiEntropy))
        context.send(message, to: peer)
    }

    private func persist(_ context: inout NodeContext<ECReplica>) {
        guard let config else { return }
        context.persist(ECDurable(config: config, store: store))
    }
}
