import Simulation

/// A replica of one CRDT as a simulated node, with periodic anti-entropy to a random peer.
/// Two ways to ship: the whole state every round (state-based CRDTs as in Shapiro et al.
/// 2011, §2.2), or delta groups with acknowledgements (Almeida, Shoker & Baquero 2018, §5,
/// Algorithm 2 "anti-entropy algorithm ensuring causal consistency"):
///
/// - every local update and every received delta that inflates the state is appended to a
///   delta buffer `D` under a sequence number `c`;
/// - a gossip round picks a peer `j` and sends the join of `D[A(j)..<c]`, or the full state
///   when that part of the buffer is gone (after a restart, or for a peer never heard from);
/// - the receiver joins it, buffers it if it was news (so deltas travel transitively), and
///   acknowledges `c`; acknowledgements let the sender trim `D` below the smallest one.
///
/// Because the join is idempotent, commutative and associative, the lossy network may drop,
/// duplicate and reorder any of these messages: a lost delta group is simply resent, as part
/// of a larger group, until acknowledged. The state and `c` are durable; `D` and the
/// acknowledgement map are not, which only costs a full-state round after a restart.
///
/// One refinement of Enes, Almeida, Baquero & Leitão 2019, "Efficient synchronization of
/// state-based CRDTs", is applied: a delta is never sent back to the peer it came from (BP).
///
/// A deliberately broken variant, `replaysRemovals`, re-applies the replica's own removes
/// after every merge that brought news, as a sync layer that "makes deletes stick" would: a
/// remove then beats a concurrent add (remove-wins), which the add-wins oracle must catch.
///
/// Simplifications:
/// - Push-only gossip to one uniformly random peer per round; no digests, no Merkle trees,
///   and no "remove redundant state" (RR) of Enes et al.: a received delta group is buffered
///   whole, even where it overlaps what the replica had.
/// - Membership is the fixed cluster of the simulator.
public struct Replica<Data: ReplicatedData, Policy: ShippingPolicy>: SimulatedNode {
    public enum Message {
        /// The whole state. `upTo` is the sender's sequence number (delta mode only).
        case state(Data, upTo: UInt64)
        /// The join of the sender's buffered deltas up to (excluding) `upTo`.
        case deltaGroup(Data, upTo: UInt64)
        case ack(UInt64)
    }

    public enum Timer: Hashable { case gossip }

    public enum Command {
        case update(Data.Operation)
    }

    /// What a replica reports to the harness, which prints it and checks it.
    public enum Output {
        case applied(Data.Operation, delta: Data)
        case shipped(to: NodeID, kind: String, bytes: Int)
        case merged(from: NodeID, kind: String, bytes: Int, inflated: Bool)
    }

    public struct Durable {
        public var state: Data
        public var sequence: UInt64
    }

    public let id: NodeID
    public let cluster: [NodeID]
    public private(set) var state: Data
    /// Almeida's `c`: the sequence number of the next buffered delta.
    public private(set) var sequence: UInt64
    /// Almeida's `D`: buffered deltas, consecutive sequence numbers ending at `sequence - 1`,
    /// each with the peer it came from (nil: a local update).
    public private(set) var buffer: [(sequence: UInt64, delta: Data, origin: NodeID?)] = []
    /// Almeida's `A`: per peer, the sequence number it has acknowledged.
    public private(set) var acknowledged: [UInt64]
    /// The broken remove-wins variant: replays `removals` after each inflating merge.
    public let replaysRemovals: Bool
    private var removals: [Data.Operation] = []

    public init(id: NodeID, cluster: [NodeID], durable: Durable?) {
        self.init(id: id, cluster: cluster, durable: durable, replaysRemovals: false)
    }

    public init(id: NodeID, cluster: [NodeID], durable: Durable?, replaysRemovals: Bool) {
        self.id = id
        self.cluster = cluster
        self.replaysRemovals = replaysRemovals
        state = durable?.state ?? Data()
        sequence = durable?.sequence ?? 0
        acknowledged = Array(repeating: 0, count: cluster.count)
    }

    public mutating func start(_ context: inout NodeContext<Self>) {
        scheduleGossip(&context)
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<Self>) {
        guard case .update(let operation) = command else { return }
        let delta = state.apply(operation, replica: id)
        if replaysRemovals && Data.isRemoval(operation) { removals.append(operation) }
        buffer(delta, from: nil)
        context.persist(Durable(state: state, sequence: sequence))
        context.output(.applied(operation, delta: delta))
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Self>) {
        switch message {
        case let .state(payload, upTo), let .deltaGroup(payload, upTo):
            let kind = if case .state = message { "state" } else { "delta" }
            let merged = state.merging(payload)
            let inflated = merged != state
            if inflated {
                state = merged
                buffer(payload, from: sender)
                for removal in removals {
                    let before = state
                    let delta = state.apply(removal, replica: id)
                    if state != before { buffer(delta, from: nil) }
                }
                context.persist(Durable(state: state, sequence: sequence))
            }
            context.output(.merged(from: sender, kind: kind, bytes: Self.size(of: message), inflated: inflated))
            if Policy.shipsDeltas {
                let ack = Message.ack(upTo)
                context.send(ack, to: sender)
                context.output(.shipped(to: sender, kind: "ack", bytes: Self.size(of: ack)))
            }
        case .ack(let upTo):
            acknowledged[sender] = max(acknowledged[sender], upTo)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<Self>) {
        scheduleGossip(&context)
        collectGarbage()
        let peers = cluster.filter { $0 != id }
        guard let peer = context.rng.pick(peers) else { return }
        guard let message = gossip(to: peer) else { return }
        context.send(message, to: peer)
        let kind = if case .state = message { "state" } else { "delta" }
        context.output(.shipped(to: peer, kind: kind, bytes: Self.size(of: message)))
    }

    // MARK: Anti-entropy

    /// What to send `peer` this round: the full state (full-state policy, or the buffer no
    /// longer reaches back to what the peer acknowledged), a delta group, or nothing when the
    /// peer has acknowledged everything.
    func gossip(to peer: NodeID) -> Message? {
        guard Policy.shipsDeltas else { return .state(state, upTo: 0) }
        let from = acknowledged[peer]
        guard from < sequence else { return nil }
        guard let first = buffer.first, first.sequence <= from else {
            return .state(state, upTo: sequence)
        }
        // Avoid back-propagation (Enes et al. 2019, §4.1): the peer a delta came from has it.
        let parts = buffer.filter { $0.sequence >= from && $0.origin != peer }.map(\.delta)
        return .deltaGroup(Self.join(parts), upTo: sequence)
    }

    /// The join of `parts`, pairwise like a merge sort: joining many small deltas one by one
    /// into a growing group would copy the group once per delta.
    static func join(_ parts: [Data]) -> Data {
        var level = parts
        while level.count > 1 {
            var next: [Data] = []
            next.reserveCapacity((level.count + 1) / 2)
            var index = 0
            while index + 1 < level.count {
                next.append(level[index].merging(level[index + 1]))
                index += 2
            }
            if index < level.count { next.append(level[index]) }
            level = next
        }
        return level.first ?? Data()
    }

    private mutating func buffer(_ delta: Data, from origin: NodeID?) {
        if Policy.shipsDeltas { buffer.append((sequence, delta, origin)) }
        sequence += 1
    }

    /// Drops deltas every peer has acknowledged.
    private mutating func collectGarbage() {
        let floor = cluster.filter { $0 != id }.map { acknowledged[$0] }.min() ?? sequence
        if let keep = buffer.firstIndex(where: { $0.sequence >= floor }) {
            buffer.removeFirst(keep)
        } else {
            buffer.removeAll()
        }
    }

    private func scheduleGossip(_ context: inout NodeContext<Self>) {
        let period = Policy.gossipPeriod
        context.setTimer(.gossip, after: SimDuration.random(in: period * 3 / 4, period * 5 / 4, using: &context.rng))
    }

    /// Bytes on the wire: a tag byte, the sequence number, the payload.
    static func size(of message: Message) -> Int {
        switch message {
        case let .state(payload, upTo), let .deltaGroup(payload, upTo):
            1 + WireSize.varint(upTo) + payload.encodedSize
        case .ack(let upTo):
            1 + WireSize.varint(upTo)
        }
    }
}

/// How replicas ship state, fixed per simulation as a type (the simulator builds nodes from
/// their id alone, and a restarted node must come back with the same policy).
public protocol ShippingPolicy {
    static var shipsDeltas: Bool { get }
    static var gossipPeriod: SimDuration { get }
}

/// Whole state every round.
public enum FullStateShipping: ShippingPolicy {
    public static let shipsDeltas = false
    public static let gossipPeriod = SimDuration.milliseconds(50)
}

/// Delta groups with acknowledgements (Almeida et al. 2018, Algorithm 2).
public enum DeltaShipping: ShippingPolicy {
    public static let shipsDeltas = true
    public static let gossipPeriod = SimDuration.milliseconds(50)
}
