/// The closing summary of a Raft run: operations and their outcomes, leaders and elections,
/// the log, network traffic, the invariants checked and the linearizability verdict.
///
/// Simplifications:
/// - Message counts are the simulator's totals; replies to clients are not messages between
///   servers and are not counted.

import Simulation

struct RaftSummary {
    let cluster: RaftCluster
    let clients: RaftClients
    let narrator: RaftNarrator
    let linearizability: LinearizabilityResult?
    let outcome: DemoOutcome

    static let invariants = "election safety, log matching, leader completeness, state machine safety, "
        + "no committed entry lost"

    func print(on timeline: Timeline) {
        let stats = cluster.sim.stats
        var outcomes: [HistoryEvent.Kind: Int] = [:]
        for event in clients.history where event.kind != .invoke { outcomes[event.kind, default: 0] += 1 }
        let leaders = narrator.leaderHistory.map { "n\($0.node)@t\($0.term)" }.joined(separator: ", ")
        let maxTerm = cluster.sim.nodes.compactMap { $0?.currentTerm }.max() ?? 0
        let lastIndex = cluster.committed.count
        timeline.summary([
            ("operations", .string("\(clients.invoked) invoked: \(outcomes[.ok] ?? 0) ok, \(outcomes[.fail] ?? 0) fail, "
                + "\(outcomes[.info] ?? 0) info")),
            ("leaders", .string(leaders.isEmpty ? "none" : leaders)),
            ("leader changes", JSONValue(max(0, narrator.leaderHistory.count - 1))),
            ("elections", .string("\(narrator.elections) started (after \(narrator.preVotes) pre-vote rounds), "
                + "\(narrator.stepDowns) leader step-down\(narrator.stepDowns == 1 ? "" : "s"), highest term \(maxTerm)")),
            ("log", .string("committed through index \(lastIndex); snapshots: \(narrator.snapshotsTaken) taken, "
                + "\(narrator.snapshotsInstalled) installed")),
            ("messages", .string("\(stats.messagesSent) sent, \(stats.messagesDelivered) delivered, "
                + "\(stats.messagesDropped) dropped, \(stats.messagesDuplicated) duplicated")),
            ("faults", .string("\(stats.crashes) crashes, \(stats.restarts) restarts")),
            ("simulation", .string("\(stats.events) events over \(cluster.now) simulated")),
            ("invariants", .string("\(Self.invariants): \(cluster.checker.checks) checks, every step — "
                + invariantVerdict)),
            ("linearizability", .string(linearizabilityText)),
            ("verdict", .string(outcome.violation == nil ? "PASS" : "FAIL (\(outcome.violation!.invariant))")),
        ])
    }

    private var invariantVerdict: String {
        guard let violation = outcome.violation else { return "all held" }
        return violation.invariant == "linearizability" ? "all held" : "BROKEN: \(violation.invariant)"
    }

    private var linearizabilityText: String {
        guard let result = linearizability else { return "not checked (the run stopped early)" }
        let ops = clients.completions.count
        let keys = Set(clients.history.map(\.key)).count
        switch result.verdict {
        case .linearizable:
            return "\(ops) operation\(ops == 1 ? "" : "s") on \(keys) key\(keys == 1 ? "" : "s"): linearizable "
                + "(\(result.explored) configurations explored)"
        case .notLinearizable:
            return "NOT linearizable on \(result.key ?? "?"): \(result.detail)"
        case .unknown:
            return "undecided: \(result.detail)"
        }
    }
}
