import Simulation
import Testing
@testable import CRDTs

func demoLines(_ options: CRDTsDemo.Options, format: OutputFormat = .text) -> (lines: [String], outcome: DemoOutcome) {
    var lines: [String] = []
    let timeline = Timeline(format: format, quiet: false) { lines.append($0) }
    let outcome = CRDTsDemo.run(options, on: timeline)
    return (lines, outcome)
}

@Test(arguments: CRDTsDemo.Story.allCases)
func sameSeedSameBytes(story: CRDTsDemo.Story) {
    let options = CRDTsDemo.Options(seed: 5, story: story)
    let first = demoLines(options)
    #expect(first.outcome.violation == nil)
    #expect(first.lines == demoLines(options).lines)
    #expect(first.lines != demoLines(CRDTsDemo.Options(seed: 6, story: story)).lines)
    #expect(first.lines.allSatisfy { $0.count <= 100 }, "a line passes 100 columns")
}

@Test func jsonOutputIsDeterministicToo() {
    let options = CRDTsDemo.Options(seed: 3, story: .text, replicas: 3, deltas: .off)
    let first = demoLines(options, format: .json).lines
    #expect(first.allSatisfy { $0.hasPrefix("{") })
    #expect(first == demoLines(options, format: .json).lines)
}

@Test(arguments: CRDTsDemo.Story.allCases)
func seedSweepHoldsEveryInvariant(story: CRDTsDemo.Story) {
    for seed in UInt64(1)...8 {
        let replicas = 2 + Int(seed % 7)
        let options = CRDTsDemo.Options(seed: seed, story: story, replicas: replicas, deltas: seed % 2 == 0 ? .on : .off)
        let silent = Timeline(format: .text, quiet: true) { _ in }
        let outcome = CRDTsDemo.run(options, on: silent)
        #expect(outcome.verdict == .pass, "seed \(seed): \(outcome.finding.map(\.description) ?? "")")
    }
}

@Test func defaultRunTellsTheCartStory() throws {
    var out: [String] = []
    let demo = try AnyDemo(CRDTsDemo.self).prepare([]).get()
    _ = demo.run(on: Timeline(format: .text, quiet: false) { out.append($0) })
    let lines = out.joined(separator: "\n")
    #expect(lines.contains("add wins"))
    #expect(lines.contains("Before healing"))
    #expect(lines.contains("invariants                      held"))
}

// MARK: The checker catches broken variants

/// The counter story, told with the broken counter below.
struct MaxOfTotalsStory: DemoStory {
    typealias Data = MaxOfTotals
    var inner = CounterStory()
    let title = "counter merged by keeping the larger total"
    let defaultUpdates = 20
    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        inner.script(scenario).map { s in ScriptedUpdate(at: s.at, s.replica) { st, now in s.make(st.counter, now) } }
    }
    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> PNCounter.Operation {
        inner.randomOperation(for: replica, state: state.counter, now: now, rng: &rng)
    }
    func describe(_ operation: PNCounter.Operation) -> String { inner.describe(operation) }
    func render(_ state: Data) -> String { inner.render(state.counter) }
    mutating func record(_ operation: PNCounter.Operation, by replica: ReplicaID, delta: Data) {
        inner.record(operation, by: replica, delta: delta.counter)
    }
    func checkState(_ state: Data) -> String? { inner.checkState(state.counter) }
    func checkConverged(_ state: Data) -> String? { inner.checkConverged(state.counter) }
    func epilogue(_ state: Data, scenario: Scenario) -> [String] { [] }
}

/// A PN-Counter whose merge keeps whichever side has the larger value: the naive "max of the
/// totals" that loses concurrent updates. It is monotone in value, so only the oracle sees it.
struct MaxOfTotals: ReplicatedData {
    var counter = PNCounter()
    mutating func merge(_ other: MaxOfTotals) {
        if other.counter.value > counter.value { counter = other.counter }
    }
    var encodedSize: Int { counter.encodedSize }
    mutating func apply(_ operation: PNCounter.Operation, replica: ReplicaID) -> MaxOfTotals {
        MaxOfTotals(counter: counter.apply(operation, replica: replica))
    }
}

@Test func checkerCatchesALossyMerge() {
    var caught: [String] = []
    for seed in UInt64(1)...5 {
        var rng = SeededRNG(seed: seed).stream(7)
        let scenario = Scenario(replicas: 4, rng: &rng)
        let run = ConvergenceRun<MaxOfTotalsStory, DeltaShipping>(
            story: MaxOfTotalsStory(), scenario: scenario, updates: 20, seed: seed, timeline: nil)
        if let violation = run.run().violation { caught.append(violation.invariant) }
    }
    #expect(caught.count == 5)
    #expect(caught.allSatisfy { $0 == "oracle" || $0 == "inflation" })
}

/// An OR-Set whose join ignores causal contexts (plain union of tagged elements): removed
/// items come back from replicas that had not yet heard of the removal.
struct UnionSet: ReplicatedData {
    var items = ORSet<String>()
    mutating func merge(_ other: UnionSet) {
        var union = items
        union.merge(other.items)
        let resurrected = other.items.store.filter { !union.store.contains($0) } + items.store.filter { !union.store.contains($0) }
        items = ORSet(store: (union.store + resurrected).sorted(), context: union.context)
    }
    var encodedSize: Int { items.encodedSize }
    mutating func apply(_ operation: ORSet<String>.Operation, replica: ReplicaID) -> UnionSet {
        UnionSet(items: items.apply(operation, replica: replica))
    }
}

struct UnionCartStory: DemoStory {
    typealias Data = UnionSet
    var inner = CartStory()
    var title: String { inner.title }
    var defaultUpdates: Int { inner.defaultUpdates }
    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        inner.script(scenario).map { s in ScriptedUpdate(at: s.at, s.replica) { st, now in s.make(st.items, now) } }
    }
    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> ORSet<String>.Operation {
        inner.randomOperation(for: replica, state: state.items, now: now, rng: &rng)
    }
    func describe(_ operation: ORSet<String>.Operation) -> String { inner.describe(operation) }
    func render(_ state: Data) -> String { inner.render(state.items) }
    mutating func record(_ operation: ORSet<String>.Operation, by replica: ReplicaID, delta: Data) {
        inner.record(operation, by: replica, delta: delta.items)
    }
    func checkState(_ state: Data) -> String? { inner.checkState(state.items) }
    func checkConverged(_ state: Data) -> String? { inner.checkConverged(state.items) }
    func checkObserved(_ state: Data, seen: [ObservationLog<Data>.Update]) -> String? {
        inner.checkObserved(state.items, seen: seen.map {
            ObservationLog<ORSet<String>>.Update(operation: $0.operation, replica: $0.replica, id: $0.id, before: $0.before)
        })
    }
    func epilogue(_ state: Data, scenario: Scenario) -> [String] { [] }
}

@Test func checkerCatchesAnORSetThatIgnoresRemoves() {
    var rng = SeededRNG(seed: 1).stream(7)
    let scenario = Scenario(replicas: 3, rng: &rng)
    let run = ConvergenceRun<UnionCartStory, FullStateShipping>(
        story: UnionCartStory(), scenario: scenario, updates: 12, seed: 1, timeline: nil)
    let violation = run.run().violation
    #expect(violation != nil)
    #expect(violation?.seed == 1)
}

/// Replicas that never get round to gossiping: liveness must fail at the deadline.
enum SilentShipping: ShippingPolicy {
    static let shipsDeltas = true
    static let gossipPeriod = SimDuration.seconds(60)
}

@Test func checkerCatchesMissingConvergence() {
    var rng = SeededRNG(seed: 2).stream(7)
    let scenario = Scenario(replicas: 3, rng: &rng)
    let run = ConvergenceRun<CartStory, SilentShipping>(
        story: CartStory(), scenario: scenario, updates: 4, seed: 2, timeline: nil)
    let result = run.run()
    #expect(result.violation == nil)
    #expect(result.shortfall?.invariant == "convergence")
    #expect(result.shortfall?.time == scenario.deadline)
}

// MARK: Regressions

/// The summary object must not repeat the record's own "type" key (it repeated the story's).
@Test func jsonObjectsHaveNoDuplicateKeys() throws {
    for story in CRDTsDemo.Story.allCases {
        var demo = try AnyDemo(CRDTsDemo.self).prepare(["--type", story.rawValue]).get()
        demo.seed = 3
        var lines: [String] = []
        let outcome = demo.run(on: Timeline(format: .json, quiet: false) { lines.append($0) })
        #expect(outcome.verdict == .pass)
        // The header nests the settings (which have a "type" of their own) in an object of theirs.
        for line in lines where !line.hasPrefix("{\"type\":\"run\"") {
            let keys = line.split(separator: "\"type\":", omittingEmptySubsequences: false)
            #expect(keys.count == 2, "\(line)")
        }
    }
}

/// The LWW epilogue read the story before the run, which had recorded no write: it was empty.
@Test func theLWWStoryShowsItsOutcome() throws {
    var demo = try AnyDemo(CRDTsDemo.self).prepare(["--type", "lww"]).get()
    demo.seed = 1
    var lines: [String] = []
    let outcome = demo.run(on: Timeline(format: .text, quiet: false) { lines.append($0) })
    #expect(outcome.verdict == .pass)
    let section = lines.drop { !$0.contains("What the converged state shows") }.dropFirst().prefix { !$0.isEmpty }
    #expect(section.contains { $0.hasPrefix("every replica shows") }, "\(Array(section))")
}

/// A remove-wins replica (it replays its own removes after each merge) loses the concurrent
/// re-add of milk; the add-wins oracle, judged from what the harness delivered, must catch it.
@Test func theAddWinsOracleCatchesARemoveWinsReplica() throws {
    let prepared = try AnyDemo(CRDTsDemo.self).prepare(["--variant", "remove-wins"]).get()
    var caught = 0
    for seed in UInt64(1)...12 {
        var demo = prepared
        demo.seed = seed
        let outcome = demo.runQuietly()
        if outcome.violation?.invariant == "oracle" { caught += 1 }
    }
    #expect(caught >= 11, "caught \(caught) of 12")
}

/// The correct OR-Set passes the same oracle on the same seeds, in both shipping modes.
@Test(arguments: ["on", "off"])
func theAddWinsOraclePassesTheCorrectORSet(deltas: String) throws {
    let prepared = try AnyDemo(CRDTsDemo.self).prepare(["--deltas", deltas, "--replicas", "6", "--updates", "60"]).get()
    for seed in UInt64(1)...12 {
        var demo = prepared
        demo.seed = seed
        let outcome = demo.runQuietly()
        #expect(outcome.verdict == .pass, "seed \(seed): \(outcome.finding.map(\.description) ?? "")")
    }
}
