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
    var configs = [BreakerConfig.demo]
    var timeBased = BreakerConfig.demo
    timeBased.slidingWindowType = .timeBased
    timeBased.slidingWindowSize = 3
    timeBased.automaticTransitionFromOpenToHalfOpenEnabled = true
    timeBased.maxWaitDurationInHalfOpenState = .milliseconds(300)
    configs.append(timeBased)
    for config in configs {
        for seed in UInt64(1)...4 {
            let run = demoLines(.init(seed: seed, breaker: config, seconds: 30, compare: false))
            #expect(run.outcome.violation == nil, "seed \(seed): \(String(describing: run.outcome.violation))")
        }
    }
}

@Test(arguments: Breaker.Flaw.allCases)
func demoReportsABrokenBreaker(flaw: Breaker.Flaw) {
    let run = demoLines(.init(seed: 1, compare: false, flaw: flaw))
    #expect(run.outcome.violation?.invariant == "breaker follows resilience4j's rules")
}
