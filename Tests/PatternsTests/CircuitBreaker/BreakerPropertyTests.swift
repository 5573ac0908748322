import Simulation
import Testing
@testable import CircuitBreaker

/// Random configurations and random, overlapping calls: the auditor (an independent
/// re-derivation of the rules) must agree with the breaker on every step, and must disagree
/// with each deliberately broken breaker on some seed.
func randomRun(seed: UInt64, flaw: Breaker.Flaw?) -> [String] {
    var rng = SeededRNG(seed: seed)
    let type: BreakerConfig.WindowType = rng.below(2) == 0 ? .countBased : .timeBased
    let config = BreakerConfig(
        failureRateThreshold: 20 + Int(rng.below(70)), slowCallRateThreshold: 30 + Int(rng.below(71)),
        slowCallDurationThreshold: .milliseconds(50 + rng.below(100)),
        permittedNumberOfCallsInHalfOpenState: 1 + Int(rng.below(5)), slidingWindowType: type,
        slidingWindowSize: 2 + Int(rng.below(10)), minimumNumberOfCalls: 1 + Int(rng.below(12)),
        waitDurationInOpenState: .milliseconds(200 + rng.below(800)),
        automaticTransitionFromOpenToHalfOpenEnabled: rng.below(2) == 0,
        maxWaitDurationInHalfOpenState: rng.below(3) == 0 ? .milliseconds(100 + rng.below(400)) : .zero)
    var d = Driver(config, flaw: flaw)
    var pending: [(end: UInt64, name: String, failed: Bool)] = []
    var now: UInt64 = 0
    for i in 0..<600 {
        now += rng.below(40)
        pending.sort { $0.end < $1.end }
        while let first = pending.first, first.end <= now {
            pending.removeFirst()
            d.end(first.name, at: first.end, failed: first.failed)
        }
        let failOdds = (now / 3_000) % 2 == 0 ? 100 : 800
        if d.start("c\(i)", at: now) {
            pending.append((now + rng.below(200), "c\(i)", rng.below(1000) < failOdds))
        }
    }
    for p in pending.sorted(by: { $0.end < $1.end }) { d.end(p.name, at: p.end, failed: p.failed) }
    return d.audit
}

@Test func auditorAgreesWithTheBreakerOnRandomRuns() {
    for seed in UInt64(1)...80 {
        let problems = randomRun(seed: seed, flaw: nil)
        #expect(problems.isEmpty, "seed \(seed): \(problems.first ?? "")")
    }
}

@Test(arguments: Breaker.Flaw.allCases)
func auditorCatchesEachBrokenBreaker(flaw: Breaker.Flaw) {
    let caught = (UInt64(1)...80).filter { !randomRun(seed: $0, flaw: flaw).isEmpty }
    #expect(caught.count > 5, "\(flaw) caught on only \(caught.count) seeds")
}

@Test func countWindowTotalsMatchTheLastNOutcomes() {
    var rng = SeededRNG(seed: 9)
    var window = OutcomeWindow(.count(7))
    var all: [OutcomeWindow.Outcome] = []
    for i in 0..<200 {
        let o = OutcomeWindow.Outcome(failed: rng.below(2) == 0, slow: rng.below(3) == 0)
        all.append(o)
        let s = window.record(o, now: SimTime.zero + .milliseconds(UInt64(i)))
        let last = all.suffix(7)
        #expect(s.calls == last.count && s.failed == last.filter(\.failed).count && s.slow == last.filter(\.slow).count)
    }
}
