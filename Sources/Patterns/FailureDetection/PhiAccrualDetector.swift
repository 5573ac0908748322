/// The φ accrual failure detector (Hayashibara, Défago, Yared & Katayama, SRDS 2004, §3):
/// instead of a yes/no verdict it outputs a suspicion level φ(t) = −log10(1 − F(t − t_last)),
/// where F is the distribution of heartbeat inter-arrival times estimated from a sliding
/// window; the application suspects when φ passes its threshold Φ (φ = 1 means a 10 % chance
/// that suspecting is a mistake, φ = 8 one in 10^8).
///
/// F comes in two forms:
/// - `.normal`: a normal distribution, evaluated with the logistic approximation of its CDF
///   (Bowling et al., "A logistic approximation to the cumulative normal distribution", 2009)
///   exactly as Akka's `PhiAccrualFailureDetector` does: y = (Δt − μ)/σ,
///   e = exp(−y(1.5976 + 0.070566y²)), φ = −log10(e / (1 + e)). μ includes the acceptable
///   heartbeat pause; σ is at least `minStdDeviation`.
/// - `.exponential`: an exponential distribution as Cassandra's `FailureDetector` uses,
///   φ = Δt / (μ · ln 10).
///
/// When suspicion starts is computed in closed form (inverting φ: a cubic in y, solved with
/// Cardano's formula), so the monitor sets one timer for the exact instant instead of polling.
/// Foundation's `exp`, `log10`, `cbrt` are evaluated in a fixed order, so a decision is the same
/// on every run on this platform.
///
/// Simplifications:
/// - One detector configuration evaluates a shared window; the window itself is `ArrivalWindow`.
import Foundation
import Simulation

public struct PhiAccrualDetector: Equatable, Sendable, CustomStringConvertible {
    public enum Distribution: String, Equatable, Sendable {
        case normal, exponential
    }

    /// A deliberately broken formula, to watch the invariant checker catch it.
    public enum Variant: String, CaseIterable, Equatable, Sendable {
        case correct
        /// −log10(F(t)) instead of −log10(1 − F(t)): the wrong tail, so φ falls as time passes.
        case invertedTail = "inverted-tail"
    }

    public var threshold: Double
    public var distribution: Distribution
    public var minStdDeviationMillis: Double
    public var acceptablePauseMillis: Double
    public var variant: Variant

    public init(threshold: Double, distribution: Distribution = .normal, minStdDeviationMillis: Double = 100,
                acceptablePauseMillis: Double = 0, variant: Variant = .correct) {
        self.threshold = threshold
        self.distribution = distribution
        self.minStdDeviationMillis = minStdDeviationMillis
        self.acceptablePauseMillis = acceptablePauseMillis
        self.variant = variant
    }

    public var description: String {
        let value = threshold == threshold.rounded() ? String(Int(threshold)) : String(threshold)
        guard distribution == .normal else { return "phi-exp \(value)" }
        return acceptablePauseMillis == 0 ? "phi \(value)" : "phi \(value) +\(Int(acceptablePauseMillis))ms"
    }

    /// The parameters of F for this window: mean (with the acceptable pause) and deviation.
    func parameters(_ window: ArrivalWindow) -> (mean: Double, deviation: Double) {
        (window.meanMillis + acceptablePauseMillis, max(window.standardDeviationMillis, minStdDeviationMillis))
    }

    /// φ after `elapsed` milliseconds without a heartbeat.
    public func phi(elapsedMillis elapsed: Double, window: ArrivalWindow) -> Double {
        let (mean, deviation) = parameters(window)
        if distribution == .exponential {
            return elapsed / (window.meanMillis * log(10.0))
        }
        let y = (elapsed - mean) / deviation
        let e = exp(-y * (1.5976 + 0.070566 * y * y))
        if variant == .invertedTail {
            return -log10(1.0 / (1.0 + e))
        }
        // Two forms of the same value, each precise on its side of the mean (as Akka does).
        return elapsed > mean ? -log10(e / (1.0 + e)) : -log10(1.0 - 1.0 / (1.0 + e))
    }

    /// φ at `time`, or 0 before the first heartbeat.
    public func phi(at time: SimTime, window: ArrivalWindow) -> Double {
        guard let last = window.lastArrival else { return 0 }
        return phi(elapsedMillis: Double((time - last).nanoseconds) / 1_000_000, window: window)
    }

    /// How long after the last heartbeat φ reaches the threshold (rounded up to the next
    /// microsecond); nil if it never does.
    public func timeToSuspicion(_ window: ArrivalWindow) -> SimDuration? {
        let (mean, deviation) = parameters(window)
        let elapsed: Double
        switch (distribution, variant) {
        case (.exponential, _):
            elapsed = threshold * window.meanMillis * log(10.0)
        case (.normal, .correct):
            elapsed = mean + deviation * PhiAccrualDetector.logisticQuantile(exceedance: pow(10.0, -threshold))
        case (.normal, .invertedTail):
            // −log10(1/(1+e)) = Φ  ⇔  e/(1+e) = 1 − 10^−Φ: the mirror image of the correct quantile.
            elapsed = mean + deviation * PhiAccrualDetector.logisticQuantile(exceedance: 1 - pow(10.0, -threshold))
        }
        guard elapsed.isFinite else { return nil }
        let micros = max(0, elapsed * 1_000).rounded(.up)
        return SimDuration(nanoseconds: UInt64(micros) * 1_000)
    }

    /// The y at which the logistic tail e/(1+e), e = exp(−y(a + b·y²)), equals `p`:
    /// b·y³ + a·y − ln((1 − p)/p) = 0, which has one real root since a, b > 0.
    static func logisticQuantile(exceedance p: Double) -> Double {
        let a = 1.5976, b = 0.070566
        let l = log((1 - p) / p)
        let cubicP = a / b, cubicQ = -l / b
        let root = (cubicQ * cubicQ / 4 + cubicP * cubicP * cubicP / 27).squareRoot()
        return cbrt(-cubicQ / 2 + root) + cbrt(-cubicQ / 2 - root)
    }
}

/// The classic detector the φ detector is measured against: suspect after a fixed silence.
public struct FixedTimeoutDetector: Equatable, Sendable, CustomStringConvertible {
    public var timeout: SimDuration

    public init(timeout: SimDuration) { self.timeout = timeout }

    public var description: String { "timeout \(timeout.milliseconds)ms" }
}

/// One detector of the comparison: φ with a threshold, or a fixed timeout.
public enum DetectorKind: Equatable, Sendable, CustomStringConvertible {
    case phi(PhiAccrualDetector)
    case timeout(FixedTimeoutDetector)

    public var description: String {
        switch self {
        case .phi(let d): d.description
        case .timeout(let d): d.description
        }
    }

    /// When, after the last heartbeat, this detector starts suspecting.
    public func timeToSuspicion(_ window: ArrivalWindow) -> SimDuration? {
        switch self {
        case .phi(let d): d.timeToSuspicion(window)
        case .timeout(let d): d.timeout
        }
    }
}
