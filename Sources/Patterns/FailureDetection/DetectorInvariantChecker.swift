/// The properties every detector of the demo must keep, checked live on the monitor's state.
///
/// Invariants:
/// - phi-threshold: a φ detector suspects only once φ ≥ Φ, and a timeout detector only after
///   its full timeout of silence (the scheduled deadline agrees with the formula).
/// - phi-accrues: φ never falls while no heartbeat arrives (Hayashibara et al. 2004 §3.1:
///   φ is an accrual value; a detector whose φ can fall is not one).
/// - strong-completeness: every crashed node is eventually suspected by every detector, for
///   good (Chandra & Toueg, "Unreliable failure detectors", JACM 1996, §2.4).
///
/// Simplifications:
/// - Accuracy is not an invariant (no detector on an asynchronous network has it); the demo
///   measures it instead, as mistake rate and query accuracy (Chen, Toueg & Aguilera 2002).
import Simulation

public struct DetectorBreach: Equatable, Sendable {
    public var invariant: String
    public var detail: String
    /// A goal not reached by the run's horizon (completeness), rather than a broken rule.
    public var liveness = false
}

public struct DetectorInvariantChecker: Sendable {
    /// Relative slack for the closed-form deadline against the direct formula.
    static let tolerance = 1e-6

    public init() {}

    public func check(_ event: DetectorEvent, monitor: HeartbeatMonitor, at now: SimTime) -> DetectorBreach? {
        guard event.kind == .suspect else { return nil }
        let name = monitor.detectors[event.detector].description
        switch monitor.detectors[event.detector] {
        case .timeout(let detector):
            guard event.elapsed >= detector.timeout else {
                return DetectorBreach(invariant: "phi-threshold",
                    detail: "\(name) suspected n\(event.sender) after only \(event.elapsed) of silence")
            }
        case .phi(let detector):
            let phi = event.phi ?? 0
            guard phi >= detector.threshold * (1 - Self.tolerance) else {
                return DetectorBreach(invariant: "phi-threshold",
                    detail: "\(name) suspected n\(event.sender) at phi \(phi)")
            }
            let step = SimDuration.milliseconds(1)
            guard event.elapsed > step else { return nil }
            let before = monitor.phi(detector: event.detector, sender: event.sender,
                                     at: SimTime(nanoseconds: now.nanoseconds - step.nanoseconds)) ?? 0
            guard before <= phi * (1 + Self.tolerance) else {
                return DetectorBreach(invariant: "phi-accrues",
                    detail: "\(name) for n\(event.sender): phi fell from \(before) to \(phi) in 1ms of silence")
            }
        }
        return nil
    }

    /// At the end: every crashed node suspected by every detector.
    public func checkCompleteness(_ monitor: HeartbeatMonitor, crashed: [NodeID]) -> DetectorBreach? {
        for node in crashed {
            for index in monitor.detectors.indices where !monitor.isSuspected(node, by: index) {
                return DetectorBreach(invariant: "strong-completeness",
                    detail: "\(monitor.detectors[index]) still trusts crashed n\(node) at the horizon (the settle "
                        + "time after the last crash); a horizon, not a detector that can never suspect",
                    liveness: true)
            }
        }
        return nil
    }
}
