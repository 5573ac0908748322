/// SWIM's safety and liveness properties as the demo checks them, live, against the real
/// state of the network and of every member (Das, Gupta & Motivala 2002, §4.2: the suspicion
/// mechanism exists so that a live member is not declared dead).
///
/// Invariants:
/// - no-false-death: a member that is up is never confirmed dead, unless the network was
///   disturbed (a partition, or message loss) or it was down at some point since the
///   suspicion began. Those cases are counted, not forgiven silently.
/// - no-death-while-answering: a member that received an ack straight from a suspect, after
///   pinging it during the suspicion, does not then confirm it dead (the ack carries the
///   refutation) unless the network was disturbed.
/// - agreement: once faults stop, every live member's view converges to the truth (live
///   members alive, crashed ones dead) and every store to the same contents, within a bound.
///
/// Simplifications:
/// - "Disturbed" is judged for the whole network, not per path.
import Simulation

public struct GossipBreach: Equatable, Sendable {
    public var invariant: String
    public var detail: String
}

public struct GossipInvariantChecker: Sendable {
    struct Suspicion {
        var since: SimTime
        var pinged = false
        var answered = false
    }

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
    /// Suspicions an observer holds, keyed by observer·n + member.
    private var open: [Int: Suspicion] = [:]
    /// Live (member, incarnation) pairs some member held dead, each explained, by cause.
    private var explained: [String: Set<UInt64>] = [:]
    public var explainedFalseDeaths: Int { explained.values.map(\.count).reduce(0, +) }
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
    }

    mutating func networkChanged(partitioned: Bool, lossy: Bool, at now: SimTime) {
        if partitioned || partitionedNow { lastPartitioned = now }
        if lossy || lossyNow { lastLossy = now }
        partitionedNow = partitioned
        lossyNow = lossy
    }

    mutating func down(_ member: NodeID, at now: SimTime) {
        lastDown[member] = now
    }

    /// A delivered ping or ack between two members.
    mutating func delivered(ping: Bool, from: NodeID, to: NodeID) {
        if ping, var s = open[from * members + to] {
            s.pinged = true
            open[from * members + to] = s
        } else if !ping, var s = open[to * members + from], s.pinged {
            s.answered = true
            open[to * members + from] = s
        }
    }

    /// One member's report; `up` tells whether the member it is about is up now.
    mutating func observe(_ event: SwimEvent, by observer: NodeID, up: Bool, at now: SimTime) -> GossipBreach? {
        let key = UInt64(event.member) << 32 | UInt64(event.incarnation)
        let pair = observer * members + event.member
        switch event.kind {
        case .suspectByProbe, .suspectByGossip:
            if firstSuspicion[key] == nil { firstSuspicion[key] = now }
            open[pair] = Suspicion(since: now)
        case .confirm, .deadByGossip:
            defer { open[pair] = nil }
            guard up else { return nil }
            let began = firstSuspicion[key] ?? now
            let window = SimTime(nanoseconds: began.nanoseconds - min(began.nanoseconds, (period * 2).nanoseconds))
            if let cause = cause(event.member, since: window) {
                explained[cause, default: []].insert(key)
                return nil
            }
            if event.kind == .confirm, open[pair]?.answered == true {
                return GossipBreach(invariant: "no-death-while-answering",
                    detail: "n\(observer) confirmed n\(event.member) dead after it answered a ping directly")
            }
            return GossipBreach(invariant: "no-false-death",
                detail: "n\(observer) holds live n\(event.member) dead (inc \(event.incarnation)) on an undisturbed network")
        case .alive:
            open[pair] = nil
        case .refute:
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
