import Simulation

/// The offline-notes story for the RGA sequence CRDT (Roh et al. 2011; Attiya et al. 2016):
/// two people edit shared meeting notes on devices that lose contact. Both append at the
/// very same place, one deletes a word while the other types right after it. After healing
/// every replica shows the same text: the concurrent appends are whole and in a fixed order
/// (no character interleaving), and the text typed after the deleted word survives, anchored
/// to its tombstone.
///
/// The oracle: every character a replica holds was typed by someone, with the same origin;
/// once converged, the visible length is typed minus deleted, and every insertion's surviving
/// characters appear in the order they were typed.
///
/// Simplifications:
/// - Background edits insert whole words at word boundaries or delete whole words, so that a
///   reader can still follow the text.
struct NotesStory: DemoStory {
    typealias Data = RGA

    let title = "offline notes (RGA): two editors append at the same spot and one deletes "
        + "a word the other is extending"
    let defaultUpdates = 4

    static let words = ["asap", "todo", "ok", "maybe", "draft", "tbd"]

    /// Every typed character by id: (character, origin).
    private var typed: [RGA.ID: (Character, RGA.ID?)] = [:]
    /// Every insertion's ids, in typing order.
    private var runs: [[RGA.ID]] = []
    private var deleted: Set<RGA.ID> = []

    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        let a = scenario.protagonistA
        let b = scenario.protagonistB
        return [
            ScriptedUpdate(at: .zero + .milliseconds(40), a, .insert("Agenda: budget, hiring.", at: 0)),
            ScriptedUpdate(at: scenario.offline(100), b) { state, _ in
                .insert("Q3 ", at: NotesStory.offset(of: "budget", in: state.text) ?? 0)
            },
            ScriptedUpdate(at: scenario.offline(200), a) { state, _ in .insert(" Owner: Ana.", at: state.text.count) },
            ScriptedUpdate(at: scenario.offline(250), b) { state, _ in .insert(" Owner: Bo.", at: state.text.count) },
            ScriptedUpdate(at: scenario.offline(400), b) { state, _ in
                guard let at = NotesStory.offset(of: " hiring", in: state.text) else { return .delete(at: 0, count: 0) }
                return .delete(at: at, count: 7)
            },
            ScriptedUpdate(at: scenario.offline(500), a) { state, _ in
                .insert(" (2 roles)", at: NotesStory.offset(of: "hiring", in: state.text).map { $0 + 6 } ?? state.text.count)
            },
        ]
    }

    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> Data.Operation {
        let text = Array(state.text)
        let spaces = text.indices.filter { text[$0] == " " }
        if rng.chance(perMille: 250), let start = rng.pick(spaces) {
            let end = text[(start + 1)...].firstIndex(of: " ") ?? text.count
            return .delete(at: start, count: end - start)
        }
        let at = rng.pick(spaces) ?? text.count
        return .insert(" " + rng.pick(NotesStory.words)!, at: at)
    }

    func describe(_ operation: Data.Operation) -> String {
        switch operation {
        case let .insert(text, at): "type \"\(text)\" at \(at)"
        case let .delete(at, count): "delete \(count) chars at \(at)"
        }
    }

    func render(_ state: Data) -> String { "\"\(state.text)\"" }

    mutating func record(_ operation: Data.Operation, by replica: ReplicaID, delta: Data) {
        for atom in delta.atoms { typed[atom.id] = (atom.character, atom.origin) }
        if !delta.atoms.isEmpty { runs.append(delta.atoms.map(\.id)) }
        deleted.formUnion(delta.removed)
    }

    func checkState(_ state: Data) -> String? {
        for atom in state.atoms {
            guard let (character, origin) = typed[atom.id], character == atom.character, origin == atom.origin else {
                return "holds character \(atom.id) '\(atom.character)', which nobody typed there"
            }
        }
        for id in state.removed where !deleted.contains(id) {
            return "treats \(id) as deleted, which nobody deleted"
        }
        return nil
    }

    func checkConverged(_ state: Data) -> String? {
        let expected = typed.count - deleted.count
        guard state.text.count == expected else {
            return "shows \(state.text.count) characters, the log has \(typed.count) typed - \(deleted.count) deleted"
        }
        let order = state.documentOrder().map(\.id)
        var position: [RGA.ID: Int] = [:]
        for (index, id) in order.enumerated() { position[id] = index }
        for run in runs {
            let places = run.compactMap { position[$0] }
            guard places.count == run.count, zip(places, places.dropFirst()).allSatisfy({ $0 < $1 }) else {
                return "an insertion starting at \(run[0]) is out of typing order"
            }
        }
        return nil
    }

    func epilogue(_ state: Data, scenario: Scenario) -> [String] {
        let text = state.text
        let ana = NotesStory.offset(of: "Owner: Ana.", in: text)
        let bo = NotesStory.offset(of: "Owner: Bo.", in: text)
        var lines = ["every replica shows \"\(text)\""]
        if let ana, let bo {
            lines.append("both appends typed at the same spot are whole, " + (ana < bo ? "Ana's first" : "Bo's first")
                         + ": siblings are ordered newest timestamp first, on every replica")
        }
        if NotesStory.offset(of: "(2 roles)", in: text) != nil && NotesStory.offset(of: "hiring", in: text) == nil {
            lines.append("\"(2 roles)\" was typed after \"hiring\" while the other side deleted \"hiring\": "
                         + "it survives, anchored to the deleted word's tombstones")
        }
        lines.append("\(state.atoms.count) characters typed, \(state.tombstoneCount) tombstones kept "
                     + "(RGA needs them as anchors), state \(state.encodedSize) B")
        return lines
    }

    /// The character offset of `needle` in `text`, without Foundation.
    static func offset(of needle: String, in text: String) -> Int? {
        let hay = Array(text)
        let pattern = Array(needle)
        guard !pattern.isEmpty, hay.count >= pattern.count else { return nil }
        for start in 0...(hay.count - pattern.count) where hay[start..<start + pattern.count].elementsEqual(pattern) {
            return start
        }
        return nil
    }
}
