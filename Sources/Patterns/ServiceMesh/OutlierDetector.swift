import Simulation

/// Passive health checking of upstream hosts, after Envoy's outlier detection
/// (`consecutive_5xx`, `base_ejection_time`, `max_ejection_percent`): a host that fails
/// `consecutiveLimit` times in a row is ejected from load balancing for `baseEjection` times
/// the number of times it has been ejected, and never more than `maxEjectedPerMille` of the
/// hosts (at least one) are out at once, so that detection cannot empty a cluster.
///
/// Simplifications:
/// - Timeouts count as 5xx (Envoy's default, without split local-origin errors).
/// - No success-rate or latency-based ejection; no decay of the ejection multiplier.
public struct OutlierDetector: Sendable {
    public let consecutiveLimit: Int
    public let baseEjection: SimDuration
    public let maxEjectedPerMille: Int
    private var consecutive: [Int]
    private var timesEjected: [UInt64]
    public private(set) var ejectedUntil: [SimTime]
    public private(set) var ejections = 0

    public init(hosts: Int, consecutiveLimit: Int = 5, baseEjection: SimDuration = .milliseconds(500),
                maxEjectedPerMille: Int = 500) {
        self.consecutiveLimit = consecutiveLimit
        self.baseEjection = baseEjection
        self.maxEjectedPerMille = maxEjectedPerMille
        consecutive = Array(repeating: 0, count: hosts)
        timesEjected = Array(repeating: 0, count: hosts)
        ejectedUntil = Array(repeating: .zero, count: hosts)
    }

    public func isEjected(_ host: Int, at now: SimTime) -> Bool { ejectedUntil[host] > now }

    public func ejectedCount(at now: SimTime) -> Int { ejectedUntil.filter { $0 > now }.count }

    public var maxEjected: Int { max(1, ejectedUntil.count * maxEjectedPerMille / 1000) }

    /// Records an outcome; returns the ejection deadline if this failure ejects the host.
    public mutating func record(_ host: Int, success: Bool, at now: SimTime) -> SimTime? {
        guard !success else {
            consecutive[host] = 0
            return nil
        }
        consecutive[host] += 1
        guard consecutive[host] >= consecutiveLimit, !isEjected(host, at: now),
              ejectedCount(at: now) < maxEjected else { return nil }
        consecutive[host] = 0
        timesEjected[host] += 1
        ejectedUntil[host] = now + baseEjection * timesEjected[host]
        ejections += 1
        return ejectedUntil[host]
    }
}
