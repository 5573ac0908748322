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
    public struct Options: Sendable {
        public var seed: UInt64
        public var profiles: [JitterProfile]
        /// Simulated minutes of heartbeats before the crashes.
        public var minutes: Int
        public var senders: Int
        public var interval: SimDuration
        public var thresholds: [Double]
        public var exponentialThresholds: [Double]
        /// Thresholds also run with Akka cluster's acceptable heartbeat pause of 3 s.
        public var pausedThresholds: [Double]
        public var timeouts: [SimDuration]
        public var window: Int
        public var minStdDeviationMillis: Double
        public var acceptablePauseMillis: Double
        public var variant: PhiAccrualDetector.Variant
        /// Sender n2 stalls this long half-way through (zero: never).
        public var stall: SimDuration

        public init(seed: UInt64 = 1, profiles: [JitterProfile] = JitterProfile.all, minutes: Int = 60,
                    senders: Int = 4, interval: SimDuration = .seconds(1), thresholds: [Double] = [1, 3, 8, 12],
                    exponentialThresholds: [Double] = [8], pausedThresholds: [Double] = [8],
                    timeouts: [SimDuration] = [.milliseconds(1_500), .milliseconds(3_000), .milliseconds(5_000)],
                    window: Int = 1_000, minStdDeviationMillis: Double = 100, acceptablePauseMillis: Double = 0,
                    variant: PhiAccrualDetector.Variant = .correct, stall: SimDuration = .milliseconds(2_500)) {
            self.seed = seed
            self.profiles = profiles
            self.minutes = minutes
            self.senders = senders
            self.interval = interval
            self.thresholds = thresholds
            self.exponentialThresholds = exponentialThresholds
            self.pausedThresholds = pausedThresholds
            self.timeouts = timeouts
            self.window = window
            self.minStdDeviationMillis = minStdDeviationMillis
            self.acceptablePauseMillis = acceptablePauseMillis
            self.variant = variant
            self.stall = stall
        }

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
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.header(demo: "failure-detector", seed: options.seed, settings: settings(options))
        var runs: [DetectorRun] = []
        for (index, profile) in options.profiles.enumerated() {
            timeline.section("\(profile.name): \(profile.summary); \(options.senders) senders x "
                + "\(options.minutes) min, beat \(options.interval.milliseconds)ms, then crashes")
            var profileRNG = SeededRNG(seed: options.seed).stream(UInt64(index) + 100)
            let seed = profileRNG.next()
            let run = DetectorRun(profile: profile, seed: seed, options: options, timeline: timeline)
            runs.append(run)
            if let breach = run.run(sampleAround: run.crashes[1] ?? .zero, settle: .seconds(120)) {
                let violation = InvariantViolation(invariant: breach.invariant, detail: "\(profile.name): \(breach.detail)",
                    seed: options.seed, step: run.sim.stats.events, time: run.sim.now)
                DetectorReport(runs: runs, options: options).summary(violation: violation, on: timeline)
                return DemoOutcome(violation: violation)
            }
        }
        let report = DetectorReport(runs: runs, options: options)
        report.print(on: timeline)
        report.summary(violation: nil, on: timeline)
        return .passed
    }

    static func settings(_ options: Options) -> [(String, JSONValue)] {
        [
            ("profiles", .string(options.profiles.map(\.name).joined(separator: ","))),
            ("minutes", JSONValue(options.minutes)),
            ("senders", JSONValue(options.senders)),
            ("interval", .string("\(options.interval.milliseconds)ms")),
            ("phi", .string(options.thresholds.map { format($0, decimals: 1) }.joined(separator: ","))),
            ("phi+3s", .string(options.pausedThresholds.map { format($0, decimals: 1) }.joined(separator: ","))),
            ("phi-exp", .string(options.exponentialThresholds.map { format($0, decimals: 1) }.joined(separator: ","))),
            ("timeouts", .string(options.timeouts.map { "\($0.milliseconds)ms" }.joined(separator: ","))),
            ("window", JSONValue(options.window)),
            ("min-std", .string("\(format(options.minStdDeviationMillis, decimals: 0))ms")),
            ("pause", .string("\(format(options.acceptablePauseMillis, decimals: 0))ms")),
            ("stall", .string("\(options.stall.milliseconds)ms")),
            ("cdf", "normal(logistic approx.)"),
            ("variant", .string(options.variant.rawValue)),
        ]
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
