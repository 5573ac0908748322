import Simulation

/// The shopping-cart story for the add-wins OR-Set (the example of DeCandia et al. 2007,
/// "Dynamo", §4.4, told with the OR-Set of Bieniusa et al. 2012 / Almeida et al. 2018 §6.2
/// instead of siblings): a family's phones share a cart; in the supermarket the network
/// splits; one side removes milk while the other, not knowing, adds it again. After healing
/// milk is in the cart (add wins), the eggs removed on one side are gone everywhere, and the
/// removals left no tombstones behind, only a causal context of a few integers.
///
/// The oracle: every add mints a dot; every update's delta context names the dots it
/// observed and superseded. The converged cart must hold exactly the added (element, dot)
/// pairs that no update superseded.
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

    /// Every add's (element, dot), in order, and the same as a set for lookups.
    private var added: [ORSet<String>.Tagged] = []
    private var known: Set<DotKey> = []
    /// Every dot some update observed and superseded (sorted, deduplicated at check time).
    private var superseded: [Dot] = []

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
        added += delta.store
        for tagged in delta.store { known.insert(DotKey(tagged.element, tagged.dot)) }
        let minted = Set(delta.store.map(\.dot))
        for dot in allDots(of: delta.context) where !minted.contains(dot) { superseded.append(dot) }
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

    func checkConverged(_ state: Data) -> String? {
        let gone = Set(superseded)
        let expected = added.filter { !gone.contains($0.dot) }.sorted()
        let actual = state.store
        guard expected.elementsEqual(actual, by: { $0.element == $1.element && $0.dot == $1.dot }) else {
            let want = Set(expected.map(\.element)).sorted().joined(separator: ",")
            return "expected {\(want)} from the log, replicas hold \(render(state))"
        }
        return nil
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

    private func allDots(of context: CausalContext) -> [Dot] {
        var dots = context.cloud
        for entry in context.compact.entries {
            for counter in 1...entry.counter { dots.append(Dot(entry.replica, counter)) }
        }
        return dots
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
