import Foundation
import Simulation
import Testing
@testable import FailureDetection

private func window(_ intervalsMillis: [UInt64], capacity: Int = 1_000) -> ArrivalWindow {
    var w = ArrivalWindow(capacity: capacity, firstEstimate: .seconds(1))
    var t = SimTime.zero + .seconds(10)
    w.record(t)
    for interval in intervalsMillis {
        t = t + .milliseconds(interval)
        w.record(t)
    }
    return w
}

@Test func windowMeanAndDeviationAreExactAndSlide() {
    // Bootstrap intervals 750 and 1250 ms, then 1000 and 1000: mean 1000, deviation sqrt(31250).
    let w = window([1_000, 1_000])
    #expect(w.count == 4)
    #expect(w.meanMillis == 1_000)
    #expect(abs(w.standardDeviationMillis - 31_250.0.squareRoot()) < 1e-9)
    let slid = window([200, 400, 600], capacity: 3)
    #expect(slid.count == 3)
    #expect(slid.meanMillis == 400)
}

@Test func phiMatchesTheNormalTailThroughTheLogisticApproximation() {
    let w = window(Array(repeating: 1_000, count: 50))
    let d = PhiAccrualDetector(threshold: 8, minStdDeviationMillis: 100)
    let (mean, deviation) = d.parameters(w)
    #expect(abs(d.phi(elapsedMillis: mean, window: w) - log10(2.0)) < 1e-12)
    // One standard deviation: the normal tail is 0.158655; phi = -log10 of it.
    let oneSigma = d.phi(elapsedMillis: mean + deviation, window: w)
    #expect(abs(pow(10, -oneSigma) - 0.158655) < 1e-3)
    let threeSigma = d.phi(elapsedMillis: mean + 3 * deviation, window: w)
    #expect(abs(pow(10, -threeSigma) - 0.0013499) < 2e-4)
}

@Test func minimumDeviationAndPauseShiftTheCurve() {
    let w = window(Array(repeating: 1_000, count: 50))  // nearly no jitter
    let tight = PhiAccrualDetector(threshold: 8, minStdDeviationMillis: 100)
    let paused = PhiAccrualDetector(threshold: 8, minStdDeviationMillis: 100, acceptablePauseMillis: 3_000)
    #expect(tight.parameters(w).deviation == 100)
    #expect(paused.timeToSuspicion(w)! == tight.timeToSuspicion(w)! + .seconds(3))
}

@Test func exponentialPhiIsCassandras() {
    let w = window(Array(repeating: 1_000, count: 1_000))
    let d = PhiAccrualDetector(threshold: 1, distribution: .exponential)
    #expect(abs(d.phi(elapsedMillis: w.meanMillis * log(10.0), window: w) - 1) < 1e-12)
}

/// Property: the closed-form deadline is where phi reaches the threshold, and phi only grows.
@Test func deadlineInvertsPhiForRandomWindowsAndThresholds() {
    var rng = SeededRNG(seed: 5)
    for _ in 0..<300 {
        let intervals = (0..<20).map { _ in 500 + rng.below(1_500) }
        let w = window(intervals)
        let threshold = 0.5 + Double(rng.below(2_950)) / 100
        let d = PhiAccrualDetector(threshold: threshold, minStdDeviationMillis: Double(1 + rng.below(300)))
        let deadline = Double(d.timeToSuspicion(w)!.nanoseconds) / 1e6
        // The deadline is rounded up to the microsecond: phi is at the threshold there, and
        // below it a microsecond earlier.
        #expect(d.phi(elapsedMillis: deadline, window: w) >= threshold * (1 - 1e-9))
        #expect(d.phi(elapsedMillis: deadline - 0.001, window: w) <= threshold * (1 + 1e-9))
        #expect(d.phi(elapsedMillis: deadline - 1, window: w) < threshold)
        var previous = -1.0
        for step in 0..<50 {
            let phi = d.phi(elapsedMillis: Double(step) * deadline / 25, window: w)
            #expect(phi >= previous)
            previous = phi
        }
    }
}

@Test func higherThresholdsWaitLonger() {
    let w = window([900, 1_100, 950, 1_050, 1_300, 800])
    let deadlines = [1.0, 3, 8, 12].map { PhiAccrualDetector(threshold: $0).timeToSuspicion(w)! }
    #expect(deadlines == deadlines.sorted())
    #expect(Set(deadlines).count == 4)
}

@Test func monitorSuspectsAtTheDeadlineAndTrustsOnTheNextHeartbeat() {
    let detectors: [DetectorKind] = [.phi(PhiAccrualDetector(threshold: 8)), .timeout(FixedTimeoutDetector(timeout: .seconds(3)))]
    var m = HeartbeatMonitor(nodeCount: 2, detectors: detectors, windowCapacity: 100, firstEstimate: .seconds(1))
    var t = SimTime.zero
    var next: SimDuration?
    for _ in 0..<10 {
        t = t + .seconds(1)
        next = m.heartbeat(from: 1, at: t).next
    }
    let phiDeadline = detectors[0].timeToSuspicion(m.windows[1])!
    #expect(next == phiDeadline)
    let first = m.deadline(sender: 1, at: t + next!)
    #expect(first.events.map(\.detector) == [0])
    #expect(first.events.first.flatMap(\.phi).map { $0 >= 8 * (1 - 1e-6) } == true)
    #expect(t + next! + first.next! == t + .seconds(3))  // then the timeout's deadline
    #expect(m.isSuspected(1, by: 0) && !m.isSuspected(1, by: 1))
    let second = m.deadline(sender: 1, at: t + .seconds(3))
    #expect(second.events.map(\.detector) == [1] && second.next == nil)
    let trusted = m.heartbeat(from: 1, at: t + .seconds(4)).events
    #expect(trusted.map(\.kind) == [.trust, .trust])
    #expect(!m.isSuspected(1, by: 0))
}
