import ArgumentParser
import FailureDetection
import Simulation

/// `dsadvisor demo failure-detector`: φ accrual detectors against fixed timeouts, on networks
/// from calm to congested.
struct FailureDetectionDemoCommand: DemoRunner {
    static let demoID = "failure-detector"
    static let configuration = CommandConfiguration(
        commandName: "failure-detector",
        abstract: "Phi accrual vs fixed timeouts: false suspicions per hour vs detection time.",
        discussion: """
            Senders heartbeat to a monitor for an hour of simulated time on each network, then \
            crash. Every detector sees the same arrivals; the tables give phi over time around a \
            crash, false suspicions per hour, query accuracy and detection time. Phi uses a normal \
            distribution through Akka's logistic approximation (phi-exp: Cassandra's exponential).

            Examples:
              dsadvisor demo failure-detector
              dsadvisor demo failure-detector --profiles jittery --thresholds 0.5,2,5,10 --pause 500
              dsadvisor demo failure-detector --minutes 600 --timeouts 2000,4000 --quiet
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Networks, comma-separated: calm, jittery, congested (or all).")
    var profiles = "all"

    @Option(help: "Simulated minutes of heartbeats per network before the crashes (1-600).")
    var minutes = 60

    @Option(help: "Monitored senders per network; each crashes at the end (1-16).")
    var senders = 4

    @Option(help: "Heartbeat interval in ms (10-10000).")
    var interval: UInt64 = 1_000

    @Option(help: "Phi thresholds (normal distribution), comma-separated, each 0.5-30.")
    var thresholds = "1,3,8,12"

    @Option(name: .customLong("exp-thresholds"), help: "Phi thresholds with Cassandra's exponential distribution ('' for none).")
    var expThresholds = "8"

    @Option(name: .customLong("paused-thresholds"),
            help: "Phi thresholds also run with Akka cluster's 3000 ms acceptable pause ('' for none).")
    var pausedThresholds = "8"

    @Option(help: "Fixed timeouts in ms, comma-separated ('' for none).")
    var timeouts = "1500,3000,5000"

    @Option(help: "Inter-arrival window size (2-1000; Akka's max-sample-size is 1000).")
    var window = 1_000

    @Option(name: .customLong("min-std"), help: "Minimum standard deviation in ms (Akka: 100).")
    var minStd: Double = 100

    @Option(help: "Acceptable heartbeat pause in ms added to the mean for --thresholds (Akka cluster: 3000).")
    var pause: Double = 0

    @Option(help: "Sender n2 stalls this many ms half-way through, like a GC pause (0-30000; 0: never).")
    var stall: UInt64 = 2_500

    @Option(help: "Phi formula: correct, or inverted-tail (broken, to watch the checker catch it).")
    var variant = "correct"

    func validate() throws {
        _ = try options()
    }

    func options() throws -> FailureDetectionDemo.Options {
        let names = profiles == "all" ? JitterProfile.all.map(\.name) : profiles.split(separator: ",").map(String.init)
        let chosen = try names.map { name in
            guard let profile = JitterProfile.named(name) else {
                throw ValidationError("unknown profile '\(name)': use calm, jittery, congested or all")
            }
            return profile
        }
        guard (1...600).contains(minutes), (1...16).contains(senders), (10...10_000).contains(interval) else {
            throw ValidationError("--minutes 1-600, --senders 1-16, --interval 10-10000")
        }
        guard (2...1_000).contains(window), (1...10_000).contains(minStd), (0...10_000).contains(pause) else {
            throw ValidationError("--window 2-1000, --min-std 1-10000, --pause 0-10000")
        }
        guard stall <= 30_000 else { throw ValidationError("--stall must be in 0...30000") }
        guard let variant = PhiAccrualDetector.Variant(rawValue: variant) else {
            throw ValidationError("--variant must be correct or inverted-tail")
        }
        let timeoutList = try list(timeouts, "--timeouts", 1...60_000).map { SimDuration.milliseconds(UInt64($0)) }
        return FailureDetectionDemo.Options(
            seed: common.seed, profiles: chosen, minutes: minutes, senders: senders,
            interval: .milliseconds(interval), thresholds: try list(thresholds, "--thresholds", 0.5...30),
            exponentialThresholds: try list(expThresholds, "--exp-thresholds", 0.5...30),
            pausedThresholds: try list(pausedThresholds, "--paused-thresholds", 0.5...30), timeouts: timeoutList,
            window: window, minStdDeviationMillis: minStd, acceptablePauseMillis: pause, variant: variant,
            stall: .milliseconds(stall))
    }

    private func list(_ text: String, _ name: String, _ range: ClosedRange<Double>) throws -> [Double] {
        try text.split(separator: ",").map { item in
            guard let value = Double(item), range.contains(value) else {
                throw ValidationError("\(name): '\(item)' is not a number in \(range)")
            }
            return value
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        FailureDetectionDemo.run(try options(), on: timeline)
    }
}
