/// The settings of a circuit breaker, named and defaulted as in resilience4j's
/// `CircuitBreakerConfig` (resilience4j 2.x, `io.github.resilience4j.circuitbreaker`,
/// `CircuitBreakerConfig.java`: `DEFAULT_FAILURE_RATE_THRESHOLD = 50`,
/// `DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100`, `DEFAULT_SLOW_CALL_DURATION_THRESHOLD = 60` s,
/// `DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 10`, `DEFAULT_SLIDING_WINDOW_TYPE = COUNT_BASED`,
/// `DEFAULT_SLIDING_WINDOW_SIZE = 100`, `DEFAULT_MINIMUM_NUMBER_OF_CALLS = 100`,
/// `DEFAULT_WAIT_DURATION_IN_OPEN_STATE = 60` s, `automaticTransitionFromOpenToHalfOpenEnabled
/// = false`, `DEFAULT_WAIT_DURATION_IN_HALF_OPEN_STATE = 0`, i.e. no limit).
///
/// `BreakerConfig()` is exactly those defaults; `BreakerConfig.demo` is the scaled-down
/// setting the demo runs with, so that a one-minute story trips the breaker.
///
/// Simplifications:
/// - Thresholds are whole percentages (resilience4j takes a float); rates are compared by
///   cross-multiplication (`failed * 100 >= threshold * total`), so no rounding decides.
/// - No exception predicates: the caller says whether a call failed.
/// - A fixed wait in open; no `IntervalFunction` (exponential backoff of the wait).
import Simulation

public struct BreakerConfig: Equatable, Sendable, CustomStringConvertible {
    public enum WindowType: String, CaseIterable, Sendable {
        /// The outcomes of the last `slidingWindowSize` calls.
        case countBased = "count"
        /// The outcomes of the calls that completed in the last `slidingWindowSize` seconds.
        case timeBased = "time"
    }

    /// Percent of failed calls at or above which the breaker opens. resilience4j: 50.
    public var failureRateThreshold: Int
    /// Percent of slow calls at or above which the breaker opens. resilience4j: 100.
    public var slowCallRateThreshold: Int
    /// A call that takes longer than this is slow. resilience4j: 60 s.
    public var slowCallDurationThreshold: SimDuration
    /// Trial calls let through in half-open. resilience4j: 10.
    public var permittedNumberOfCallsInHalfOpenState: Int
    /// resilience4j: COUNT_BASED.
    public var slidingWindowType: WindowType
    /// Calls (count-based) or seconds (time-based). resilience4j: 100.
    public var slidingWindowSize: Int
    /// Calls the window must hold before a rate is computed. resilience4j: 100. A count-based
    /// window caps it at `slidingWindowSize`, as resilience4j does.
    public var minimumNumberOfCalls: Int
    /// How long the breaker stays open before it lets trial calls through. resilience4j: 60 s.
    public var waitDurationInOpenState: SimDuration
    /// Move to half-open when the wait ends even if no call arrives. resilience4j: false
    /// (the first call after the wait does it).
    public var automaticTransitionFromOpenToHalfOpenEnabled: Bool
    /// Reopen when half-open has not decided within this time; zero waits forever.
    /// resilience4j: 0.
    public var maxWaitDurationInHalfOpenState: SimDuration

    public init(
        failureRateThreshold: Int = 50,
        slowCallRateThreshold: Int = 100,
        slowCallDurationThreshold: SimDuration = .seconds(60),
        permittedNumberOfCallsInHalfOpenState: Int = 10,
        slidingWindowType: WindowType = .countBased,
        slidingWindowSize: Int = 100,
        minimumNumberOfCalls: Int = 100,
        waitDurationInOpenState: SimDuration = .seconds(60),
        automaticTransitionFromOpenToHalfOpenEnabled: Bool = false,
        maxWaitDurationInHalfOpenState: SimDuration = .zero
    ) {
        self.failureRateThreshold = failureRateThreshold
        self.slowCallRateThreshold = slowCallRateThreshold
        self.slowCallDurationThreshold = slowCallDurationThreshold
        self.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState
        self.slidingWindowType = slidingWindowType
        self.slidingWindowSize = slidingWindowSize
        self.minimumNumberOfCalls = minimumNumberOfCalls
        self.waitDurationInOpenState = waitDurationInOpenState
        self.automaticTransitionFromOpenToHalfOpenEnabled = automaticTransitionFromOpenToHalfOpenEnabled
        self.maxWaitDurationInHalfOpenState = maxWaitDurationInHalfOpenState
    }

    /// resilience4j's `CircuitBreakerConfig.ofDefaults()`.
    public static let resilience4jDefaults = BreakerConfig()

    /// Scaled to a one-minute demo at about 20 calls a second.
    public static let demo = BreakerConfig(
        failureRateThreshold: 50, slowCallRateThreshold: 80,
        slowCallDurationThreshold: .milliseconds(500),
        permittedNumberOfCallsInHalfOpenState: 5,
        slidingWindowType: .countBased, slidingWindowSize: 20, minimumNumberOfCalls: 10,
        waitDurationInOpenState: .seconds(3))

    /// The minimum that applies: resilience4j caps it at the window size for a count window.
    public var effectiveMinimumCalls: Int {
        slidingWindowType == .countBased ? min(minimumNumberOfCalls, slidingWindowSize) : minimumNumberOfCalls
    }

    /// Why the settings are invalid, or nil. Mirrors resilience4j's builder checks.
    public var problem: String? {
        if !(1...100).contains(failureRateThreshold) { return "failureRateThreshold must be in 1...100" }
        if !(1...100).contains(slowCallRateThreshold) { return "slowCallRateThreshold must be in 1...100" }
        if slowCallDurationThreshold.nanoseconds < 1 { return "slowCallDurationThreshold must be > 0" }
        if permittedNumberOfCallsInHalfOpenState < 1 { return "permittedNumberOfCallsInHalfOpenState must be > 0" }
        if slidingWindowSize < 1 { return "slidingWindowSize must be > 0" }
        if minimumNumberOfCalls < 1 { return "minimumNumberOfCalls must be > 0" }
        if waitDurationInOpenState < .milliseconds(1) { return "waitDurationInOpenState must be >= 1 ms" }
        return nil
    }

    public var description: String {
        "failure>=\(failureRateThreshold)% slow>=\(slowCallRateThreshold)% "
            + "slowAfter=\(slowCallDurationThreshold.milliseconds)ms \(slidingWindowType.rawValue)[\(slidingWindowSize)] "
            + "min=\(minimumNumberOfCalls) open=\(waitDurationInOpenState.milliseconds)ms "
            + "halfOpen=\(permittedNumberOfCallsInHalfOpenState)"
            + (automaticTransitionFromOpenToHalfOpenEnabled ? " auto" : "")
    }
}
