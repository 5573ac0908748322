/// An independent oracle for a circuit breaker: it re-derives, from the stream of what the
/// breaker did (permits, sheds, outcomes, transitions), what resilience4j's rules say it must
/// do, and reports the first disagreement. It shares no code with `Breaker` beyond the config.
///
/// Checked after every event:
/// - transitions follow CLOSED -> OPEN -> HALF_OPEN -> {OPEN, CLOSED} only;
/// - CLOSED never sheds; OPEN never permits; HALF_OPEN permits at most the configured trials;
/// - OPEN -> HALF_OPEN no earlier than `waitDurationInOpenState` after opening;
/// - CLOSED -> OPEN exactly when the auditor's own window (last N calls, or calls of the last
///   N seconds) holds at least the minimum number of calls and a rate reaches its threshold:
///   not before (false trip), and at that very outcome (no missed trip);
/// - HALF_OPEN decides exactly when the last trial completes, and decides as the thresholds say.
///
/// Simplifications: the oracle keeps every counted outcome of the current CLOSED period in a
/// list and recomputes totals from scratch; fine for thousands of calls, not for millions.
import Simulation

public struct BreakerAuditor: Sendable {
    public enum Event: Sendable {
        case permitted(epoch: Int, at: SimTime)
        case shed(at: SimTime)
        case completed(epoch: Int, failed: Bool, slow: Bool, at: SimTime)
        case transition(Breaker.Transition)
    }

    let config: BreakerConfig
    private(set) var state: Breaker.State = .closed
    private var epoch = 0
    private var enteredAt: SimTime = .zero
    private var closedOutcomes: [(at: SimTime, failed: Bool, slow: Bool)] = []
    private var trialPermits = 0
    private var trialOutcomes: [(failed: Bool, slow: Bool)] = []
    /// The transition the last outcome obliges the breaker to make next.
    private var expected: (to: Breaker.State, at: SimTime, why: String)?

    public init(config: BreakerConfig) {
        self.config = config
    }

    /// Feeds one event; returns a description of the broken rule, if any.
    public mutating func observe(_ event: Event) -> String? {
        if let expected, !isTransition(event, to: expected.to) {
            return "breaker stayed \(state.rawValue) at \(expected.at) although \(expected.why); "
                + "it had to go \(expected.to.rawValue)"
        }
        switch event {
        case .permitted(let e, let at):
            if state == .open { return "OPEN breaker permitted a call at \(at)" }
            if e != epoch { return "permit carries epoch \(e), breaker is in epoch \(epoch)" }
            if state == .halfOpen {
                trialPermits += 1
                if trialPermits > config.permittedNumberOfCallsInHalfOpenState {
                    return "HALF_OPEN permitted trial call #\(trialPermits) > \(config.permittedNumberOfCallsInHalfOpenState)"
                }
            }
        case .shed(let at):
            if state == .closed { return "CLOSED breaker shed a call at \(at)" }
            if state == .halfOpen && trialPermits < config.permittedNumberOfCallsInHalfOpenState {
                return "HALF_OPEN shed a call at \(at) with only \(trialPermits) trials let through"
            }
        case let .completed(e, failed, slow, at):
            guard e == epoch, state != .open else { return nil }
            completed(failed: failed, slow: slow, at: at)
        case .transition(let t):
            return transition(t)
        }
        return nil
    }

    /// Call at the end of a run: an outcome that obliged a transition must have had it.
    public func finish() -> String? {
        expected.map { "breaker never went \($0.to.rawValue) after \($0.at) although \($0.why)" }
    }

    private func isTransition(_ event: Event, to: Breaker.State) -> Bool {
        if case .transition(let t) = event { return t.to == to }
        return false
    }

    private mutating func completed(failed: Bool, slow: Bool, at: SimTime) {
        if state == .closed {
            closedOutcomes.append((at, failed, slow))
            if config.slidingWindowType == .timeBased {
                // An outcome whose second has left the window never returns to it.
                let now = at.nanoseconds / 1_000_000_000
                let stale = closedOutcomes.prefix { $0.at.nanoseconds / 1_000_000_000 + UInt64(config.slidingWindowSize) <= now }
                closedOutcomes.removeFirst(stale.count)
            }
            let (calls, f, s) = closedTotals(at: at)
            let minimum = config.slidingWindowType == .countBased
                ? min(config.minimumNumberOfCalls, config.slidingWindowSize) : config.minimumNumberOfCalls
            if calls >= minimum, let why = reached(calls, f, s) {
                expected = (.open, at, why)
            }
        } else {
            trialOutcomes.append((failed, slow))
            guard trialOutcomes.count == config.permittedNumberOfCallsInHalfOpenState else { return }
            let f = trialOutcomes.filter(\.failed).count
            let s = trialOutcomes.filter(\.slow).count
            if let why = reached(trialOutcomes.count, f, s) {
                expected = (.open, at, "trials: " + why)
            } else {
                expected = (.closed, at, "all \(trialOutcomes.count) trials completed below thresholds")
            }
        }
    }

    /// Totals over the window as the auditor computes it: last N outcomes, or outcomes whose
    /// whole second is one of the last N seconds up to `at`.
    private func closedTotals(at: SimTime) -> (Int, Int, Int) {
        let inWindow: ArraySlice<(at: SimTime, failed: Bool, slow: Bool)>
        switch config.slidingWindowType {
        case .countBased:
            inWindow = closedOutcomes.suffix(config.slidingWindowSize)
        case .timeBased:
            let now = at.nanoseconds / 1_000_000_000
            inWindow = closedOutcomes.filter { $0.at.nanoseconds / 1_000_000_000 + UInt64(config.slidingWindowSize) > now }[...]
        }
        return (inWindow.count, inWindow.filter(\.failed).count, inWindow.filter(\.slow).count)
    }

    private func reached(_ calls: Int, _ failed: Int, _ slow: Int) -> String? {
        if failed * 100 >= config.failureRateThreshold * calls { return "\(failed)/\(calls) calls failed" }
        if slow * 100 >= config.slowCallRateThreshold * calls { return "\(slow)/\(calls) calls were slow" }
        return nil
    }

    private mutating func transition(_ t: Breaker.Transition) -> String? {
        guard t.from == state else { return "transition \(t) but the breaker was \(state.rawValue)" }
        if let expected {
            guard expected.at == t.at else { return "transition \(t) at \(t.at), due at \(expected.at)" }
        } else {
            switch (t.from, t.to) {
            case (.open, .halfOpen):
                if t.at < enteredAt + config.waitDurationInOpenState {
                    return "left OPEN at \(t.at), before the wait ended at \(enteredAt + config.waitDurationInOpenState)"
                }
            case (.halfOpen, .open) where config.maxWaitDurationInHalfOpenState > .zero:
                if t.at < enteredAt + config.maxWaitDurationInHalfOpenState {
                    return "left HALF_OPEN at \(t.at) before its time limit"
                }
            default:
                return "transition \(t) at \(t.at) that no threshold called for"
            }
        }
        expected = nil
        state = t.to
        epoch += 1
        enteredAt = t.at
        closedOutcomes.removeAll()
        trialOutcomes.removeAll()
        trialPermits = 0
        return nil
    }
}
