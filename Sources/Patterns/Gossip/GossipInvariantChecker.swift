/// SWIM's safety properties as the demo checks them, live, against what the harness itself
/// delivered and the real state of every member (Das, Gupta & Motivala 2002, §4.2: the
/// suspicion mechanism exists so that a live member is not declared dead).
///
/// Invariants:
/// - no-death-after-refutation: once the harness has delivered to a member word that m is
///   alive at incarnation j (an ack from m, a relayed ack, a gossiped or pushed record), that
///   member never holds m dead at an incarnation below j (until it restarts and forgets).
///   This holds whatever the loss: it is the precedence rule of §4.2, judged from deliveries.
/// - no-false-death: a member that is up is never confirmed dead unless, since shortly before
///   the suspicion began, it was down, partitioned off, or the network was losing messages:
///   on a quiet network nothing but a bug can kill a live member. Excused deaths are counted.
///
/// Liveness (agreement, dissemination) is judged by `GossipHarness` once faults stop.
///
/// Simplifications:
/// - Loss is judged for the whole network (the simulator does not say which message it
///   lost); partitions and crashes are judged per member.
import Simulation

public struct GossipBreach: Equatable, Sendable {
    public var invariant: String
    public var detail: String
    /// A goal not reached within the horizon, rather than a broken rule.
    public var liveness = false
}

public struct GossipInvariantChecker: Sendable {
    let members: Int
    let period: SimDuration
    /// The last time the network was partitioned, and lossy, if ever; and whether it is now.
    private var lastPartitioned: SimTime?
    private var lastLossy: SimTime?
    private var partitionedNow = false
    private var lossyNow = false
    /// The last time each member was down.
    private var lastDown: [SimTime?]
    /// When the group first suspected each (member, incarnation).
    private var firstSuspicion: [UInt64: SimTime] = [:]
    /// Per observer·n + member: one more than the highest incarnation at which the harness
    /// delivered to the observer a record of the member alive (0: none since its last boot).
    private var heardAlive: [UInt32]
    /// Live (member, incarnation) pairs some member held dead, each explained, by cause.
    private var explained: [String: Set<UInt64>] = [:]
    public var explainedFalseDeaths: Int { explained.values.map(\.count).reduce(0, +) }
    /// The causes a false death can be explained by, in the order they are printed.
    public static let causes = ["partition", "loss", "restart"]
    /// How many live (member, incarnation) pairs were held dead, explained by `cause`.
    public func explained(by cause: String) -> Int { explained[cause]?.count ?? 0 }
    /// "partition 12, loss 1": the causes, in a fixed order.
    public var explanation: String {
        ["partition", "loss", "restart"].compactMap { cause in
            explained[cause].map { "\(cause) \($0.count)" }
        }.joined(separator: ", ")
    }

    public init(members: Int, period: SimDuration) {
        self.members = members
        self.period = period
        lastDown = Array(repeating: nil, count: members)
        heardAlive = Array(repeating: 0, count: members * members)
    }

    mutating func networkChanged(partitioned: Bool, lossy: Bool, at now: SimTime) {
        if partitioned || partitionedNow { lastPartitioned = now }
        if lossy || lossyNow { lastLossy = now }
        partitionedNow = partitioned
        lossyNow = lossy
    }

    /// A member crashed or restarted: it was down, and its view starts afresh.
    mutating func down(_ member: NodeID, at now: SimTime) {
        lastDown[member] = now
        for m in 0..<members { heardAlive[member * members + m] = 0 }
    }

    /// A message the simulator delivered: every record of a member alive that it carries.
    mutating func delivered(_ message: SwimMessage, from sender: NodeID, to receiver: NodeID) {
        func heard(_ member: NodeID, _ incarnation: UInt32) {
            guard member != receiver, member >= 0, member < members else { return }
            let index = receiver * members + member
            heardAlive[index] = max(heardAlive[index], incarnation + 1)
        }
        func heard(_ updates: [MemberUpdate]) {
            for update in updates where update.status == .alive { heard(update.member, update.incarnation) }
        }
        switch message {
        case let .ping(_, updates), let .pingReq(_, _, updates):
            heard(updates)
        case let .ack(_, incarnation, updates):
            heard(sender, incarnation)
            heard(updates)
        case let .forwardedAck(_, target, incarnation, updates):
            heard(target, incarnation)
            heard(updates)
        case let .pushPull(records, _, _):
            heard(records)
        }
    }

    /// One member's report; `up` tells whether the member it is about is up now.
    mutating func observe(_ event: SwimEvent, by observer: NodeID, up: Bool, at now: SimTime) -> GossipBreach? {
        let key = UInt64(event.member) << 32 | UInt64(event.incarnation)
        switch event.kind {
        case .suspectByProbe, .suspectByGossip:
            if firstSuspicion[key] == nil { firstSuspicion[key] = now }
        case .confirm, .deadByGossip:
            let heard = heardAlive[observer * members + event.member]
            if heard > event.incarnation + 1 {
                return GossipBreach(invariant: "no-death-after-refutation",
                    detail: "n\(observer) holds n\(event.member) dead at inc \(event.incarnation) after the harness "
                        + "delivered to it n\(event.member) alive at inc \(heard - 1)")
            }
            guard up else { return nil }
            let began = firstSuspicion[key] ?? now
            let window = SimTime(nanoseconds: began.nanoseconds - min(began.nanoseconds, (period * 2).nanoseconds))
            if let cause = cause(event.member, since: window) {
                explained[cause, default: []].insert(key)
                return nil
            }
            return GossipBreach(invariant: "no-false-death",
                detail: "n\(observer) holds live n\(event.member) dead (inc \(event.incarnation)) on an undisturbed network")
        case .alive, .refute:
            break
        }
        return nil
    }

    /// Why a live member may rightly have been held dead: it was down for a while, or the
    /// network was partitioned or lossy since `start`; nil when nothing excuses it.
    private func cause(_ member: NodeID, since start: SimTime) -> String? {
        if partitionedNow || (lastPartitioned.map { $0 >= start } ?? false) { return "partition" }
        if lossyNow || (lastLossy.map { $0 >= start } ?? false) { return "loss" }
        if lastDown[member].map({ $0 >= start }) ?? false { return "restart" }
        return nil
    }

    /// Whether every live member's view matches the truth (live members alive, crashed ones
    /// dead); nil when it does.
    static func membershipDisagreement(_ nodes: [SwimNode?]) -> String? {
        for observer in nodes.indices {
            guard let node = nodes[observer] else { continue }
            for member in nodes.indices {
                let truth: MemberStatus = nodes[member] == nil ? .dead : .alive
                if node.view.status[member] != truth {
                    return "n\(observer) holds n\(member) \(node.view.status[member]), but it is \(truth == .alive ? "up" : "down")"
                }
            }
        }
        return nil
    }

    /// Whether every live member holds the same store; nil when they do.
    static func storeDisagreement(_ nodes: [SwimNode?]) -> String? {
        let live = nodes.indices.filter { nodes[$0] != nil }
        guard let first = live.first, let reference = nodes[first]?.store else { return nil }
        let differ = live.first { nodes[$0]?.store != reference }
        return differ.map { "n\($0)'s store differs from n\(first)'s" }
    }
}
