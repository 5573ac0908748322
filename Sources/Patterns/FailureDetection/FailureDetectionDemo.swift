/// `dsadvisor demo failure-detector`: heartbeats judged by φ accrual detectors (Hayashibara et
/// al., SRDS 2004; as Akka and Cassandra implement them) beside fixed timeouts, on networks
/// from calm to congested. For each it prints φ over time around a real crash, the detection
/// time after crashes and the false suspicions per hour of simulated time.
///
/// Simplifications:
/// - One monitor, several senders, one-way heartbeats; every detector sees the same arrivals.
/// - Every sender crashes at the end of the measured period (10 s apart), so detection time is
///   measured on as many crashes as there are senders. Half-way through, n2 stalls once (a GC
///   pause): the false suspicions that acceptable-heartbeat-pause exists to absorb.
import Foundation
import Simulation

public enum FailureDetectionDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var profiles = JitterProfile.all
        /// Simulated minutes of heartbeats before the crashes.
        public var minutes = 60
        public var senders = 4
        public var interval = SimDuration.seconds(1)
        public var thresholds: [Double] = [1, 3, 8, 12]
        public var exponentialThresholds: [Double] = [8]
        /// Thresholds also run with Akka cluster's acceptable heartbeat pause of 3 s.
        public var pausedThresholds: [Double] = [8]
        public var timeouts: [SimDuration] = [.milliseconds(1_500), .milliseconds(3_000), .milliseconds(5_000)]
        public var window = 1_000
        public var minStdDeviationMillis: Double = 100
        public var acceptablePauseMillis: Double = 0
        public var variant = PhiAccrualDetector.Variant.correct
        /// Sender n2 stalls this long half-way through (zero: never).
        public var stall = SimDuration.milliseconds(2_500)

        /// Akka cluster's default `acceptable-heartbeat-pause`.
        public static let akkaPauseMillis: Double = 3_000

        public var detectors: [DetectorKind] {
            thresholds.map {
                .phi(PhiAccrualDetector(threshold: $0, minStdDeviationMillis: minStdDeviationMillis,
                                        acceptablePauseMillis: acceptablePauseMillis, variant: variant))
            } + pausedThresholds.map {
                .phi(PhiAccrualDetector(threshold: $0, minStdDeviationMillis: minStdDeviationMillis,
                                        acceptablePauseMillis: Options.akkaPauseMillis, variant: variant))
            } + exponentialThresholds.map {
                .phi(PhiAccrualDetector(threshold: $0, distribution: .exponential))
            } + timeouts.map { .timeout(FixedTimeoutDetector(timeout: $0)) }
        }

        /// The longest silence the window can plausibly have learnt as normal: three
        /// heartbeats lost in a row on the lossiest network, the stall, and the worst delay.
        var longestGapMillis: Double {
            let network = profiles.map(\.network)
            let delay = network.map { ($0.delayMax + $0.tailDelayMax).milliseconds }.max() ?? 0
            return Double((interval * 4 + stall).milliseconds + delay)
        }

        /// How long after the last crash every detector must suspect every crashed sender
        /// (strong completeness), from each detector's own rule at its most patient: a window
        /// whose mean and deviation are as large as `longestGapMillis`. A timeout waits its
        /// timeout; an exponential phi waits threshold * ln(10) mean intervals; a normal phi
        /// waits mean + pause + y * deviation, y the logistic quantile of 10^-threshold.
        public var settle: SimDuration {
            let gap = longestGapMillis
            let waits: [Double] = detectors.map { kind in
                switch kind {
                case .timeout(let detector):
                    return Double(detector.timeout.milliseconds)
                case .phi(let detector) where detector.distribution == .exponential:
                    return detector.threshold * gap * 2.302_585_093
                case .phi(let detector):
                    let y = PhiAccrualDetector.logisticQuantile(exceedance: pow(10.0, -detector.threshold))
                    return gap + detector.acceptablePauseMillis + max(gap, detector.minStdDeviationMillis) * max(y, 1)
                }
            }
            // The crashes of the first senders come earlier; the margin covers the last beat in flight.
            let longest = (waits.max() ?? 0) + gap
            return .milliseconds(UInt64(longest.rounded(.up)))
        }
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        var runs: [DetectorRun] = []
        for (index, profile) in options.profiles.enumerated() {
            timeline.section("\(profile.name): \(profile.summary); \(options.senders) senders x "
                + "\(options.minutes) min, beat \(options.interval.milliseconds)ms, then crashes")
            var profileRNG = SeededRNG(seed: options.seed).stream(UInt64(index) + 100)
            let seed = profileRNG.next()
            let run = DetectorRun(profile: profile, seed: seed, options: options, timeline: timeline)
            runs.append(run)
            if let breach = run.run(sampleAround: run.crashes[1] ?? .zero, settle: options.settle) {
                let finding = InvariantViolation(invariant: breach.invariant, detail: "\(profile.name): \(breach.detail)",
                    seed: options.seed, step: run.sim.stats.events, time: run.sim.now)
                DetectorReport(runs: runs, options: options).summary(violation: finding, on: timeline)
                return breach.liveness ? DemoOutcome(shortfall: finding) : DemoOutcome(violation: finding)
            }
        }
        let report = DetectorReport(runs: runs, options: options)
        report.print(on: timeline)
        report.summary(violation: nil, on: timeline)
        return .passed
    }

    /// A fixed-decimals rendering that reads the same everywhere (no locale).
    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value > 0 ? "inf" : "-inf" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let unit = Int64(scale)
        let fraction = String(scaled % unit)
        return "\(sign)\(scaled / unit).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }
}
