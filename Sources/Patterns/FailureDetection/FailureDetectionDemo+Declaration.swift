import Simulation

extension FailureDetectionDemo.Options {
    public static var defaults: Self { Self() }
}

/// The failure-detector demo as the CLI offers it: every parameter, its range and its help.
extension FailureDetectionDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "failure-detector",
            title: "Phi accrual vs fixed timeouts: false suspicions per hour vs detection time.",
            story: """
                Senders heartbeat to a monitor for an hour of simulated time on each network, then \
                crash. Every detector sees the same arrivals; the tables give phi over time around a \
                crash, false suspicions per hour, query accuracy and detection time. Phi uses a normal \
                distribution through Akka's logistic approximation (phi-exp: Cassandra's exponential).
                """,
            examples: [
                "demo failure-detector",
                "demo failure-detector --profiles jittery --thresholds 0.5,2,5,10 --pause 500",
                "demo failure-detector --minutes 600 --timeouts 2000,4000 --quiet",
            ],
            parameters: [
                .custom("profiles", \.profiles, valueName: "names", syntax: "all, or a comma-separated list of calm, jittery, congested",
                        samples: ["all", "calm", "congested"],
                        parse: profiles, format: { .string($0.map(\.name).joined(separator: ",")) },
                        help: "Networks to run on."),
                .integer("minutes", \.minutes, in: 1...600, help: "Simulated minutes of heartbeats per network before the crashes."),
                .integer("senders", \.senders, in: 1...16, help: "Monitored senders per network; each crashes at the end."),
                .milliseconds("interval", \.interval, in: 100...10_000, help: "Heartbeat interval."),
                thresholdList("thresholds", \.thresholds, empty: false, help: "Phi thresholds (normal distribution)."),
                thresholdList("exp-thresholds", \.exponentialThresholds, empty: true,
                              help: "Phi thresholds with Cassandra's exponential distribution."),
                thresholdList("paused-thresholds", \.pausedThresholds, empty: true,
                              help: "Phi thresholds also run with Akka cluster's 3000 ms acceptable pause."),
                .custom("timeouts", \.timeouts, valueName: "ms,…", syntax: "'' or a comma-separated list, each 1...60000 ms",
                        samples: ["", "1", "60000"], parse: timeouts,
                        format: { .string($0.map { "\($0.milliseconds)" }.joined(separator: ",")) },
                        help: "Fixed timeouts."),
                .integer("window", \.window, in: 2...1_000, help: "Inter-arrival window size (Akka's max-sample-size is 1000)."),
                millis("min-std", \.minStdDeviationMillis, in: 1...10_000, help: "Minimum standard deviation (Akka: 100)."),
                millis("pause", \.acceptablePauseMillis, in: 0...10_000,
                       help: "Acceptable heartbeat pause added to the mean for --thresholds (Akka cluster: 3000)."),
                .milliseconds("stall", \.stall, in: 0...30_000,
                              help: "Sender n2 stalls this long half-way through, like a GC pause (0: never)."),
                .choice("variant", \.variant, help: "Phi formula: correct, or inverted-tail (deliberately broken).").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("phi-threshold", .safety,
                              "a detector suspects only at phi >= threshold, or after its full timeout of silence"),
                DemoInvariant("phi-accrues", .safety, "phi never falls while no heartbeat arrives"),
                DemoInvariant("strong-completeness", .liveness,
                              "every crashed sender is suspected by every detector within the settle time"),
            ],
            nodeCount: { $0.senders + 1 },
            details: { options in [
                ("cdf", "normal(logistic approx.)"),
                ("settle-ms", JSONValue(options.settle.milliseconds)),
            ] },
            run: run)
    }

    static func profiles(_ text: String) -> [JitterProfile]? {
        if text == "all" { return JitterProfile.all }
        let chosen = text.split(separator: ",", omittingEmptySubsequences: false).map { JitterProfile.named(String($0)) }
        guard !chosen.isEmpty, chosen.allSatisfy({ $0 != nil }) else { return nil }
        return chosen.map { $0! }
    }

    static func timeouts(_ text: String) -> [SimDuration]? {
        guard !text.isEmpty else { return [] }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { UInt64(String($0)) }
        guard values.allSatisfy({ $0.map { (1...60_000).contains($0) } ?? false }) else { return nil }
        return values.map { .milliseconds($0!) }
    }

    /// Decimal thresholds, each within 0.5...30; `''` for none where `empty` allows it.
    static func thresholdList(_ name: String, _ keyPath: WritableKeyPath<Options, [Double]>, empty: Bool,
                              help: String) -> DemoParameter<Options> {
        .custom(name, keyPath, valueName: "phi,…",
                syntax: (empty ? "'' or " : "") + "a comma-separated list, each 0.5...30",
                samples: (empty ? [""] : []) + ["0.5", "30"],
                parse: { text in
                    if text.isEmpty { return empty ? [] : nil }
                    let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0)) }
                    guard values.allSatisfy({ $0.map((0.5...30).contains) ?? false }) else { return nil }
                    return values.map { $0! }
                },
                format: { .string($0.map { format($0, decimals: 1) }.joined(separator: ",")) },
                help: help)
    }

    /// A whole number of milliseconds held as a Double (the detector's arithmetic is in ms).
    static func millis(_ name: String, _ keyPath: WritableKeyPath<Options, Double>, in range: ClosedRange<Int>,
                       help: String) -> DemoParameter<Options> {
        .custom(name, keyPath, valueName: "ms", syntax: "\(range.lowerBound)...\(range.upperBound)",
                samples: ["\(range.lowerBound)", "\(range.upperBound)"],
                parse: { Int($0).flatMap { range.contains($0) ? Double($0) : nil } },
                format: { JSONValue(Int64($0)) }, help: help)
    }
}
