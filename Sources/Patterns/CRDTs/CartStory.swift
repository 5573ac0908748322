import Simulation

/// The shopping-cart story for the add-wins OR-Set (the example of DeCandia et al. 2007,
/// "Dynamo", §4.4, told with the OR-Set of Bieniusa et al. 2012 / Almeida et al. 2018 §6.2
/// instead of siblings): a family's phones share a cart; in the supermarket the network
/// splits; one side removes milk while the other, not knowing, adds it again. After healing
/// milk is in the cart (add wins), the eggs removed on one side are gone everywhere, and the
/// removals left no tombstones behind, only a causal context of a few integers.
///
/// The oracle is the add-wins rule applied to the harness's own record (`ObservationLog`):
/// a replica's cart holds an item iff some add of it that the replica has seen was observed
/// by no remove the replica has seen (Bieniusa et al. 2012, §2: "add wins"). It is checked
/// on every state of every replica, so a merge that lets a remove beat a concurrent add is
/// caught at the merge, whatever the dots and contexts say.
///
/// The cart starts from the family's saved list of staples (one import of 40 items), so the
/// state is large next to each change: the case delta shipping is made for.
///
/// Simplifications:
/// - Background updates use the staples, never the story's items, so that the story's point
///   survives any seed. Values print the story's items and a count of the rest.
struct CartStory: DemoStory {
    typealias Data = ORSet<String>

    static let staples = [
        "apples", "bananas", "basil", "beans", "broccoli", "carrots", "cereal", "cheese", "chicken",
        "chili", "cocoa", "coffee", "cream", "cucumber", "flour", "garlic", "ginger", "honey", "jam",
        "juice", "lemons", "lentils", "mustard", "noodles", "oats", "olive oil", "onions", "pasta",
        "pepper", "potatoes", "rice", "salt", "soap", "spinach", "sugar", "tea", "tofu", "tomatoes",
        "vinegar", "yogurt",
    ]
    static let storyItems = ["bread", "butter", "eggs", "milk"]

    let title = "shopping cart (add-wins OR-Set): milk is removed on one side of a partition "
        + "and re-added on the other"
    let defaultUpdates = 12

    /// Every (element, dot) some add produced, for the sanity check on tags.
    private var known: Set<DotKey> = []

    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        let a = scenario.protagonistA
        let b = scenario.protagonistB
        return [
            ScriptedUpdate(at: .zero + .milliseconds(20), a, .addAll(CartStory.staples)),
            ScriptedUpdate(at: .zero + .milliseconds(40), a, .add("milk")),
            ScriptedUpdate(at: .zero + .milliseconds(80), b, .add("eggs")),
            ScriptedUpdate(at: .zero + .milliseconds(120), a, .add("bread")),
            ScriptedUpdate(at: scenario.offline(100), a, .remove("milk")),
            ScriptedUpdate(at: scenario.offline(250), b, .add("milk")),
            ScriptedUpdate(at: scenario.offline(400), b, .remove("eggs")),
            ScriptedUpdate(at: scenario.offline(550), a, .add("butter")),
        ]
    }

    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> Data.Operation {
        let present = state.elements.filter { CartStory.staples.contains($0) }
        if let item = rng.pick(present), rng.chance(perMille: 400) { return .remove(item) }
        return .add(rng.pick(CartStory.staples)!)
    }

    func describe(_ operation: Data.Operation) -> String {
        switch operation {
        case .add(let item): "add \(item)"
        case .addAll(let items): "import \(items.count) saved items"
        case .remove(let item): "remove \(item)"
        case .clear: "clear cart"
        }
    }

    /// The story's items, then how many staples.
    func render(_ state: Data) -> String {
        let elements = state.elements
        let shown = elements.filter { CartStory.storyItems.contains($0) }
        return "{" + shown.joined(separator: ",") + "} +\(elements.count - shown.count) staples"
    }

    mutating func record(_ operation: Data.Operation, by replica: ReplicaID, delta: Data) {
        for tagged in delta.store { known.insert(DotKey(tagged.element, tagged.dot)) }
    }

    func checkState(_ state: Data) -> String? {
        for tagged in state.store {
            guard known.contains(DotKey(tagged.element, tagged.dot)) else {
                return "holds \(tagged.element) tagged \(tagged.dot), which no add produced"
            }
            guard state.context.contains(tagged.dot) else {
                return "holds \(tagged.element) tagged \(tagged.dot) outside its own causal context"
            }
        }
        return nil
    }

    /// Every replica's state is judged by `checkObserved`, the converged one included.
    func checkConverged(_ state: Data) -> String? { nil }

    func checkObserved(_ state: Data, seen: [ObservationLog<Data>.Update]) -> String? {
        let expected = CartStory.addWins(seen)
        let actual = state.elements
        guard expected != actual else { return nil }
        let missing = expected.filter { !actual.contains($0) }
        let extra = actual.filter { !expected.contains($0) }
        return "holds \(render(state)), but of the \(seen.count) updates it has seen, add-wins keeps "
            + (missing.isEmpty ? "" : "{\(missing.joined(separator: ","))} it lacks")
            + (missing.isEmpty || extra.isEmpty ? "" : " and ")
            + (extra.isEmpty ? "" : "not {\(extra.joined(separator: ","))} it holds")
    }

    /// The add-wins rule over `updates` (in issue order): an element is present iff some add
    /// of it is observed by no remove of it (nor a clear).
    static func addWins(_ updates: [ObservationLog<Data>.Update]) -> [String] {
        var removals: [String: [Set<Int>]] = [:]
        var clears: [Set<Int>] = []
        for update in updates {
            switch update.operation {
            case .remove(let element): removals[element, default: []].append(update.before)
            case .clear: clears.append(update.before)
            case .add, .addAll: break
            }
        }
        var present: Set<String> = []
        for update in updates {
            let elements: [String]
            switch update.operation {
            case .add(let element): elements = [element]
            case .addAll(let all): elements = all
            case .remove, .clear: continue
            }
            for element in elements where !present.contains(element) {
                let observed = { (before: Set<Int>) in before.contains(update.id) }
                if !(removals[element] ?? []).contains(where: observed) && !clears.contains(where: observed) {
                    present.insert(element)
                }
            }
        }
        return present.sorted()
    }

    func epilogue(_ state: Data, scenario: Scenario) -> [String] {
        let milk = state.contains("milk")
            ? "kept: the re-add's dot was never seen by the remove (add wins)"
            : "LOST: the concurrent re-add should have won"
        return [
            "milk: removed on n\(scenario.protagonistA), re-added concurrently on n\(scenario.protagonistB) -> \(milk)",
            "eggs: removed on n\(scenario.protagonistB) -> \(state.contains("eggs") ? "still present" : "gone on every replica")",
            "no tombstones: \(state.store.count) tagged elements, causal context \(state.context) "
                + "(\(state.context.encodedSize) B) records every add and remove ever seen",
        ]
    }
}

/// An (element, dot) pair as a hashable key for the oracle's lookups.
private struct DotKey: Hashable {
    var element: String
    var dot: Dot
    init(_ element: String, _ dot: Dot) {
        self.element = element
        self.dot = dot
    }
}
