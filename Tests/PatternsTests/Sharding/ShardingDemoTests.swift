import Simulation
import Testing
@testable import Sharding

private func lines(_ options: ShardingDemo.Options) -> (lines: [String], outcome: DemoOutcome) {
    var out: [String] = []
    let timeline = Timeline(format: .text, quiet: false) { out.append($0) }
    let outcome = ShardingDemo.run(options, on: timeline)
    return (out, outcome)
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let a = lines(.init(seed: 5))
    #expect(a.lines == lines(.init(seed: 5)).lines)
    #expect(a.lines != lines(.init(seed: 6)).lines)
    #expect(a.outcome.violation == nil)
    #expect(a.lines.allSatisfy { $0.count <= Timeline.width })
}

@Test(arguments: [UInt64(1), 2, 3, 7, 35, 170])
func seedSweepHoldsEveryInvariant(seed: UInt64) {
    let result = lines(.init(seed: seed, lossPerMille: seed % 2 == 0 ? 100 : 10))
    #expect(result.outcome.violation == nil, "\(result.outcome.violation.map(String.init(describing:)) ?? "")")
}

@Test func theStorySplitsCopiesFreezesSwitchesAndRedirects() {
    let text = lines(.init(seed: 1)).lines.joined(separator: "\n")
    for word in ["split ", "snapshot", "freeze", "switch", "activate", "release", "redirect"] {
        #expect(text.contains(word), "missing \(word)")
    }
}

@Test func balancingCutsTheHottestNodesShare() {
    let config = ShardingDemo.Options(seed: 1).config
    let run = ShardingRun(config: config, seed: 1, network: ShardingDemo.Options(seed: 1).network, faults: false,
                          timeline: Timeline(format: .text, quiet: true) { _ in })
    #expect(run.execute() == nil)
    let (before, after) = ShardingReport.windows(run)
    let first = run.placement!.history[0], last = run.placement!.table
    let maxBefore = config.storageIDs.map { n in
        first.entries.filter { $0.owner == n }.map { before.opsPerSecond($0.low, $0.high) }.reduce(0, +)
    }.max()!
    let maxAfter = config.storageIDs.map { n in
        last.entries.filter { $0.owner == n }.map { after!.opsPerSecond($0.low, $0.high) }.reduce(0, +)
    }.max()!
    #expect(maxAfter * 2 < maxBefore)
}

/// The broken variant: switch right after the snapshot, the source never frozen.
@Test func switchingWithoutFreezeAndCatchUpIsCaught() {
    for seed in UInt64(1)...3 {
        let result = lines(.init(seed: seed, unsafeSkipCatchUp: true))
        #expect(result.outcome.violation != nil)
        #expect(result.outcome.violation?.seed == seed)
    }
}

/// The declared ranges' ends pass through the declaration (the edge sweep, kept as a test).
@Test(arguments: [["--keys", "100000"], ["--loss", "300"], ["--shards", "16", "--nodes", "8", "--moves", "6"],
                  ["--faults", "none"]])
func declaredEdgesPass(words: [String]) throws {
    var prepared = try AnyDemo(ShardingDemo.self).prepare(words).get()
    for seed in UInt64(1)...3 {
        prepared.seed = seed
        #expect(prepared.runQuietly().verdict == .pass, "\(words) seed \(seed)")
    }
}

@Test func unsafeSwitchIsCaughtThroughTheDeclaration() throws {
    let prepared = try AnyDemo(ShardingDemo.self).prepare(["--unsafe-switch"]).get()
    #expect(prepared.runQuietly().verdict == .violated)
}
