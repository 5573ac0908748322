import Simulation
import Testing
@testable import FailureDetection

private func run(_ options: FailureDetectionDemo.Options) -> ([String], DemoOutcome) {
    var lines: [String] = []
    let outcome = FailureDetectionDemo.run(options, on: Timeline(format: .text, quiet: false) { lines.append($0) })
    return (lines, outcome)
}

private func short(seed: UInt64, variant: PhiAccrualDetector.Variant = .correct) -> FailureDetectionDemo.Options {
    FailureDetectionDemo.Options(seed: seed, minutes: 5, senders: 2, variant: variant)
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let a = run(short(seed: 1)).0
    #expect(a == run(short(seed: 1)).0)
    #expect(a != run(short(seed: 2)).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test func seedSweepHoldsEveryInvariant() {
    for seed in UInt64(1)...8 {
        let outcome = FailureDetectionDemo.run(short(seed: seed), on: Timeline(format: .text, quiet: true) { _ in })
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func checkerCatchesAPhiThatDoesNotAccrue() {
    let violation = run(short(seed: 1, variant: .invertedTail)).1.violation
    #expect(violation?.invariant == "phi-threshold" || violation?.invariant == "phi-accrues")
    #expect(violation?.seed == 1)
}

@Test func checkerCatchesADetectorThatNeverSuspects() {
    let monitor = HeartbeatMonitor(nodeCount: 2, detectors: [.timeout(FixedTimeoutDetector(timeout: .seconds(1)))],
                                   windowCapacity: 10, firstEstimate: .seconds(1))
    let breach = DetectorInvariantChecker().checkCompleteness(monitor, crashed: [1])
    #expect(breach?.invariant == "strong-completeness")
}

/// Property: on the same arrivals, a higher threshold (or longer timeout) never makes more
/// mistakes and never detects a crash sooner.
@Test func mistakesFallAndDetectionSlowsAsThresholdsRise() {
    let options = FailureDetectionDemo.Options(seed: 3, profiles: [.congested], minutes: 20, senders: 2,
                                               exponentialThresholds: [], pausedThresholds: [])
    let timeline = Timeline(format: .text, quiet: true) { _ in }
    let detectorRun = DetectorRun(profile: .congested, seed: 3, options: options, timeline: timeline)
    #expect(detectorRun.run(sampleAround: detectorRun.crashes[1]!, settle: .seconds(60)) == nil)
    for group in [0..<4, 4..<7] {
        let tallies = Array(detectorRun.tallies[group])
        let mistakes = tallies.map(\.falseSuspicions)
        #expect(mistakes == mistakes.sorted(by: >))
        let detection = tallies.map { $0.detections.reduce(SimDuration.zero, +) }
        #expect(detection == detection.sorted())
    }
    #expect(detectorRun.tallies[0].falseSuspicions > 0)
}

/// A 2.5 s stall of a live sender on a calm network: phi 8 suspects it (a mistake), phi 8 with
/// Akka's 3 s acceptable pause does not.
@Test func anAcceptablePauseAbsorbsAStall() {
    let options = FailureDetectionDemo.Options(seed: 4, profiles: [.calm], minutes: 4, senders: 2, thresholds: [8],
                                               exponentialThresholds: [], pausedThresholds: [8], timeouts: [])
    let detectorRun = DetectorRun(profile: .calm, seed: 4, options: options, timeline: Timeline(format: .text, quiet: true) { _ in })
    #expect(detectorRun.run(sampleAround: detectorRun.crashes[1]!, settle: .seconds(60)) == nil)
    #expect(detectorRun.stall?.sender == 2)
    #expect(detectorRun.tallies[0].falseSuspicions == 1)
    #expect(detectorRun.tallies[1].falseSuspicions == 0)
}

/// Regression: a 10 s heartbeat makes Cassandra's exponential phi 8 wait 8 * ln(10) mean
/// intervals (184 s) to suspect a crash; a fixed two-minute settle called that a broken
/// completeness. The settle now follows from each detector's own rule.
@Test func aSlowHeartbeatIsGivenTheTimeItsDetectorsNeed() throws {
    var demo = try AnyDemo(FailureDetectionDemo.self).prepare(["--interval", "10000"]).get()
    demo.seed = 40001
    let outcome = demo.runQuietly()
    #expect(outcome.verdict == .pass, "\(String(describing: outcome.finding))")
}

/// Completeness not reached within the settle time is a shortfall, not a broken rule.
@Test func completenessPastTheHorizonIsAShortfall() {
    let monitor = HeartbeatMonitor(nodeCount: 2, detectors: [.timeout(FixedTimeoutDetector(timeout: .seconds(1)))],
                                   windowCapacity: 10, firstEstimate: .seconds(1))
    #expect(DetectorInvariantChecker().checkCompleteness(monitor, crashed: [1])?.liveness == true)
}
