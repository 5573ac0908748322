/// A circuit breaker as a pure value on the simulator's clock: the CLOSED / OPEN / HALF_OPEN
/// state machine of resilience4j's `CircuitBreakerStateMachine` (after Nygard, *Release It!*,
/// 2007, ch. 5 "Circuit Breaker"). Every method takes `now:`; nothing reads a clock.
///
/// - CLOSED: every call is permitted; outcomes fill the sliding window. Once it holds at least
///   `minimumNumberOfCalls`, a failure rate >= `failureRateThreshold` or a slow-call rate >=
///   `slowCallRateThreshold` opens the breaker.
/// - OPEN: every call is rejected ("not permitted") for `waitDurationInOpenState`; then the
///   next call (or, with automatic transition, the deadline itself) moves it to HALF_OPEN.
/// - HALF_OPEN: exactly `permittedNumberOfCallsInHalfOpenState` trial calls are let through,
///   the rest rejected. When all have completed, the same thresholds over just those trials
///   decide: OPEN again, or CLOSED with a fresh window.
///
/// Simplifications:
/// - Each permission carries the epoch (count of transitions) it was granted in; an outcome
///   from an earlier epoch is ignored. resilience4j records a late outcome against whatever
///   state the breaker is in when it arrives, so a slow call started in CLOSED can count as a
///   half-open trial there; here it cannot.
/// - No DISABLED, FORCED_OPEN or METRICS_ONLY states, no event publisher.
import Simulation

public struct Breaker: Sendable {
    public enum State: String, Sendable {
        case closed = "CLOSED", open = "OPEN", halfOpen = "HALF_OPEN"
    }

    /// A permission to call; hand it back with the outcome.
    public struct Permit: Equatable, Sendable {
        public let epoch: Int
        public let startedAt: SimTime
        public let state: State
    }

    public struct Transition: Equatable, Sendable, CustomStringConvertible {
        public var from: State
        public var to: State
        public var at: SimTime
        public var reason: String
        public var description: String { "\(from.rawValue)->\(to.rawValue)" }
    }

    /// Deliberate bugs, so tests can prove the auditor notices them.
    public enum Flaw: String, CaseIterable, Sendable {
        /// Opens on the rate alone, before the window holds the minimum number of calls.
        case ignoresMinimumCalls
        /// Lets every call through in half-open.
        case unlimitedHalfOpen
        /// Leaves open after half the wait.
        case shortOpenWait
    }

    public let config: BreakerConfig
    public let flaw: Flaw?
    public private(set) var state: State = .closed
    public private(set) var epoch = 0
    public private(set) var transitions: [Transition] = []
    public private(set) var notPermittedCalls = 0
    private var window: OutcomeWindow
    private var trials: OutcomeWindow
    private var trialPermitsLeft = 0
    private var enteredAt: SimTime = .zero

    public init(_ config: BreakerConfig, flaw: Flaw? = nil) {
        self.config = config
        self.flaw = flaw
        window = Breaker.closedWindow(config)
        trials = OutcomeWindow(.count(config.permittedNumberOfCallsInHalfOpenState))
    }

    private static func closedWindow(_ config: BreakerConfig) -> OutcomeWindow {
        switch config.slidingWindowType {
        case .countBased: OutcomeWindow(.count(config.slidingWindowSize))
        case .timeBased: OutcomeWindow(.time(seconds: config.slidingWindowSize))
        }
    }

    /// When an OPEN breaker may let calls through again.
    public var openUntil: SimTime? {
        guard state == .open else { return nil }
        let wait = flaw == .shortOpenWait ? config.waitDurationInOpenState / 2 : config.waitDurationInOpenState
        return enteredAt + wait
    }

    /// The next instant at which `advance(now:)` would change the state, if any: the end of
    /// the open wait (automatic transition) or of the half-open limit.
    public var nextDeadline: SimTime? {
        switch state {
        case .open: config.automaticTransitionFromOpenToHalfOpenEnabled ? openUntil : nil
        case .halfOpen:
            config.maxWaitDurationInHalfOpenState > .zero ? enteredAt + config.maxWaitDurationInHalfOpenState : nil
        case .closed: nil
        }
    }

    /// The window's totals at `now` (CLOSED: the sliding window; HALF_OPEN: the trials).
    public mutating func snapshot(now: SimTime) -> OutcomeWindow.Snapshot {
        state == .halfOpen ? trials.snapshot(now: now) : window.snapshot(now: now)
    }

    /// Asks to make a call at `now`: a permit, or nil when the call must be shed.
    public mutating func tryAcquirePermission(now: SimTime) -> Permit? {
        advance(now: now)
        if state == .open, let until = openUntil, now >= until {
            move(to: .halfOpen, at: now, reason: "wait of \(config.waitDurationInOpenState.milliseconds)ms over")
        }
        switch state {
        case .closed:
            return Permit(epoch: epoch, startedAt: now, state: state)
        case .open:
            notPermittedCalls += 1
            return nil
        case .halfOpen:
            guard trialPermitsLeft > 0 || flaw == .unlimitedHalfOpen else {
                notPermittedCalls += 1
                return nil
            }
            trialPermitsLeft -= 1
            return Permit(epoch: epoch, startedAt: now, state: state)
        }
    }

    /// Time-driven transitions: automatic OPEN -> HALF_OPEN, and HALF_OPEN -> OPEN when the
    /// trials took longer than `maxWaitDurationInHalfOpenState`.
    public mutating func advance(now: SimTime) {
        guard let deadline = nextDeadline, now >= deadline else { return }
        if state == .open {
            move(to: .halfOpen, at: now, reason: "wait over (automatic)")
        } else if state == .halfOpen {
            move(to: .open, at: now, reason: "trials undecided after \(config.maxWaitDurationInHalfOpenState.milliseconds)ms")
        }
    }

    /// Reports how a permitted call ended. Its duration is `now - permit.startedAt`; a call
    /// that took longer than `slowCallDurationThreshold` is slow, whether or not it failed.
    /// Returns whether the outcome was recorded (false when it belongs to an earlier epoch).
    @discardableResult
    public mutating func onComplete(_ permit: Permit, failed: Bool, now: SimTime) -> Bool {
        advance(now: now)
        guard permit.epoch == epoch, state != .open else { return false }
        let slow = now - permit.startedAt > config.slowCallDurationThreshold
        let outcome = OutcomeWindow.Outcome(failed: failed, slow: slow)
        if state == .closed {
            let totals = window.record(outcome, now: now)
            let minimum = flaw == .ignoresMinimumCalls ? 1 : config.effectiveMinimumCalls
            if totals.calls >= minimum, let why = exceeded(totals) {
                move(to: .open, at: now, reason: why)
            }
        } else {
            let totals = trials.record(outcome, now: now)
            guard totals.calls >= config.permittedNumberOfCallsInHalfOpenState else { return true }
            if let why = exceeded(totals) {
                move(to: .open, at: now, reason: "trials: " + why)
            } else {
                move(to: .closed, at: now, reason: "trials: \(totals.failed)/\(totals.calls) failed, \(totals.slow) slow")
            }
        }
        return true
    }

    /// Which threshold `totals` reaches, as a reason; nil when neither.
    func exceeded(_ totals: OutcomeWindow.Snapshot) -> String? {
        guard totals.calls > 0 else { return nil }
        if totals.failed * 100 >= config.failureRateThreshold * totals.calls {
            return "failure rate \(totals.failureRate)% of \(totals.calls) >= \(config.failureRateThreshold)%"
        }
        if totals.slow * 100 >= config.slowCallRateThreshold * totals.calls {
            return "slow-call rate \(totals.slowRate)% of \(totals.calls) >= \(config.slowCallRateThreshold)%"
        }
        return nil
    }

    private mutating func move(to next: State, at now: SimTime, reason: String) {
        transitions.append(Transition(from: state, to: next, at: now, reason: reason))
        state = next
        epoch += 1
        enteredAt = now
        switch next {
        case .closed: window = Breaker.closedWindow(config)
        case .halfOpen:
            trials = OutcomeWindow(.count(config.permittedNumberOfCallsInHalfOpenState))
            trialPermitsLeft = config.permittedNumberOfCallsInHalfOpenState
        case .open: break
        }
    }
}
