import ArgumentParser
import CircuitBreaker
import Simulation

/// `dsadvisor demo circuit-breaker`: resilience4j-style breaker in front of a failing service.
struct CircuitBreakerDemoCommand: DemoRunner {
    static let demoID = "circuit-breaker"
    static let configuration = CommandConfiguration(
        commandName: "circuit-breaker",
        abstract: "Circuit breaker (resilience4j semantics) in front of a flaky, dead, recovering service.",
        discussion: """
            The demo's defaults are scaled to a one-minute run; resilience4j's own defaults \
            (CircuitBreakerConfig.ofDefaults()) are failureRateThreshold 50, slowCallRateThreshold \
            100, slowCallDurationThreshold 60 s, permittedNumberOfCallsInHalfOpenState 10, \
            slidingWindowType COUNT_BASED, slidingWindowSize 100, minimumNumberOfCalls 100, \
            waitDurationInOpenState 60 s, automaticTransitionFromOpenToHalfOpenEnabled false; \
            --resilience4j-defaults selects them.

            Examples:
              dsadvisor demo circuit-breaker --seed 7
              dsadvisor demo circuit-breaker --window-type time --window-size 5 --min-calls 20
              dsadvisor demo circuit-breaker --resilience4j-defaults --seconds 600 --quiet
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Flag(help: "Use resilience4j's defaults for every breaker setting not given explicitly.")
    var resilience4jDefaults = false

    @Option(help: "Failure rate (percent) that opens the breaker. Demo 50, resilience4j 50.")
    var failureRate: Int?

    @Option(help: "Slow-call rate (percent) that opens the breaker. Demo 80, resilience4j 100.")
    var slowRate: Int?

    @Option(help: "A call slower than this (ms) is slow. Demo 500, resilience4j 60000.")
    var slowCallMs: UInt64?

    @Option(help: "Trial calls in half-open. Demo 5, resilience4j 10.")
    var halfOpenCalls: Int?

    @Option(help: "Sliding window type: count or time. Demo and resilience4j: count.")
    var windowType: String?

    @Option(help: "Window size in calls (count) or seconds (time). Demo 20, resilience4j 100.")
    var windowSize: Int?

    @Option(help: "Minimum calls in the window before a rate counts. Demo 10, resilience4j 100.")
    var minCalls: Int?

    @Option(help: "Wait in open before trial calls (ms). Demo 3000, resilience4j 60000.")
    var openWaitMs: UInt64?

    @Flag(help: "Move open -> half-open when the wait ends, without waiting for a call. resilience4j: off.")
    var automaticTransition = false

    @Option(help: "Reopen if half-open has not decided within this many ms (0: never). resilience4j: 0.")
    var halfOpenMaxWaitMs: UInt64 = 0

    @Option(help: "Length of the scenario in seconds (10...3600).")
    var seconds: UInt64 = 60

    @Option(help: "The caller's timeout per call, in ms (10...60000).")
    var timeoutMs: UInt64 = 1000

    @Flag(help: "Skip the comparison run without a breaker.")
    var noCompare = false

    @Option(help: "Run a deliberately broken breaker: \(Breaker.Flaw.allCases.map(\.rawValue).joined(separator: ", ")).")
    var flaw: String?

    func config() throws -> BreakerConfig {
        var c = resilience4jDefaults ? BreakerConfig.resilience4jDefaults : BreakerConfig.demo
        if let failureRate { c.failureRateThreshold = failureRate }
        if let slowRate { c.slowCallRateThreshold = slowRate }
        if let slowCallMs { c.slowCallDurationThreshold = .milliseconds(slowCallMs) }
        if let halfOpenCalls { c.permittedNumberOfCallsInHalfOpenState = halfOpenCalls }
        if let windowType {
            guard let type = BreakerConfig.WindowType(rawValue: windowType) else {
                throw ValidationError("--window-type must be count or time")
            }
            c.slidingWindowType = type
        }
        if let windowSize { c.slidingWindowSize = windowSize }
        if let minCalls { c.minimumNumberOfCalls = minCalls }
        if let openWaitMs { c.waitDurationInOpenState = .milliseconds(openWaitMs) }
        if automaticTransition { c.automaticTransitionFromOpenToHalfOpenEnabled = true }
        c.maxWaitDurationInHalfOpenState = .milliseconds(halfOpenMaxWaitMs)
        if let problem = c.problem { throw ValidationError(problem) }
        return c
    }

    func validate() throws {
        _ = try config()
        guard (10...3600).contains(seconds) else { throw ValidationError("--seconds must be in 10...3600") }
        guard (10...60_000).contains(timeoutMs) else { throw ValidationError("--timeout-ms must be in 10...60000") }
        if let flaw, Breaker.Flaw(rawValue: flaw) == nil {
            throw ValidationError("--flaw must be one of \(Breaker.Flaw.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = CircuitBreakerDemo.Options(
            seed: common.seed, breaker: try config(), seconds: seconds, callTimeout: .milliseconds(timeoutMs),
            compare: !noCompare, flaw: flaw.flatMap(Breaker.Flaw.init(rawValue:)))
        return CircuitBreakerDemo.run(options, on: timeline)
    }
}
