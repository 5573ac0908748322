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

    /// Figures are numbers (times in microseconds); text rows say what was found.
    func print(on timeline: Timeline) {
        let stats = cluster.sim.stats
        var outcomes: [HistoryEvent.Kind: Int] = [:]
        for event in clients.history where event.kind != .invoke { outcomes[event.kind, default: 0] += 1 }
        let leaders = narrator.leaderHistory.map { "n\($0.node)@t\($0.term)" }.joined(separator: ", ")
        let maxTerm = cluster.sim.nodes.compactMap { $0?.currentTerm }.max() ?? 0
        timeline.summary([
            ("operations invoked", JSONValue(clients.invoked)),
            ("operations ok", JSONValue(outcomes[.ok] ?? 0)),
            ("operations fail", JSONValue(outcomes[.fail] ?? 0)),
            ("operations info", JSONValue(outcomes[.info] ?? 0)),
            ("leaders", .string(leaders.isEmpty ? "none" : leaders)),
            ("leader changes", JSONValue(max(0, narrator.leaderHistory.count - 1))),
            ("elections", JSONValue(narrator.elections)),
            ("pre-vote rounds", JSONValue(narrator.preVotes)),
            ("leader step-downs", JSONValue(narrator.stepDowns)),
            ("highest term", JSONValue(maxTerm)),
            ("committed index", JSONValue(cluster.committed.count)),
            ("snapshots taken", JSONValue(narrator.snapshotsTaken)),
            ("snapshots installed", JSONValue(narrator.snapshotsInstalled)),
            ("messages sent", JSONValue(stats.messagesSent)),
            ("messages delivered", JSONValue(stats.messagesDelivered)),
            ("messages dropped", JSONValue(stats.messagesDropped)),
            ("messages duplicated", JSONValue(stats.messagesDuplicated)),
            ("crashes", JSONValue(stats.crashes)),
            ("restarts", JSONValue(stats.restarts)),
            ("events", JSONValue(stats.events)),
            ("simulated us", JSONValue(cluster.now.nanoseconds / 1_000)),
            ("invariant checks", JSONValue(cluster.checker.checks)),
            ("invariants", .string("\(Self.invariants), every step: \(invariantVerdict)")),
            ("linearizability", .string(linearizabilityText)),
            ("configurations explored", JSONValue(linearizability?.explored ?? 0)),
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
            return "\(ops) operation\(ops == 1 ? "" : "s") on \(keys) key\(keys == 1 ? "" : "s"): linearizable"
        case .notLinearizable:
            return "NOT linearizable on \(result.key ?? "?"): \(result.detail)"
        case .unknown:
            return "UNDECIDED: \(result.detail)"
        }
    }
}
