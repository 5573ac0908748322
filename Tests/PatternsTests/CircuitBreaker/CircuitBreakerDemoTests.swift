import Simulation
import Testing
@testable import CircuitBreaker

func demoLines(_ options: CircuitBreakerDemo.Options, format: OutputFormat = .text) -> (lines: [String], outcome: DemoOutcome) {
    var lines: [String] = []
    let timeline = Timeline(format: format, quiet: false) { lines.append($0) }
    let outcome = CircuitBreakerDemo.run(options, on: timeline)
    return (lines, outcome)
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let a = demoLines(.init(seed: 3))
    #expect(a.lines == demoLines(.init(seed: 3)).lines)
    #expect(a.lines != demoLines(.init(seed: 4)).lines)
    #expect(demoLines(.init(seed: 3), format: .json).lines == demoLines(.init(seed: 3), format: .json).lines)
    #expect(a.lines.allSatisfy { $0.count <= 100 })
}

@Test func defaultRunTellsTheStory() {
    let run = demoLines(.init(seed: 1))
    #expect(run.outcome.violation == nil)
    let text = run.lines.joined(separator: "\n")
    for needle in ["CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED", "HALF_OPEN -> OPEN", "3 dead"] {
        #expect(text.contains(needle), "missing \(needle)")
    }
}

@Test func seedSweepHoldsTheInvariants() {
    var timeBased = CircuitBreakerDemo.Options(seconds: 30, compare: false)
    timeBased.windowType = .timeBased
    timeBased.windowSize = 3
    timeBased.automaticTransition = true
    timeBased.halfOpenMaxWait = .milliseconds(300)
    for base in [CircuitBreakerDemo.Options(seconds: 30, compare: false), timeBased] {
        for seed in UInt64(1)...4 {
            var options = base
            options.seed = seed
            let run = demoLines(options)
            #expect(run.outcome.verdict == .pass, "seed \(seed): \(String(describing: run.outcome.finding))")
        }
    }
}

/// Explicit settings replace the preset's in any order; `preset` keeps the preset's.
@Test func explicitSettingsOverrideEitherPreset() throws {
    let demo = AnyDemo(CircuitBreakerDemo.self)
    func setting(_ words: [String], _ name: String) throws -> JSONValue? {
        try demo.prepare(words).get().settings.first { $0.0 == name }?.1
    }
    let r4j = BreakerConfig.resilience4jDefaults
    for words in [["--min-calls", "7", "--resilience4j-defaults"], ["--resilience4j-defaults", "--min-calls", "7"]] {
        #expect(try setting(words, "minimumNumberOfCalls") == JSONValue(7))
        #expect(try setting(words, "slidingWindowSize") == JSONValue(r4j.slidingWindowSize))
    }
    #expect(try setting(["--min-calls", "7", "--min-calls", "preset"], "minimumNumberOfCalls")
        == JSONValue(BreakerConfig.demo.minimumNumberOfCalls))
}

/// At the longest caller timeout a call issued at the end of the scenario finishes a minute
/// later: the horizon follows the timeout.
@Test func theLongestTimeoutStillFinishesEveryCall() throws {
    var demo = try AnyDemo(CircuitBreakerDemo.self).prepare(["--timeout-ms", "60000", "--seconds", "10"]).get()
    demo.seed = 2
    #expect(demo.runQuietly().verdict == .pass)
}

@Test(arguments: Breaker.Flaw.allCases)
func demoReportsABrokenBreaker(flaw: Breaker.Flaw) {
    let run = demoLines(.init(seed: 1, compare: false, flaw: flaw))
    #expect(run.outcome.verdict == .violated)
    #expect(run.outcome.violation?.invariant == "breaker follows resilience4j's rules")
}
