/// How the simulated network treats a message: its delay, and the odds of losing or
/// duplicating it. Reordering follows from independent random delays. Odds are per mille.
public struct NetworkConditions: Equatable, Sendable {
    /// One-way delay, drawn uniformly from `delayMin...delayMax` for each copy of a message.
    public var delayMin: SimDuration
    public var delayMax: SimDuration
    /// A rare slow message: with these odds, a copy takes up to `tailDelayMax` more.
    public var tailPerMille: UInt32
    public var tailDelayMax: SimDuration
    public var dropPerMille: UInt32
    public var duplicatePerMille: UInt32

    public init(
        delayMin: SimDuration = .milliseconds(1), delayMax: SimDuration = .milliseconds(5),
        tailPerMille: UInt32 = 0, tailDelayMax: SimDuration = .zero,
        dropPerMille: UInt32 = 0, duplicatePerMille: UInt32 = 0
    ) {
        self.delayMin = delayMin
        self.delayMax = delayMax
        self.tailPerMille = tailPerMille
        self.tailDelayMax = tailDelayMax
        self.dropPerMille = dropPerMille
        self.duplicatePerMille = duplicatePerMille
    }

    /// A quiet LAN: 1–5 ms, nothing lost.
    public static let reliable = NetworkConditions()

    /// Loss, duplication and a long tail: the network the checks run on.
    public static let unreliable = NetworkConditions(
        delayMin: .milliseconds(1), delayMax: .milliseconds(20),
        tailPerMille: 20, tailDelayMax: .milliseconds(200),
        dropPerMille: 100, duplicatePerMille: 20)

    func drawDelay(_ rng: inout SeededRNG) -> SimDuration {
        var delay = SimDuration.random(in: delayMin, delayMax, using: &rng)
        if rng.chance(perMille: tailPerMille) {
            delay = delay + SimDuration.random(in: .zero, tailDelayMax, using: &rng)
        }
        return delay
    }
}

/// Who can talk to whom. Nodes are placed in groups; two nodes can exchange messages when
/// they share a group. A node in several groups is a bridge; a node in none is isolated.
public struct Partition: Equatable, Sendable, CustomStringConvertible {
    /// Bit `g` of `membership[node]` is set when the node belongs to group `g`.
    private var membership: [UInt64]
    public let groups: [[NodeID]]

    public init(groups: [[NodeID]], nodeCount: Int) {
        precondition(groups.count <= 64, "at most 64 partition groups")
        self.groups = groups.map { $0.sorted() }
        membership = Array(repeating: 0, count: nodeCount)
        for (index, group) in groups.enumerated() {
            for node in group where node < nodeCount { membership[node] |= 1 << UInt64(index) }
        }
    }

    /// Two sides that cannot reach each other.
    public static func split(_ a: [NodeID], _ b: [NodeID], nodeCount: Int) -> Partition {
        Partition(groups: [a, b], nodeCount: nodeCount)
    }

    /// One node cut off from everyone else.
    public static func isolate(_ node: NodeID, nodeCount: Int) -> Partition {
        let others = (0..<nodeCount).filter { $0 != node }
        return Partition(groups: [[node], others], nodeCount: nodeCount)
    }

    /// Two sides that cannot reach each other, and one node that reaches both.
    public static func bridge(_ node: NodeID, between a: [NodeID], and b: [NodeID], nodeCount: Int) -> Partition {
        Partition(groups: [a + [node], b + [node]], nodeCount: nodeCount)
    }

    @inlinable public func allows(_ from: NodeID, _ to: NodeID) -> Bool {
        from == to || (membershipOf(from) & membershipOf(to)) != 0
    }

    @usableFromInline func membershipOf(_ node: NodeID) -> UInt64 {
        node < membership.count ? membership[node] : 0
    }

    public var description: String {
        groups.map { "{" + $0.map { "n\($0)" }.joined(separator: ",") + "}" }.joined(separator: " | ")
    }
}

/// A fault the simulator applies at a given time.
public enum Fault: Equatable, Sendable, CustomStringConvertible {
    case crash(NodeID)
    case restart(NodeID)
    case partition(Partition)
    /// Ends the partition, and every cut or slowed link.
    case heal
    case network(NetworkConditions)
    /// One direction of one link loses or delays its messages, until `heal`.
    case link(LinkFault)
    /// Arms a crash timed between a write and its reply: the node crashes the moment its next
    /// write is durable, before any message or output of that handler (or waiting for that
    /// write) leaves. A `restart` of the node disarms it.
    case crashAfterWrite(NodeID)
    /// Arms a crash in the middle of a write: the node's next write that messages overtake
    /// (sent ahead of the write: a candidate's vote requests, a leader's entries) on a disk
    /// that takes time never lands; the node crashes the moment before it would have. Whatever
    /// the node did meanwhile happened, what waited for the write never leaves. Crashes land
    /// where a protocol bets on a write it has not finished. On an instant disk there is no
    /// middle, and it acts as `crashAfterWrite`. A `restart` of the node disarms it.
    case crashDuringWrite(NodeID)

    public var description: String {
        switch self {
        case .crash(let node): "crash n\(node)"
        case .restart(let node): "restart n\(node)"
        case .crashAfterWrite(let node): "crash n\(node) after its next write"
        case .crashDuringWrite(let node): "crash n\(node) during its next write"
        case .partition(let partition): "partition \(partition)"
        case .heal: "heal partition"
        case .link(let link) where link.cut: "cut n\(link.from)->n\(link.to)"
        case .link(let link): "delay n\(link.from)->n\(link.to) +\(link.extraDelay)"
        case .network(let conditions):
            "network delay \(conditions.delayMin)..\(conditions.delayMax) drop \(conditions.dropPerMille)‰ dup \(conditions.duplicatePerMille)‰"
        }
    }
}
