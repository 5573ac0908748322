import Testing
@testable import ServiceMesh
import Simulation

func at(_ ms: UInt64) -> SimTime { .zero + .milliseconds(ms) }

@Test func budgetAllowsTheFloorThenARatioOfRequests() {
    var budget = RetryBudget(ratioPerMille: 200, minPerSecond: 10)
    // With no requests, only the floor of 10 retries per one-second window.
    let floor = (0..<20).filter { _ in budget.tryWithdraw(at: at(5)) }.count
    #expect(floor == 10)
    // 100 requests add 20 more.
    for _ in 0..<100 { budget.recordRequest(at: at(10)) }
    let more = (0..<50).filter { _ in budget.tryWithdraw(at: at(20)) }.count
    #expect(more == 20)
}

@Test func budgetWindowSlides() {
    var budget = RetryBudget(ratioPerMille: 200, minPerSecond: 0)
    for _ in 0..<50 { budget.recordRequest(at: at(0)) }
    let early = (0..<20).filter { _ in budget.tryWithdraw(at: at(50)) }.count
    #expect(early == 10)
    // A second later the deposits (and withdrawals) have left the window.
    let late = (0..<20).filter { _ in budget.tryWithdraw(at: at(1_100)) }.count
    #expect(late == 0)
    #expect(budget.windowStart(at(1_150)) == at(200))
}

@Test func outlierDetectorEjectsAfterConsecutiveFailuresWithinTheCap() {
    var detector = OutlierDetector(hosts: 3, consecutiveLimit: 3, baseEjection: .milliseconds(100))
    for _ in 0..<2 { #expect(detector.record(0, success: false, at: at(1)) == nil) }
    #expect(detector.record(0, success: true, at: at(1)) == nil)  // a success resets the count
    for _ in 0..<2 { _ = detector.record(0, success: false, at: at(2)) }
    #expect(detector.record(0, success: false, at: at(2)) == at(102))
    // Cap: at most one of three hosts ejected at once.
    for _ in 0..<3 { _ = detector.record(1, success: false, at: at(3)) }
    #expect(detector.ejectedCount(at: at(3)) == 1)
    // A second ejection of the same host lasts twice as long.
    for _ in 0..<3 { _ = detector.record(0, success: false, at: at(200)) }
    #expect(detector.ejectedUntil[0] == at(400))
}

@Test func treeBoundIsRetriesPlusOneToTheHops() {
    let policy = Sidecar.Policy(maxRetries: 3, budget: false, outlierDetection: false, circuitBreaker: false)
    #expect(MeshInvariants(policy: policy, hops: 3, roots: 1).treeBound == 64)
}

func meshLines(_ options: ServiceMeshDemo.Options) -> ([String], DemoOutcome) {
    var out: [String] = []
    let outcome = ServiceMeshDemo.run(options, on: Timeline(format: .text, quiet: false) { out.append($0) })
    return (out, outcome)
}

func smallMesh(seed: UInt64) -> ServiceMeshDemo.Options {
    ServiceMeshDemo.Options(seed: seed, rate: 150, duration: .milliseconds(1500))
}

@Test func meshDemoIsDeterministic() {
    let (a, outcome) = meshLines(smallMesh(seed: 2))
    #expect(outcome.violation == nil)
    #expect(a == meshLines(smallMesh(seed: 2)).0)
    #expect(a != meshLines(smallMesh(seed: 3)).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test(arguments: UInt64(1)...4)
func meshSeedSweep(seed: UInt64) {
    var options = smallMesh(seed: seed)
    options.maxRetries = Int(seed % 4)
    options.replicas = 2 + Int(seed % 3)
    #expect(meshLines(options).1.violation == nil)
}

/// The checker restates the budget from its specification; a broken budget, even one whose
/// own `allowance` agrees with what it grants, is caught on every seed of a small sweep.
@Test(arguments: RetryBudget.Flaw.allCases)
func aBrokenBudgetIsCaughtOnEverySeed(flaw: RetryBudget.Flaw) throws {
    var demo = try AnyDemo(ServiceMeshDemo.self).prepare(
        ["--variant", flaw.rawValue, "--rate", "150", "--duration-ms", "1500"]).get()
    for seed in UInt64(1)...5 {
        demo.seed = seed
        let outcome = demo.runQuietly()
        #expect(outcome.verdict == .violated, "seed \(seed)")
        #expect(outcome.violation?.invariant == "retry budget", "seed \(seed)")
    }
}

/// The correct budget passes the same checker at the same settings.
@Test func theCorrectBudgetPassesTheIndependentCheck() throws {
    var demo = try AnyDemo(ServiceMeshDemo.self).prepare(["--rate", "150", "--duration-ms", "1500"]).get()
    for seed in UInt64(1)...5 {
        demo.seed = seed
        #expect(demo.runQuietly().verdict == .pass, "seed \(seed)")
    }
}

/// The budget and the checker compute the allowance apart: a flawed allowance is not the
/// specification's.
@Test func aFlawedAllowanceDiffersFromTheSpecification() {
    let right = RetryBudget(ratioPerMille: 200, minPerSecond: 10)
    let wrong = RetryBudget(ratioPerMille: 200, minPerSecond: 10, flaw: .ratioPerCent)
    #expect(right.allowance(requests: 100) == 30)
    #expect(wrong.allowance(requests: 100) == 210)
}

@Test func theStormReaches64AndTheBudgetStopsIt() {
    var out: [String] = []
    _ = ServiceMeshDemo.run(ServiceMeshDemo.Options(seed: 1, rate: 200, duration: .milliseconds(2000)),
                            on: Timeline(format: .json, quiet: true) { out.append($0) })
    let storm = out.first { $0.contains("\"config\":\"retry 3x\"") && $0.contains("max/req") } ?? ""
    let budget = out.first { $0.contains("\"config\":\"retry+budget\"") && $0.contains("max/req") } ?? ""
    #expect(storm.contains("\"max/req\":64"))
    #expect(!budget.isEmpty && !budget.contains("\"max/req\":64"))
}
