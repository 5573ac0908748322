/// The tables and summary of a saga run: per saga what ran and what was undone (from the
/// orchestrator's log), per participant what it applied and what idempotency absorbed (from
/// its ledger and events).
///
/// Simplifications:
/// - Reads the orchestrator's persisted log, so it shows the state a recovering orchestrator
///   would see.
import Simulation

struct SagaReport {
    let harness: SagaHarness

    private var histories: [SagaHistory] {
        guard case .orchestrator(_, let log)? = harness.sim.disks[0] else { return [] }
        return log.histories()
    }

    func print(on timeline: Timeline) {
        let byID = Dictionary(histories.map { ($0.saga, $0) }, uniquingKeysWith: { a, _ in a })
        let rows: [[JSONValue]] = harness.scenarios.map { scenario in
            let h = byID[scenario.saga]
            let took = harness.tally.ended[scenario.saga].flatMap { end in
                harness.tally.began[scenario.saga].map { (end - $0).milliseconds }
            }
            return [
                JSONValue(scenario.saga), .string(scenario.title),
                .string(h?.outcome?.rawValue ?? "RUNNING"),
                .string(h.map { SagaStep.letters($0.started) } ?? "-"),
                .string(h.map { SagaStep.letters($0.compensated) } ?? "-"),
                JSONValue(harness.tally.retries[scenario.saga] ?? 0),
                .string(took.map { "\($0)ms" } ?? "-"),
                .string(scenario.expectation),
            ]
        }
        timeline.table("Sagas, from the orchestrator's log (F flight, H hotel, C car, P payment; in run order)",
                       columns: ["saga", "scenario", "outcome", "did", "undid", "retries", "took", "expected"],
                       rows: rows)
        if harness.scenarios.count > harness.storyCount {
            timeline.note("expected = without faults; a burst saga may end compensated instead: the crash "
                + "during the burst can exhaust an action's retries, which is the protocol working.")
        }
        timeline.table("Participants (from their ledgers)",
                       columns: ["service", "node", "applied", "deduped", "voided", "fenced", "503s", "refused"],
                       rows: participantRows())
    }

    private func participantRows() -> [[JSONValue]] {
        SagaStep.allCases.map { step in
            let counts = harness.tally.perParticipant[step.rawValue]
            var ledger: [LedgerEntry] = []
            if case .participant(_, let disk)? = harness.sim.disks[step.node] { ledger = disk.ledger }
            let actions = ledger.filter { $0.key.kind == .action }.count
            return [
                .string(step.description), .string("n\(step.node)"),
                .string("\(actions) do, \(ledger.count - actions) undo"),
                JSONValue(counts[.deduplicated] ?? 0), JSONValue(counts[.voided] ?? 0),
                JSONValue(counts[.fenced] ?? 0), JSONValue(counts[.transient] ?? 0),
                JSONValue(counts[.refused] ?? 0),
            ]
        }
    }

    func summary(_ outcome: DemoOutcome, on timeline: Timeline) {
        let sim = harness.sim
        let outcomes = harness.tally.outcomes.values
        let committed = outcomes.filter { $0 == .committed }.count
        let compensated = outcomes.filter { $0 == .compensated }.count
        let deduped = harness.tally.perParticipant.map { $0[.deduplicated] ?? 0 }.reduce(0, +)
        let retries = harness.tally.retries.values.reduce(0, +)
        timeline.summary([
            ("sagas", JSONValue(harness.scenarios.count)),
            ("sagas scripted", JSONValue(harness.storyCount)),
            ("sagas in the burst", JSONValue(harness.scenarios.count - harness.storyCount)),
            ("committed", JSONValue(committed)),
            ("compensated", JSONValue(compensated)),
            ("unfinished", JSONValue(harness.scenarios.count - committed - compensated)),
            ("retried requests", JSONValue(retries)),
            ("duplicates absorbed by idempotency keys", JSONValue(deduped)),
            ("crashes", JSONValue(sim.stats.crashes)),
            ("sagas resumed from the log", JSONValue(harness.tally.recoveries)),
            ("messages sent", JSONValue(sim.stats.messagesSent)),
            ("messages dropped", JSONValue(sim.stats.messagesDropped)),
            ("messages duplicated", JSONValue(sim.stats.messagesDuplicated)),
            ("invariants", .string(outcome.violation.map { "BROKEN: \($0.invariant)" }
                ?? (outcome.shortfall != nil
                    ? "safety held; not every saga finished " + (harness.reachedLimit ? "within the horizon" : "(the run stalled)")
                    : "held: at-most-once, no-phantom-compensation, reverse-order, "
                    + "no-action-after-compensation, all-or-nothing, saga-liveness"))),
            ("simulated ms", JSONValue(sim.now.nanoseconds / 1_000_000)),
            ("events", JSONValue(sim.stats.events)),
        ])
    }
}
