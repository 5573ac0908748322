import Simulation

/// The document-title story for the MV-Register (Shapiro et al. 2011, §3.2.2; the
/// "siblings" of Dynamo, DeCandia et al. 2007, §4.4): two editors rename a shared document
/// while partitioned. Neither rename is lost: after healing every replica holds both titles
/// as concurrent values, and the next write that has seen both replaces them.
///
/// The oracle: the converged values must be exactly the logged writes whose version vector
/// no other logged write dominates.
///
/// Simplifications:
/// - No resolution step in the run itself (it would be one more write); the property tests
///   show that a write after a merge collapses the siblings.
struct TitleStory: DemoStory {
    typealias Data = MVRegister<String>

    let title = "document title (MV-Register): two editors rename it while partitioned; "
        + "both titles survive as siblings"
    let defaultUpdates = 4

    static let titles = ["Draft", "Notes", "Plan", "Ideas", "Budget", "Retro", "Review"]
    private var writes: [Data.Entry] = []

    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        let a = scenario.protagonistA
        let b = scenario.protagonistB
        return [
            ScriptedUpdate(at: .zero + .milliseconds(60), a, "Untitled"),
            ScriptedUpdate(at: scenario.offline(880), a, "Q3 plan"),
            ScriptedUpdate(at: scenario.offline(920), b, "Roadmap 2025"),
        ]
    }

    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> String {
        rng.pick(TitleStory.titles)!
    }

    func describe(_ operation: String) -> String { "rename to \"\(operation)\"" }

    func render(_ state: Data) -> String {
        state.entries.isEmpty ? "-" : "{" + state.entries.map { "\"\($0.value)\"\($0.version)" }.joined(separator: " ") + "}"
    }

    mutating func record(_ operation: String, by replica: ReplicaID, delta: Data) {
        writes += delta.entries
    }

    func checkState(_ state: Data) -> String? {
        for entry in state.entries where !writes.contains(entry) {
            return "holds \"\(entry.value)\"\(entry.version), which nobody wrote"
        }
        for a in state.entries {
            for b in state.entries where a.version.happenedBefore(b.version) {
                return "keeps \"\(a.value)\" although \"\(b.value)\" supersedes it"
            }
        }
        return nil
    }

    func checkConverged(_ state: Data) -> String? {
        let expected = writes.filter { write in
            !writes.contains { write.version.happenedBefore($0.version) }
        }.sorted()
        guard expected == state.entries else {
            return "holds \(render(state)), the log's unsuperseded writes are "
                + expected.map { "\"\($0.value)\"" }.joined(separator: ",")
        }
        return nil
    }

    func epilogue(_ state: Data, scenario: Scenario) -> [String] {
        let values = state.values.map { "\"\($0)\"" }.joined(separator: " and ")
        if state.entries.count > 1 {
            return [
                "every replica holds \(state.entries.count) concurrent titles, \(values): no version vector "
                    + "dominates another, so none may be dropped",
                "the next rename on any replica carries the join \(state.context) plus one, "
                    + "supersedes them all and collapses the siblings",
            ]
        }
        return ["every replica holds \(values): the last rename had seen every other one"]
    }
}
