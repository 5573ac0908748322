import Simulation

/// Kafka's consumer group coordinator (Kafka protocol guide, "Group membership"; KIP-848's
/// heartbeat-driven protocol): members heartbeat; a member silent for longer than the session
/// timeout is removed; every change of membership starts a new generation with a fresh
/// assignment by the range assignor. The generation number fences zombies: the sink accepts a
/// commit only from the partition's owner in the current generation.
///
/// Simplifications:
/// - Lives on the controller node, which never crashes (Kafka picks a broker by the group id's
///   hash and replicates group state in `__consumer_offsets`).
/// - No JoinGroup/SyncGroup barrier: a new generation takes effect at once, and the sink's
///   fencing (not a revoke-before-assign handshake) keeps two owners from both committing.
struct GroupCoordinator {
    typealias Context = NodeContext<EventLogNode>

    let config: EventLogConfig
    var generation = 0
    var members: [NodeID] = []
    var lastSeen: [NodeID: SimTime] = [:]
    /// `owner[p]`: the member that owns partition p in this generation.
    var owner: [NodeID?]
    var rebalances = 0

    init(config: EventLogConfig) {
        self.config = config
        owner = Array(repeating: nil, count: config.partitions)
    }

    mutating func heartbeat(from member: NodeID, _ context: inout Context) {
        lastSeen[member] = context.now
        if !members.contains(member) {
            members = (members + [member]).sorted()
            rebalance(because: "n\(member) joins", &context)
        }
        context.send(.groupAssignment(generation: generation, partitions: partitions(of: member)), to: member)
    }

    mutating func checkSessions(_ context: inout Context) {
        let expired = members.filter { context.now - (lastSeen[$0] ?? .zero) > config.sessionTimeout }
        guard !expired.isEmpty else { return }
        members.removeAll { expired.contains($0) }
        let names = expired.map { "n\($0)" }.joined(separator: ",")
        rebalance(because: "\(names) missed heartbeats for \(config.sessionTimeout.milliseconds)ms", &context)
    }

    func partitions(of member: NodeID) -> [Int] {
        (0..<config.partitions).filter { owner[$0] == member }
    }

    /// Kafka's range assignor: sorted members get contiguous ranges, the first ones one extra.
    static func rangeAssign(members: [NodeID], partitions: Int) -> [NodeID?] {
        var owner = [NodeID?](repeating: nil, count: partitions)
        guard !members.isEmpty else { return owner }
        let sorted = members.sorted()
        let share = partitions / sorted.count
        let extra = partitions % sorted.count
        var next = 0
        for (index, member) in sorted.enumerated() {
            let count = share + (index < extra ? 1 : 0)
            for p in next..<(next + count) { owner[p] = member }
            next += count
        }
        return owner
    }

    private mutating func rebalance(because reason: String, _ context: inout Context) {
        generation += 1
        rebalances += 1
        owner = GroupCoordinator.rangeAssign(members: members, partitions: config.partitions)
        let plan = members.map { m in "n\(m)={" + partitions(of: m).map { "p\($0)" }.joined(separator: ",") + "}" }
        context.output(.note("rebalance", "coordinator: \(reason); generation \(generation): "
            + (plan.isEmpty ? "no members" : plan.joined(separator: " "))))
    }
}
