/// A SWIM group member (Das, Gupta & Motivala, "SWIM: Scalable Weakly-consistent
/// Infection-style Process Group Membership Protocol", DSN 2002):
///
/// - §3.1 failure detection: each protocol period T' it pings one member; without an ack
///   within `pingTimeout` it asks k others to ping-req that member; without any ack by the end
///   of the period, it suspects it.
/// - §4.2 suspicion: a suspect is confirmed dead after a timeout unless a refutation (alive
///   with a higher incarnation) arrives first; a member that hears of its own suspicion refutes.
/// - §4.1 dissemination: updates are piggybacked on pings, ping-reqs and acks (`PiggybackBuffer`).
/// - §4.3 round-robin probe selection over a shuffled list, reshuffled after each pass, which
///   bounds the time to first probe of a failed member to 2n − 1 periods.
/// - Anti-entropy: every few periods a full push-pull exchange of the membership view and the
///   key-value store with a random peer (as memberlist's push-pull; Demers et al. 1987).
///
/// Simplifications:
/// - Lifeguard's buddy system is in (a ping to a suspect carries the suspicion); its local
///   health multiplier and dynamic suspicion timeouts are not.
/// - Push-pull may pick a member the view holds dead (memberlist gossips to the dead for a
///   while); that is how two sides of a healed partition find each other again.
import Simulation

public struct SwimNode: SimulatedNode {
    public typealias Message = SwimMessage
    public typealias Timer = SwimTimer
    public typealias Command = SwimCommand
    public typealias Output = SwimEvent
    public typealias Durable = SwimDisk

    struct Probe {
        var seq: UInt32
        var target: NodeID
        var acked: Bool
    }

    /// A ping this member sends on behalf of another one's ping-req.
    struct Relay {
        var seq: UInt32
        var requester: NodeID
        var requesterSeq: UInt32
        var target: NodeID
        var tick: Int
    }

    public let id: NodeID
    public private(set) var config: SwimConfig?
    public private(set) var view: MembershipView
    public private(set) var store = VersionedStore()
    var buffer = PiggybackBuffer(transmitLimit: 1, capacity: 1)
    private var restartedFrom: UInt32?
    private var order: [NodeID] = []
    private var orderIndex = 0
    private var probe: Probe?
    private var nextSeq: UInt32 = 0
    private var relays: [Relay] = []
    private var suspicions: [(member: NodeID, incarnation: UInt32, deadline: Int)] = []
    public private(set) var tick = 0

    public init(id: NodeID, cluster: [NodeID], durable: SwimDisk?) {
        self.id = id
        config = durable?.config
        restartedFrom = durable?.incarnation ?? nil
        view = MembershipView(me: id, count: cluster.count)
    }

    public mutating func start(_ context: inout NodeContext<SwimNode>) {
        if let config { setUp(config, &context) }
    }

    public mutating func handle(_ command: SwimCommand, _ context: inout NodeContext<SwimNode>) {
        switch command {
        case .put(let key, let value):
            _ = store.put(key: key, value: value, writer: id)
        }
    }

    private mutating func setUp(_ config: SwimConfig, _ context: inout NodeContext<SwimNode>) {
        view = MembershipView(me: id, count: config.members, variant: config.variant)
        buffer = PiggybackBuffer(transmitLimit: config.transmitLimit, capacity: config.bufferCapacity)
        order = (0..<config.members).filter { $0 != id }
        order.shuffle(using: &context.rng)
        context.setTimer(.period, after: SimDuration.random(in: .zero, config.period, using: &context.rng))
        if let old = restartedFrom {
            // Back from a crash: a higher incarnation overrides any suspicion or death the
            // group recorded meanwhile; a push-pull refills the view and the store at once.
            let alive = view.bumpOwnIncarnation(to: old + 1)
            context.persist(SwimDisk(config: config, incarnation: alive.incarnation))
            buffer.enqueue(alive)
            context.output(SwimEvent(kind: .refute, member: id, incarnation: alive.incarnation))
            pushPull(&context)
        } else {
            context.persist(SwimDisk(config: config, incarnation: 0))
        }
    }

    // MARK: Protocol period

    public mutating func fire(_ timer: SwimTimer, _ context: inout NodeContext<SwimNode>) {
        guard let config else { return }
        switch timer {
        case .period:
            tick += 1
            confirmExpiredSuspicions(&context)
            closeProbe(&context)
            startProbe(config, &context)
            relays.removeAll { $0.tick < tick - 1 }
            if (tick + id) % config.pushPullPeriods == 0 { pushPull(&context) }
            context.setTimer(.period, after: config.period)
        case .pingTimeout:
            guard let probe, !probe.acked else { return }
            for helper in randomAliveMembers(config.indirectProbes, excluding: probe.target, &context.rng) {
                context.send(.pingReq(seq: probe.seq, target: probe.target,
                                      updates: piggyback(for: helper)), to: helper)
            }
        }
    }

    /// The period ends: a probe that got no ack, direct or indirect, makes its target suspect.
    private mutating func closeProbe(_ context: inout NodeContext<SwimNode>) {
        guard let finished = probe, !finished.acked, view.status[finished.target] == .alive else { return }
        let suspicion = MemberUpdate(member: finished.target, status: .suspect,
                                     incarnation: view.incarnation[finished.target])
        learn(suspicion, byProbe: true, &context)
    }

    private mutating func startProbe(_ config: SwimConfig, _ context: inout NodeContext<SwimNode>) {
        probe = nil
        guard let target = nextTarget(&context.rng) else { return }
        nextSeq &+= 1
        probe = Probe(seq: nextSeq, target: target, acked: false)
        context.send(.ping(seq: nextSeq, updates: piggyback(for: target)), to: target)
        context.setTimer(.pingTimeout, after: config.pingTimeout)
    }

    /// Round-robin over a shuffled list of the other members, reshuffled after every pass
    /// (§4.3); members the view holds dead are skipped.
    private mutating func nextTarget(_ rng: inout SeededRNG) -> NodeID? {
        for _ in 0...order.count {
            if orderIndex >= order.count {
                order.shuffle(using: &rng)
                orderIndex = 0
            }
            let candidate = order[orderIndex]
            orderIndex += 1
            if view.status[candidate] != .dead { return candidate }
        }
        return nil
    }

    private mutating func confirmExpiredSuspicions(_ context: inout NodeContext<SwimNode>) {
        let due = suspicions.filter { $0.deadline <= tick }
        suspicions.removeAll { $0.deadline <= tick }
        for suspicion in due where view.status[suspicion.member] == .suspect
            && view.incarnation[suspicion.member] == suspicion.incarnation {
            let dead = MemberUpdate(member: suspicion.member, status: .dead, incarnation: suspicion.incarnation)
            learn(dead, byProbe: true, &context)
        }
    }

    private mutating func pushPull(_ context: inout NodeContext<SwimNode>) {
        guard view.count > 1 else { return }
        var peer = Int(context.rng.below(UInt64(view.count - 1)))
        if peer >= id { peer += 1 }
        context.send(.pushPull(members: view.snapshot, store: store, reply: true), to: peer)
    }

    /// Up to `count` distinct random members the view holds alive, other than this member
    /// and `excluded`: a bounded number of draws, so the cost stays O(k).
    private func randomAliveMembers(_ count: Int, excluding excluded: NodeID, _ rng: inout SeededRNG) -> [NodeID] {
        var chosen: [NodeID] = []
        for _ in 0..<(count * 4) where chosen.count < count {
            let m = Int(rng.below(UInt64(view.count)))
            if m != id && m != excluded && view.status[m] == .alive && !chosen.contains(m) { chosen.append(m) }
        }
        return chosen
    }

    // MARK: Messages

    public mutating func receive(_ message: SwimMessage, from sender: NodeID, _ context: inout NodeContext<SwimNode>) {
        switch message {
        case let .ping(seq, updates):
            learn(updates, &context)
            context.send(.ack(seq: seq, incarnation: view.ownIncarnation, updates: piggyback(for: sender)), to: sender)
        case let .ack(seq, incarnation, updates):
            learn(updates, &context)
            learn(MemberUpdate(member: sender, status: .alive, incarnation: incarnation), byProbe: false, &context)
            acknowledge(seq: seq, target: sender, incarnation: incarnation, &context)
        case let .pingReq(seq, target, updates):
            learn(updates, &context)
            nextSeq &+= 1
            relays.append(Relay(seq: nextSeq, requester: sender, requesterSeq: seq, target: target, tick: tick))
            context.send(.ping(seq: nextSeq, updates: piggyback(for: target)), to: target)
        case let .forwardedAck(seq, target, incarnation, updates):
            learn(updates, &context)
            learn(MemberUpdate(member: target, status: .alive, incarnation: incarnation), byProbe: false, &context)
            if let probe, probe.seq == seq, probe.target == target { self.probe?.acked = true }
        case let .pushPull(members, remote, reply):
            learn(members, &context)
            _ = store.merge(remote)
            if reply { context.send(.pushPull(members: view.snapshot, store: store, reply: false), to: sender) }
        }
    }

    /// An ack for this member's own probe, or for a ping it relays for someone else.
    private mutating func acknowledge(seq: UInt32, target: NodeID, incarnation: UInt32, _ context: inout NodeContext<SwimNode>) {
        if let probe, probe.seq == seq, probe.target == target {
            self.probe?.acked = true
        } else if let index = relays.firstIndex(where: { $0.seq == seq && $0.target == target }) {
            let relay = relays.remove(at: index)
            context.send(.forwardedAck(seq: relay.requesterSeq, target: target, incarnation: incarnation,
                                       updates: piggyback(for: relay.requester)), to: relay.requester)
        }
    }

    /// Updates for a message to `target`; a suspicion about the target itself goes first, so
    /// that a wrongly suspected member hears of it and refutes (Lifeguard's buddy system).
    private mutating func piggyback(for target: NodeID) -> [MemberUpdate] {
        guard let config else { return [] }
        var updates = buffer.take(config.piggybackPerMessage)
        if view.status[target] != .alive && !updates.contains(where: { $0.member == target }) {
            updates.insert(view.record(target), at: 0)
        }
        return updates
    }

    // MARK: Merging updates

    private mutating func learn(_ updates: [MemberUpdate], _ context: inout NodeContext<SwimNode>) {
        for update in updates { learn(update, byProbe: false, &context) }
    }

    /// Merges one update; if it changed the view, gossips it on and reports it.
    private mutating func learn(_ update: MemberUpdate, byProbe: Bool, _ context: inout NodeContext<SwimNode>) {
        switch view.apply(update) {
        case .ignored:
            return
        case .refuted(let incarnation):
            buffer.enqueue(view.record(id))
            if let config { context.persist(SwimDisk(config: config, incarnation: incarnation)) }
            context.output(SwimEvent(kind: .refute, member: id, incarnation: incarnation))
        case .accepted(let was):
            buffer.enqueue(update)
            let m = update.member
            suspicions.removeAll { $0.member == m }
            switch update.status {
            case .suspect:
                suspicions.append((m, update.incarnation, tick + (config?.suspicionPeriods ?? 1)))
                context.output(SwimEvent(kind: byProbe ? .suspectByProbe : .suspectByGossip, member: m,
                                         incarnation: update.incarnation))
            case .dead:
                context.output(SwimEvent(kind: byProbe ? .confirm : .deadByGossip, member: m, incarnation: update.incarnation))
            case .alive where was != .alive:
                context.output(SwimEvent(kind: .alive, member: m, incarnation: update.incarnation))
            case .alive:
                break
            }
        }
    }
}
