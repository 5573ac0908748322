import Simulation
import Testing

/// A demo's declaration parses its own words: ranges named in errors, defaults read from the
/// options, the replay line derived from what differs from them.
struct ToyOptions: DemoOptions {
    enum Mode: String, CaseIterable { case fast, careful }
    var seed: UInt64 = 1
    var nodes = 5
    var timeout = SimDuration.milliseconds(250)
    var mode = Mode.fast
    var verbose = false
    var faults = FaultMode.story
    var injected: [ScheduledFault] = []
    static var defaults: Self { Self() }
}

enum ToyDemo: DemoDefinition {
    static var declaration: DemoDeclaration<ToyOptions> {
        DemoDeclaration(
            id: "toy", title: "A toy.", story: "Nothing happens.",
            parameters: [
                .integer("nodes", \.nodes, in: 3...9, help: "Nodes."),
                .milliseconds("timeout-ms", \.timeout, in: 10...5_000, help: "Timeout."),
                .choice("mode", \.mode, help: "Mode."),
                .flag("verbose", \.verbose, help: "Say more."),
                .faults(\.faults, offers: [.crash, .partition], story: true, help: "Faults."),
            ],
            invariants: [DemoInvariant("nothing", .safety, "nothing breaks")],
            injections: \.injected, nodeCount: { $0.nodes },
            run: { _, _ in .passed })
    }
}

@Suite struct DemoDeclarationTests {
    let demo = AnyDemo(ToyDemo.self)

    func parse(_ words: [String]) -> Result<PreparedDemo, DemoUsageError> { demo.prepare(words) }

    @Test(arguments: [
        (["--nodes", "10"], "--nodes must be within 3...9, not '10'"),
        (["--nodes=2"], "--nodes must be within 3...9, not '2'"),
        (["--nodes"], "--nodes needs a value"),
        (["--timeout-ms", "99999999999999999999"], "--timeout-ms must be within 10...5000 (milliseconds)"),
        (["--mode", "slow"], "--mode must be one of fast, careful, not 'slow'"),
        (["--faults", "drop"], "--faults must be one of story, none, crash, partition, all"),
        (["--nodez", "4"], "unknown option '--nodez' for demo toy"),
        (["stray"], "unexpected argument 'stray'"),
        (["--inject", "1s crash n5"], "--inject '1s crash n5' names no node of n0…n4"),
        (["--nodes", "7", "--inject", "1s crash n6", "--inject", "soon heal"], "must start with a time"),
        (["--inject", "1s partition n0|n0"], "names a node in two groups"),
        (["--inject", "1s delay n0->n0 5ms"], "needs a link and a delay"),
        (["--inject", "1s explode n1"], "knows crash, crash-after-write, crash-during-write, restart, partition, isolate, heal, delay and cut"),
    ])
    func badWordsAreOneLineNamingTheRule(_ words: [String], message: String) {
        guard case .failure(let error) = parse(words) else {
            Issue.record("\(words) was accepted")
            return
        }
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func theReplayLineHoldsOnlyWhatDiffersFromTheDefaults() throws {
        var prepared = try parse(["--nodes", "7", "--verbose", "--mode=careful", "--faults", "crash,partition",
                                  "--inject", "4.5s restart n2", "--inject", "2.5s crash n2"]).get()
        prepared.seed = 9_223_372_036_854_775_808
        #expect(prepared.replayCommand == "dsadvisor demo toy --seed 9223372036854775808 --nodes 7 --mode careful "
            + "--verbose --faults crash,partition --inject '2500ms crash n2' --inject '4500ms restart n2'")
        let defaults = try parse([]).get()
        #expect(defaults.replayCommand == "dsadvisor demo toy --seed 1")
        #expect(defaults.settings.map(\.0) == ["nodes", "timeout-ms", "mode", "verbose", "faults"])
    }

    @Test func helpShowsEachDefaultOnceFromTheOptions() {
        let nodes = demo.parameters.first { $0.name == "nodes" }!
        #expect(nodes.defaultText == "5" && nodes.range == "3...9" && nodes.samples == ["3", "9"])
        #expect(demo.parameters.first { $0.name == "faults" }!.values == ["story", "none", "crash", "partition", "all"])
        #expect(demo.acceptsInjections)
    }

    @Test(arguments: [
        ("2.5s crash n2", "2500ms crash n2"), ("3s partition n0,n1|n2,n3,n4", "3s partition n0,n1|n2,n3,n4"),
        ("3.2s isolate n1", "3200ms partition n1|n0,n2,n3,n4"), ("4s heal", "4s heal"),
        ("1s delay n0->n3 1500ms", "1s delay n0->n3 1500ms"), ("750us cut n4->n0", "750us cut n4->n0"), ("1.0000005s heal", "1000000500ns heal"),
        ("2s crash-after-write n1", "2s crash-after-write n1"), ("2s crash-during-write n3", "2s crash-during-write n3"),
    ])
    func injectionsReadBackInTheirOwnWords(_ typed: String, _ printed: String) throws {
        let fault = try FaultScript.parse(typed, nodeCount: 5).get()
        #expect(FaultScript.text(fault) == printed)
    }
}
