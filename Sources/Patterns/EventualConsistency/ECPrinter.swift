import Simulation

/// Turns a run of the eventually consistent store into timeline lines: faults, a few writes,
/// anti-entropy repairs, reads that found stale replicas, and how far each replica lags.
///
/// Simplifications:
/// - Only the first writes are printed; the rest show up in the lag lines and the summary.

final class ECPrinter {
    let timeline: Timeline
    private var writesShown = 0
    private let writesToShow = 6
    /// Keys applied per (session, receiving replica), printed as one line once the session
    /// has been quiet for a while: the exchange is stateless, so its end is only seen as quiet.
    private struct Repair {
        var session: UInt64
        var node: NodeID
        var peer: NodeID
        var last: SimTime
        var keys: [Int]
    }
    private var repairs: [Repair] = []
    private let quietFor = SimDuration.milliseconds(60)
    /// Lines are held and written in time order at the end, because a repair line is only
    /// known once its session has gone quiet, after later events have happened.
    private enum Line {
        case event(SimTime, NodeID?, String, String)
        case section(SimTime, String)
        var time: SimTime {
            switch self {
            case .event(let t, _, _, _), .section(let t, _): t
            }
        }
    }
    private var lines: [Line] = []

    private func event(_ time: SimTime, node: NodeID? = nil, _ kind: String, _ message: String) {
        lines.append(.event(time, node, kind, message))
    }

    /// Writes every held line, in time order (stable, so same-time lines keep their order).
    func emit() {
        flush(before: nil)
        let ordered = lines.enumerated().sorted { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
        }
        for (_, line) in ordered {
            switch line {
            case let .event(time, node, kind, message): timeline.event(time, node: node, kind, message)
            case let .section(_, title): timeline.section(title)
            }
        }
        lines.removeAll()
    }

    init(timeline: Timeline) { self.timeline = timeline }

    func occurrence(_ occurrence: Simulator<ECReplica, ECExternal>.Occurrence,
                    sim: Simulator<ECReplica, ECExternal>, quiesce: SimTime) {
        switch occurrence {
        case .faultApplied(let fault):
            flush(before: sim.now)
            event(sim.now, "fault", fault.description)
        case .external(.progress):
            flush(before: sim.now)
            event(sim.now, "lag", "keys behind the newest version: " + lagText(sim))
        case .external(.quiesce):
            flush(before: sim.now)
            lines.append(.section(sim.now, "writes stop, every fault is healed: anti-entropy must converge"))
            event(sim.now, "lag", "keys behind the newest version: " + lagText(sim))
        default:
            break
        }
    }

    func lostWrite(_ now: SimTime, node: NodeID, key: Int) {
        event(now, node: node, "lost", "write to k\(key) lost: replica is down")
    }

    func unacknowledgedWrite(_ now: SimTime, node: NodeID, key: Int) {
        event(now, node: node, "unacked", "write to k\(key) not acknowledged: replica crashed; it may surface or not")
    }

    func output(_ output: ECOutput, node: NodeID, sim: Simulator<ECReplica, ECExternal>) {
        switch output {
        case .wrote(let entry):
            writesShown += 1
            if writesShown <= writesToShow {
                event(sim.now, node: node, "write", "k\(entry.key) = \(entry.value) at version \(entry.version)")
            } else if writesShown == writesToShow + 1 {
                event(sim.now, node: node, "write", "(further writes not shown)")
            }
        case let .applied(session, peer, keys):
            if let i = repairs.firstIndex(where: { $0.session == session && $0.node == node }) {
                repairs[i].keys += keys
                repairs[i].last = sim.now
            } else {
                repairs.append(Repair(session: session, node: node, peer: peer, last: sim.now, keys: keys))
            }
        case .sessionStarted:
            flush(before: sim.now)
        case let .readDone(key, newest, answers, stale) where !stale.isEmpty:
            let version = newest.map { "\($0.version)=\($0.value)" } ?? "-"
            event(sim.now, node: node, "read",
                           "k\(key): newest \(version) of \(answers) answers; read repair to "
                           + stale.map { "n\($0)" }.joined(separator: ","))
        default:
            break
        }
    }

    /// Prints the repairs of sessions quiet since `now - quietFor` (all of them when nil).
    func flush(before now: SimTime?) {
        var kept: [Repair] = []
        for repair in repairs {
            if let now, now < repair.last + quietFor {
                kept.append(repair)
                continue
            }
            let keys = repair.keys.sorted()
            let shown = keys.prefix(5).map { "k\($0)" }.joined(separator: ",") + (keys.count > 5 ? ",..." : "")
            event(repair.last, node: repair.node, "repair",
                           "anti-entropy \(sessionName(repair.session)) from n\(repair.peer): "
                           + "\(keys.count) newer key(s) applied (\(shown))")
        }
        repairs = kept
    }

    private func sessionName(_ session: UInt64) -> String { "n\(session >> 40)#\(session & 0xFF_FFFF_FFFF)" }

    private func lagText(_ sim: Simulator<ECReplica, ECExternal>) -> String {
        let stores = sim.cluster.map { sim.nodes[$0]?.store.entries }
        let up = stores.compactMap { $0 }
        let lag = ConvergenceChecker.lag(up)
        var lagIndex = 0
        return sim.cluster.map { node in
            guard stores[node] != nil else { return "n\(node):down" }
            defer { lagIndex += 1 }
            return "n\(node):\(lag[lagIndex])"
        }.joined(separator: " ")
    }
}
