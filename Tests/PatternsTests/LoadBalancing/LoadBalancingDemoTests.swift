import Testing
@testable import LoadBalancing
import Simulation

func lines(_ options: LoadBalancingDemo.Options) -> ([String], DemoOutcome) {
    var out: [String] = []
    let timeline = Timeline(format: .text, quiet: false) { out.append($0) }
    let outcome = LoadBalancingDemo.run(options, on: timeline)
    return (out, outcome)
}

func small(seed: UInt64) -> LoadBalancingDemo.Options {
    LoadBalancingDemo.Options(seed: seed, durationMs: 800, binsExponent: 3)
}

@Test func sameSeedSameOutputDifferentSeedsDiffer() {
    let (a, outcome) = lines(small(seed: 5))
    #expect(outcome.violation == nil)
    #expect(a == lines(small(seed: 5)).0)
    #expect(a != lines(small(seed: 6)).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test(arguments: UInt64(1)...6)
func seedSweepHoldsInvariants(seed: UInt64) {
    var options = small(seed: seed)
    options.crash = seed % 2 == 0
    options.backends = 3 + Int(seed)
    #expect(lines(options).1.violation == nil)
}

@Test func leakedSlotIsCaughtByTheAccountingCheck() {
    var options = small(seed: 2)
    options.leakOnTimeout = true
    let violation = lines(options).1.violation
    #expect(violation?.invariant == "accounting")
    #expect(violation?.seed == 2)
}

@Test func loadAwarePoliciesBeatObliviousOnes() {
    var out: [String] = []
    let options = LoadBalancingDemo.Options(seed: 1, durationMs: 1500, binsExponent: 2)
    _ = LoadBalancingDemo.run(options, on: Timeline(format: .json, quiet: true) { out.append($0) })
    func timeouts(_ policy: String) -> Int? {
        guard let row = out.first(where: { $0.contains("\"policy\":\"\(policy)\"") }),
              let range = row.range(of: "\"timeouts\":") else { return nil }
        return Int(row[range.upperBound...].prefix { $0.isNumber })
    }
    let rr = timeouts("round-robin"), lc = timeouts("least-conn"), p2c = timeouts("p2c")
    #expect(rr != nil && lc != nil && p2c != nil)
    #expect((lc ?? .max) < (rr ?? 0) && (p2c ?? .max) < (rr ?? 0))
}
