import Simulation

/// Settings shared by every node of the sharded store, the node layout (placement service
/// `0`, storage nodes `1...nodes`, then clients) and the skewed workload.
///
/// Simplifications:
/// - Nodes find the configuration on their disk at boot (the simulator's `disks:`, standing in
///   for a config file); nothing crashes, so nothing else is kept there.
public struct ShardingConfig: Equatable, Sendable {
    public var keySpace: Int
    public var initialShards: Int
    public var nodes: Int
    public var clients: Int
    public var workload: Workload
    public var writePerMille: UInt32
    public var stopClientsAt: SimTime
    public var reportInterval: SimDuration
    public var balanceFrom: SimTime
    public var maxMoves: Int
    /// Streamed entries the destination may still lack when the source freezes the range.
    public var freezeLag: Int
    public var requestTimeout: SimDuration
    /// Snapshot items copied per 5 ms tick: the copy's bandwidth, so a big range takes a while.
    public var copyChunk: Int
    /// Test hook for the broken variant: switch ownership right after the snapshot, without
    /// freezing the source or streaming the writes it took meanwhile.
    public var unsafeSkipCatchUp: Bool

    public init(keySpace: Int = 1000, initialShards: Int = 4, nodes: Int = 4, clients: Int = 4,
                workload: Workload = Workload(keySpace: 1000, hotLow: 100, hotWidth: 60, hotPerMille: 600),
                writePerMille: UInt32 = 500, stopClientsAt: SimTime = SimTime.zero + .milliseconds(1600),
                reportInterval: SimDuration = .milliseconds(100), balanceFrom: SimTime = SimTime.zero + .milliseconds(250),
                maxMoves: Int = 3, freezeLag: Int = 2, requestTimeout: SimDuration = .milliseconds(30), copyChunk: Int = 12,
                unsafeSkipCatchUp: Bool = false) {
        self.keySpace = keySpace
        self.initialShards = initialShards
        self.nodes = nodes
        self.clients = clients
        self.workload = workload
        self.writePerMille = writePerMille
        self.stopClientsAt = stopClientsAt
        self.reportInterval = reportInterval
        self.balanceFrom = balanceFrom
        self.maxMoves = maxMoves
        self.freezeLag = freezeLag
        self.requestTimeout = requestTimeout
        self.copyChunk = copyChunk
        self.unsafeSkipCatchUp = unsafeSkipCatchUp
    }

    public var placement: NodeID { 0 }
    public var storageIDs: [NodeID] { Array(1...nodes) }
    public var clientIDs: [NodeID] { Array((nodes + 1)...(nodes + clients)) }
    public var nodeCount: Int { 1 + nodes + clients }
}

/// A skewed key distribution from integer arithmetic only: with `hotPerMille` odds a key from
/// the hot range `[hotLow, hotLow + hotWidth)`, its low ranks far more likely (a rank drawn
/// below a rank drawn below the width: roughly harmonic, Zipf-like), else a uniform key.
public struct Workload: Equatable, Sendable {
    public var keySpace: Int
    public var hotLow: Int
    public var hotWidth: Int
    public var hotPerMille: UInt32

    public init(keySpace: Int, hotLow: Int, hotWidth: Int, hotPerMille: UInt32) {
        self.keySpace = keySpace
        self.hotLow = hotLow
        self.hotWidth = hotWidth
        self.hotPerMille = hotPerMille
    }

    public func draw(_ rng: inout SeededRNG) -> Int {
        guard rng.chance(perMille: hotPerMille) else { return Int(rng.below(UInt64(keySpace))) }
        let rank = rng.below(rng.below(UInt64(hotWidth)) + 1)
        return hotLow + Int(rank)
    }

    /// Which of `shards` hash shards a key lands on (Fibonacci hashing, integer only).
    public static func hashShard(_ key: Int, shards: Int) -> Int {
        let mixed = (UInt64(key) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        return Int((mixed >> 32) % UInt64(shards))
    }

    /// Which of `shards` equal ranges a key lands on.
    public func rangeShard(_ key: Int, shards: Int) -> Int { key * shards / keySpace }
}

/// A node's disk: the configuration, as a config file.
public struct ShardingDurable: Sendable {
    public var config: ShardingConfig
    /// The node's state as of its last handler, nil before its first boot: a storage node's
    /// data, session table and move progress, the placement service's routing versions and
    /// move records, a client's operation in flight and request counter (so its retries keep
    /// their request id and a restarted client never reuses one).
    var role: ShardingNode.Role?

    public init(config: ShardingConfig) {
        self.config = config
    }
}
