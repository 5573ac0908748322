/// One server of the Dynamo-style store: a replica that keeps versions and hints on stable
/// storage, and a coordinator for the client requests sent to it (the coordinator half is in
/// `StoreNode+Coordinator.swift`). DeCandia et al., "Dynamo" (SOSP 2007): §4.2 partitioning
/// on a consistent-hash ring, §4.3 replication to the preference list, §4.4 versioning,
/// §4.5 get/put with R and W, §4.6 hinted handoff.
///
/// A replica never goes backwards: it reconciles what it receives with what it has (the
/// causally-maximal versions, or the latest under last-writer-wins) and persists before it
/// acknowledges. A write meant for an unreachable replica is kept by a fallback node as a
/// hint, apart from its own data, and handed to the intended owner until it acknowledges.
///
/// Simplifications:
/// - Every node knows the full, static ring; no membership changes or gossip.
/// - No Merkle-tree anti-entropy (§4.7): a replica that missed a write without a hint
///   catches up only through read repair.
/// - Clients are co-located with their coordinator (a partition-aware client library), so
///   client–coordinator traffic is not on the simulated network.
import ConsistentHashing
import Simulation
import VectorClocks

public struct StoreNode: SimulatedNode {
    /// Indirect: events sit in the simulator's heap and are moved often; a boxed payload moves
    /// as one reference.
    public indirect enum Message: Sendable {
        /// Store `versions` (replica write, read repair when `request` is nil, or a hint for
        /// `hintFor`).
        case store(request: Int?, key: String, versions: [Version], hintFor: NodeID?, resolution: Resolution)
        case stored(request: Int)
        case fetch(request: Int, key: String)
        case fetched(request: Int, versions: [Version])
        case handoff(hint: Int, key: String, versions: [Version], resolution: Resolution)
        case handoffAck(hint: Int, versions: [Version])
    }

    public enum Timer: Hashable, Sendable {
        case fallback(request: Int)
        case timeout(request: Int)
        case handoff
    }

    public enum Command: Sendable {
        /// Write `value` under `clock` (the client's context advanced at its own entry).
        case put(request: Int, key: String, value: String, clock: VectorClock, policy: QuorumPolicy)
        case get(request: Int, key: String, policy: QuorumPolicy)
    }

    public enum Output: Sendable {
        case putDone(request: Int, key: String, ok: Bool, version: Version, acks: [NodeID])
        case getDone(request: Int, ok: Bool, versions: [Version], from: [NodeID])
        case hintStored(key: String, target: NodeID, holder: NodeID)
        case handedOff(key: String, target: NodeID)
        case repaired(key: String, replica: NodeID)
    }

    /// A write held for a replica that did not answer (Dynamo §4.6).
    public struct Hint: Sendable {
        public let id: Int
        public let target: NodeID
        public let key: String
        public var versions: [Version]
        public let resolution: Resolution
    }

    /// What survives a crash: the data and the hints.
    public struct Storage: Sendable {
        public var data: [String: [Version]] = [:]
        public var hints: [Hint] = []
        var nextHint = 1
    }

    public static let virtualNodes = 16
    public static let handoffEvery = SimDuration.milliseconds(50)

    public let id: NodeID
    public let cluster: [NodeID]
    public let ring: HashRing
    public private(set) var storage: Storage
    var puts: [Int: PendingPut] = [:]
    var gets: [Int: PendingGet] = [:]
    /// Whether the handoff timer is pending: re-arming it on every new hint would postpone
    /// handoff forever under steady traffic.
    var handoffArmed = false

    public init(id: NodeID, cluster: [NodeID], durable: Storage?) {
        self.id = id
        self.cluster = cluster
        ring = HashRing(nodes: cluster, virtualNodes: Self.virtualNodes)
        storage = durable ?? Storage()
    }

    public mutating func start(_ context: inout NodeContext<StoreNode>) {
        if !storage.hints.isEmpty { armHandoff(&context) }
    }

    mutating func armHandoff(_ context: inout NodeContext<StoreNode>) {
        guard !handoffArmed else { return }
        handoffArmed = true
        context.setTimer(.handoff, after: Self.handoffEvery)
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<StoreNode>) {
        switch message {
        case let .store(request, key, versions, hintFor, resolution):
            applyStore(key: key, versions: versions, hintFor: hintFor, resolution: resolution, &context)
            if let request { context.send(.stored(request: request), to: sender) }
        case let .fetch(request, key):
            context.send(.fetched(request: request, versions: localVersions(key)), to: sender)
        case let .handoff(hint, key, versions, resolution):
            applyStore(key: key, versions: versions, hintFor: nil, resolution: resolution, &context)
            context.send(.handoffAck(hint: hint, versions: versions), to: sender)
        case let .handoffAck(hint, versions):
            acknowledgeHandoff(hint, versions, &context)
        case let .stored(request):
            storedAck(request, from: sender, &context)
        case let .fetched(request, versions):
            fetchedReply(request, versions, from: sender, &context)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<StoreNode>) {
        switch timer {
        case .handoff:
            handoffArmed = false
            for hint in storage.hints {
                context.send(.handoff(hint: hint.id, key: hint.key, versions: hint.versions,
                                      resolution: hint.resolution), to: hint.target)
            }
            if !storage.hints.isEmpty { armHandoff(&context) }
        case let .fallback(request):
            fallbackRound(request, &context)
        case let .timeout(request):
            expire(request, &context)
        }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<StoreNode>) {
        switch command {
        case let .put(request, key, value, clock, policy):
            coordinatePut(request, key: key, value: value, clock: clock, policy: policy, &context)
        case let .get(request, key, policy):
            coordinateGet(request, key: key, policy: policy, &context)
        }
    }

    // MARK: Replica

    /// What this node answers for `key`: its own versions reconciled with any it holds as
    /// hints (a fallback node serves what it holds, as Riak's fallback vnodes do).
    func localVersions(_ key: String) -> [Version] {
        let own = storage.data[key] ?? []
        let hinted = storage.hints.filter { $0.key == key }
        guard let resolution = hinted.first?.resolution else { return own }
        return hinted.reduce(own) { resolution.reconcile($0, $1.versions) }
    }

    mutating func applyStore(key: String, versions: [Version], hintFor: NodeID?, resolution: Resolution,
                             _ context: inout NodeContext<StoreNode>) {
        if let target = hintFor, target != id {
            if let index = storage.hints.firstIndex(where: { $0.target == target && $0.key == key }) {
                storage.hints[index].versions = resolution.reconcile(storage.hints[index].versions, versions)
            } else {
                storage.hints.append(Hint(id: storage.nextHint, target: target, key: key, versions: versions,
                                          resolution: resolution))
                storage.nextHint += 1
                context.output(.hintStored(key: key, target: target, holder: id))
            }
            armHandoff(&context)
        } else {
            storage.data[key] = resolution.reconcile(storage.data[key] ?? [], versions)
        }
        context.persist(storage)
    }

    /// The owner has stored what was sent: drop the versions it now covers. Versions that
    /// joined the hint after the handoff left stay for the next round.
    mutating func acknowledgeHandoff(_ hintID: Int, _ delivered: [Version], _ context: inout NodeContext<StoreNode>) {
        guard let index = storage.hints.firstIndex(where: { $0.id == hintID }) else { return }
        let hint = storage.hints[index]
        let remaining = hint.versions.filter { !hint.resolution.covers(delivered, $0) }
        if remaining.isEmpty {
            storage.hints.remove(at: index)
            context.output(.handedOff(key: hint.key, target: hint.target))
        } else {
            storage.hints[index].versions = remaining
        }
        context.persist(storage)
    }
}
