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
        let runs = options.deltas ? [main, other] : [other, main]
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
        let ratio = delta.bytesToConverge > 0
            ? Double(full.bytesToConverge) / Double(delta.bytesToConverge) : 0
        let rounded = Double(Int(ratio * 10)) / 10
        var rows: [(String, JSONValue)] = [
            ("type", .string(options.story.rawValue)),
            ("replicas", JSONValue(options.replicas)),
            ("shipping", .string(main.mode)),
            ("updates", .string("\(main.updatesApplied) applied, \(main.updatesLost) lost to a down replica")),
            ("converged", .string(main.convergedAt.map { "yes, \($0 - scenario.healAt) after healing" } ?? "no")),
            ("bytes (delta)", .string("\(delta.bytesToConverge) B in \(delta.messagesToConverge) messages")),
            ("bytes (full)", .string("\(full.bytesToConverge) B in \(full.messagesToConverge) messages")),
            ("full/delta", .string("\(rounded)x to converge; idle gossip \(full.idleBytesPerSecond) B/s full, "
                                   + "\(delta.idleBytesPerSecond) B/s delta")),
            ("network", .string("\(main.sent) sent, \(main.dropped) dropped, \(main.duplicated) duplicated")),
            ("checks", .string("\(main.inflationChecks) inflation checks (old ⊔ new = new), oracle on every "
                               + "change, convergence by heal+\((scenario.deadline - scenario.healAt).milliseconds)ms")),
        ]
        let violation = main.violation ?? delta.violation ?? full.violation
        rows.append(("invariants", .string(violation.map { "BROKEN: \($0.invariant)" } ?? "all held")))
        return rows
    }
}
