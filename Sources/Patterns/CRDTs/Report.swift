import Simulation

/// The closing part of a CRDT demo run: every replica's value before healing and after
/// convergence, the bytes each shipping mode needed (Almeida et al. 2018, §8 compares
/// delta-based and state-based anti-entropy the same way), what the story shows, and the
/// summary.
///
/// Simplifications:
/// - Byte counts are the deterministic estimates of `encodedSize`, not a real codec.
struct Report<S: DemoStory> {
    let story: S
    let scenario: Scenario
    let options: CRDTsDemo.Options
    let timeline: Timeline

    typealias Outcome = CRDTsDemo.Outcome<S.Data>

    func print(main: Outcome, other: Outcome) {
        let at = scenario.healAt.nanoseconds / 1_000_000
        if !main.beforeHeal.isEmpty {
            timeline.table("Before healing (t=\(at)ms): each side saw only its own updates",
                           columns: ["replica", "side", "state B", "value"],
                           rows: main.beforeHeal.enumerated().map { row($0.offset, $0.element, side: true) })
        }
        timeline.table(main.convergedAt == nil ? "At the deadline (NOT converged)" : "After convergence",
                       columns: ["replica", "state B", "value"],
                       rows: main.final.enumerated().map { row($0.offset, $0.element, side: false) })
        let runs = options.deltas == .on ? [main, other] : [other, main]
        timeline.table("Shipped until convergence (same seed, faults and update schedule)",
                       columns: ["mode", "messages", "bytes", "converged", "idle B/s"],
                       rows: runs.map { [.string($0.mode), JSONValue($0.messagesToConverge),
                                         JSONValue($0.bytesToConverge), .string(convergence($0)),
                                         JSONValue($0.idleBytesPerSecond)] })
        if main.violation == nil, let converged = main.final.first {
            timeline.section("What the converged state shows")
            for line in story.epilogue(converged, scenario: scenario) { timeline.note(line) }
        }
        timeline.summary(summary(main, runs[0], runs[1]))
    }

    private func row(_ replica: Int, _ state: S.Data, side: Bool) -> [JSONValue] {
        var cells: [JSONValue] = [.string("n\(replica)")]
        if side { cells.append(.string(scenario.side(of: replica))) }
        cells.append(JSONValue(state.encodedSize))
        cells.append(.string(clip(story.render(state))))
        return cells
    }

    /// Keeps table rows inside the 100-column layout.
    private func clip(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(61)) + "..."
    }

    private func convergence(_ outcome: Outcome) -> String {
        guard let at = outcome.convergedAt else { return "no" }
        return "heal+\(at - scenario.healAt)"
    }

    private func summary(_ main: Outcome, _ delta: Outcome, _ full: Outcome) -> [(String, JSONValue)] {
        func micros(_ d: SimDuration) -> JSONValue { JSONValue(d.nanoseconds / 1_000) }
        var rows: [(String, JSONValue)] = [
            ("shipping", .string(main.mode)),
            ("updates applied", JSONValue(main.updatesApplied)),
            ("updates lost to a down replica", JSONValue(main.updatesLost)),
            ("converged after heal us", main.convergedAt.map { micros($0 - scenario.healAt) } ?? .null),
            ("horizon after heal us", micros(scenario.deadline - scenario.healAt)),
            ("bytes to converge (delta)", JSONValue(delta.bytesToConverge)),
            ("messages to converge (delta)", JSONValue(delta.messagesToConverge)),
            ("bytes to converge (full)", JSONValue(full.bytesToConverge)),
            ("messages to converge (full)", JSONValue(full.messagesToConverge)),
            ("full/delta bytes per mille", JSONValue(delta.bytesToConverge > 0
                ? full.bytesToConverge * 1000 / delta.bytesToConverge : 0)),
            ("idle gossip B/s (full)", JSONValue(full.idleBytesPerSecond)),
            ("idle gossip B/s (delta)", JSONValue(delta.idleBytesPerSecond)),
            ("messages sent", JSONValue(main.sent)),
            ("messages dropped", JSONValue(main.dropped)),
            ("messages duplicated", JSONValue(main.duplicated)),
            ("inflation checks", JSONValue(main.inflationChecks)),
        ]
        let violation = main.violation ?? delta.violation ?? full.violation
        rows.append(("invariants", .string(violation.map { "BROKEN: \($0.invariant)" }
            ?? "held: old ⊔ new = new on every change, the oracle on every change, convergence by the horizon")))
        return rows
    }
}
