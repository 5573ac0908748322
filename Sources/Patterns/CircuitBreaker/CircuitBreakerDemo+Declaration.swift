import Simulation

extension CircuitBreakerDemo.Options {
    public static var defaults: Self { Self() }
}

/// The circuit-breaker demo as the CLI offers it: every parameter, its range and its help.
extension CircuitBreakerDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        let r4j = BreakerConfig.resilience4jDefaults
        return DemoDeclaration(
            id: "circuit-breaker",
            title: "Circuit breaker (resilience4j semantics) in front of a flaky, dead, recovering service.",
            story: """
                A caller calls a downstream that turns flaky, then dies, then recovers slowly; the \
                run is made twice on the same seed, through the breaker and without it, and an \
                independent auditor checks every breaker decision against resilience4j's rules.

                The breaker starts from the demo's preset (\(BreakerConfig.demo)), scaled to a \
                one-minute run, or with --resilience4j-defaults from CircuitBreakerConfig.ofDefaults() \
                (\(r4j)); each breaker setting given explicitly replaces the preset's, and 'preset' \
                keeps it.
                """,
            examples: [
                "demo circuit-breaker --seed 7",
                "demo circuit-breaker --window-type time --window-size 5 --min-calls 20",
                "demo circuit-breaker --resilience4j-defaults --seconds 600 --quiet",
                "check circuit-breaker --seeds 1..300 --flaw shortOpenWait",
            ],
            parameters: [
                .flag("resilience4j-defaults", \.resilience4jDefaults,
                      help: "Start from resilience4j's defaults instead of the demo's preset."),
                override("failure-rate", \.failureRate, in: 1...100,
                         help: "Failure rate (percent) that opens the breaker (failureRateThreshold)."),
                override("slow-rate", \.slowRate, in: 1...100,
                         help: "Slow-call rate (percent) that opens the breaker (slowCallRateThreshold)."),
                override("slow-call-ms", \.slowCallMs, in: 1...60_000, valueName: "ms",
                         help: "A call slower than this is slow (slowCallDurationThreshold)."),
                override("half-open-calls", \.halfOpenCalls, in: 1...100,
                         help: "Trial calls in half-open (permittedNumberOfCallsInHalfOpenState)."),
                windowTypeOverride(),
                override("window-size", \.windowSize, in: 1...1000,
                         help: "Window size in calls (count) or seconds (time) (slidingWindowSize)."),
                override("min-calls", \.minCalls, in: 1...1000,
                         help: "Calls the window must hold before a rate counts (minimumNumberOfCalls)."),
                override("open-wait-ms", \.openWaitMs, in: 1...60_000, valueName: "ms",
                         help: "Wait in open before trial calls (waitDurationInOpenState)."),
                .flag("automatic-transition", \.automaticTransition,
                      help: "Move open -> half-open when the wait ends, without waiting for a call."),
                .milliseconds("half-open-max-wait-ms", \.halfOpenMaxWait, in: 0...60_000,
                              help: "Reopen if half-open has not decided within this time (0: never)."),
                .integer("seconds", \.seconds, in: 10...3600, help: "Length of the scenario in seconds."),
                .milliseconds("timeout-ms", \.callTimeout, in: 10...60_000, help: "The caller's timeout per call."),
                .flag("no-compare", \.compare, setsTo: false, help: "Skip the comparison run without a breaker."),
                .optionalChoice("flaw", \.flaw, help: "Run a deliberately broken breaker.").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("breaker follows resilience4j's rules", .safety,
                              "every permit, shed and state change is what resilience4j's rules say, at that outcome"),
                DemoInvariant("every call finishes", .liveness,
                              "every call is answered, timed out or shed by the scenario's end plus the caller's timeout"),
            ],
            injections: \.injected,
            nodeCount: { _ in 2 },
            details: details,
            run: run)
    }

    /// The breaker's effective settings, named as resilience4j names them, and the call gaps.
    static func details(_ options: Options) -> [(String, JSONValue)] {
        let c = options.breaker
        return [
            ("failureRateThreshold", JSONValue(c.failureRateThreshold)),
            ("slowCallRateThreshold", JSONValue(c.slowCallRateThreshold)),
            ("slowCallDurationThresholdMs", JSONValue(c.slowCallDurationThreshold.milliseconds)),
            ("permittedNumberOfCallsInHalfOpenState", JSONValue(c.permittedNumberOfCallsInHalfOpenState)),
            ("slidingWindowType", .string(c.slidingWindowType.rawValue)),
            ("slidingWindowSize", JSONValue(c.slidingWindowSize)),
            ("minimumNumberOfCalls", JSONValue(c.minimumNumberOfCalls)),
            ("waitDurationInOpenStateMs", JSONValue(c.waitDurationInOpenState.milliseconds)),
            ("automaticTransitionFromOpenToHalfOpenEnabled", .bool(c.automaticTransitionFromOpenToHalfOpenEnabled)),
            ("maxWaitDurationInHalfOpenStateMs", JSONValue(c.maxWaitDurationInHalfOpenState.milliseconds)),
            ("call gap ms", .string("\(options.callGapMin.milliseconds)..\(options.callGapMax.milliseconds)")),
        ]
    }

    /// A breaker setting that replaces the preset's when given; `preset` keeps the preset's.
    static func override(_ name: String, _ keyPath: WritableKeyPath<Options, Int?>, in range: ClosedRange<Int>,
                         valueName: String = "n", help: String) -> DemoParameter<Options> {
        .custom(name, keyPath, valueName: valueName, syntax: "\(range.lowerBound)...\(range.upperBound) or preset",
                samples: ["\(range.lowerBound)", "\(range.upperBound)"],
                parse: { text in
                    if text == "preset" { return .some(nil) }
                    guard let value = Int(text), range.contains(value) else { return nil }
                    return .some(value)
                },
                format: { $0.map { JSONValue($0) } ?? "preset" }, help: help)
    }

    static func windowTypeOverride() -> DemoParameter<Options> {
        let names = ["preset"] + BreakerConfig.WindowType.allCases.map(\.rawValue)
        return .custom("window-type", \.windowType, valueName: "type", syntax: names.joined(separator: ", "),
                       values: names, samples: names,
                       parse: { text in
                           if text == "preset" { return .some(nil) }
                           return BreakerConfig.WindowType(rawValue: text).map { .some($0) }
                       },
                       format: { .string($0?.rawValue ?? "preset") },
                       help: "Sliding window type (slidingWindowType).")
    }
}
