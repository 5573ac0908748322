/// What the demo measures of a SWIM run, from the members' reports and their views: per
/// crashed member the time to first suspicion and to first confirmation (in protocol periods,
/// the unit of the SWIM paper's §5 analysis), and the rounds until every live member holds it
/// dead; counts of false suspicions, refutations and messages by kind.
///
/// Simplifications:
/// - Dissemination is judged by scanning the views once per period.
import Simulation

final class GossipTracker {
    struct Failure {
        var member: NodeID
        var crashed: SimTime
        var firstSuspected: SimTime?
        var firstConfirmed: SimTime?
        var everyoneKnows: SimTime?
    }

    /// Events of the current period that are the run's first of their (kind, member,
    /// incarnation).
    struct Digest {
        var lines: [SwimEvent.Kind: [String]] = [:]
    }

    private(set) var failures: [Failure] = []
    private(set) var falseSuspicions = 0
    private(set) var refutations = 0
    private(set) var messages: [String: Int] = [:]
    private(set) var writes = 0
    private(set) var lastWrite: SimTime?
    private var digest = Digest()
    private var seen: Set<UInt64> = []
    let members: Int

    init(members: Int) {
        self.members = members
    }

    func crashed(_ member: NodeID, at now: SimTime) {
        failures.removeAll { $0.member == member && $0.everyoneKnows == nil }
        failures.append(Failure(member: member, crashed: now))
    }

    func restarted(_ member: NodeID) {
        failures.removeAll { $0.member == member && $0.everyoneKnows == nil }
    }

    func wrote(at now: SimTime) {
        writes += 1
        lastWrite = now
    }

    func count(_ message: SwimMessage) {
        let kind = switch message {
        case .ping: "ping"
        case .ack: "ack"
        case .pingReq: "ping-req"
        case .forwardedAck: "fwd-ack"
        case .pushPull: "push-pull"
        }
        messages[kind, default: 0] += 1
    }

    func observe(_ event: SwimEvent, by observer: NodeID, memberUp: Bool, at now: SimTime) {
        if let index = failures.lastIndex(where: { $0.member == event.member }) {
            switch event.kind {
            case .suspectByProbe, .suspectByGossip:
                if failures[index].firstSuspected == nil { failures[index].firstSuspected = now }
            case .confirm:
                if failures[index].firstConfirmed == nil { failures[index].firstConfirmed = now }
            default: break
            }
        }
        if event.kind == .suspectByProbe && memberUp { falseSuspicions += 1 }
        if event.kind == .refute { refutations += 1 }
        guard event.kind != .suspectByGossip && event.kind != .deadByGossip else { return }
        let key = UInt64(event.member) << 40 | UInt64(event.incarnation) << 8 | UInt64(event.kind.hashValueStable)
        guard seen.insert(key).inserted else { return }
        let text = event.kind == .refute ? "n\(event.member) (inc \(event.incarnation))"
            : "n\(event.member) by n\(observer)"
        digest.lines[event.kind, default: []].append(text)
    }

    /// At a period boundary: who now holds each crashed member dead everywhere.
    func scan(_ nodes: [SwimNode?], at now: SimTime) -> [String] {
        var done: [String] = []
        for index in failures.indices where failures[index].everyoneKnows == nil {
            let member = failures[index].member
            guard nodes[member] == nil else { continue }
            let holdouts = nodes.indices.contains { nodes[$0] != nil && nodes[$0]!.view.status[member] != .dead }
            if !holdouts {
                failures[index].everyoneKnows = now
                done.append("n\(member)")
            }
        }
        return done
    }

    /// The period's digest lines, then a fresh digest.
    func drain() -> [(kind: String, text: String)] {
        defer { digest = Digest() }
        let order: [(SwimEvent.Kind, String, String)] = [
            (.suspectByProbe, "suspect", "probe failed, suspects:"),
            (.refute, "refute", "refuted with a higher incarnation:"),
            (.alive, "alive", "alive again:"),
            (.confirm, "confirm", "suspicion timed out, confirms dead:"),
        ]
        return order.compactMap { kind, label, prefix in
            guard let lines = digest.lines[kind], !lines.isEmpty else { return nil }
            let shown = lines.prefix(6).joined(separator: ", ")
            let more = lines.count > 6 ? " (+\(lines.count - 6) more)" : ""
            return (label, "\(prefix) \(shown)\(more)")
        }
    }
}

extension SwimEvent.Kind {
    /// A small stable number per kind (Swift's hashValue is seeded per process).
    var hashValueStable: UInt8 {
        switch self {
        case .suspectByProbe: 1
        case .suspectByGossip: 2
        case .confirm: 3
        case .deadByGossip: 4
        case .alive: 5
        case .refute: 6
        }
    }
}
