import Simulation

/// The routing decision of a layer-7 load balancer, with passive health checking.
///
/// Policies:
/// - round robin and uniform random: oblivious to load;
/// - least connections: the backend with the fewest requests in flight (scan all);
/// - power of two random choices: two distinct backends drawn uniformly, the less loaded wins
///   (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", IEEE TPDS 2001;
///   Envoy's LEAST_REQUEST with equal weights works this way);
/// - consistent-hash affinity: the key's owner on a hash ring (Karger et al. 1997).
///
/// Outlier ejection follows Envoy's consecutive-error detector: `ejectAfter` consecutive
/// failures eject a backend for `ejectionTime`; when every backend is ejected the balancer
/// routes to all of them ("panic mode") rather than failing everything.
///
/// Simplifications:
/// - Load is the balancer's own count of requests in flight; no backend-reported load.
/// - Ejection time does not grow with repeated ejections; no active health checks.
public struct Balancer: Sendable {
    public let policy: BalancingPolicy
    public let backendCount: Int
    /// Requests in flight per backend, as this balancer counts them.
    public private(set) var outstanding: [Int]
    public private(set) var ejectedUntil: [SimTime]
    private var consecutiveFailures: [Int]
    private var cursor = 0
    private let ring: HashRing
    let ejectAfter: Int
    let ejectionTime: SimDuration

    public init(policy: BalancingPolicy, backendCount: Int, ejectAfter: Int = 3,
                ejectionTime: SimDuration = .milliseconds(500), virtualNodes: Int = 100) {
        precondition(backendCount >= 2, "balancing needs at least two backends")
        self.policy = policy
        self.backendCount = backendCount
        self.ejectAfter = ejectAfter
        self.ejectionTime = ejectionTime
        outstanding = Array(repeating: 0, count: backendCount)
        ejectedUntil = Array(repeating: .zero, count: backendCount)
        consecutiveFailures = Array(repeating: 0, count: backendCount)
        ring = HashRing(owners: backendCount, virtualNodes: virtualNodes)
    }

    public func isHealthy(_ backend: Int, at now: SimTime) -> Bool { ejectedUntil[backend] <= now }

    /// The backends a request may go to: the healthy ones, or all of them in panic mode.
    public func eligible(at now: SimTime) -> [Int] {
        let healthy = (0..<backendCount).filter { isHealthy($0, at: now) }
        return healthy.isEmpty ? Array(0..<backendCount) : healthy
    }

    /// Picks a backend for a request with affinity `key` and counts it as in flight.
    public mutating func route(key: UInt64, at now: SimTime, rng: inout SeededRNG) -> Int {
        let choice = choose(key: key, at: now, rng: &rng)
        outstanding[choice] += 1
        return choice
    }

    mutating func choose(key: UInt64, at now: SimTime, rng: inout SeededRNG) -> Int {
        let candidates = eligible(at: now)
        switch policy {
        case .roundRobin:
            for _ in 0..<backendCount {
                let next = cursor
                cursor = (cursor + 1) % backendCount
                if candidates.contains(next) { return next }
            }
            return candidates[0]
        case .random:
            return candidates[Int(rng.below(UInt64(candidates.count)))]
        case .leastConnections:
            // Rotate where the scan starts so that ties do not always favour backend 0.
            cursor = (cursor + 1) % candidates.count
            var best = candidates[cursor]
            for offset in 1..<max(candidates.count, 1) {
                let other = candidates[(cursor + offset) % candidates.count]
                if outstanding[other] < outstanding[best] { best = other }
            }
            return best
        case .powerOfTwo:
            guard candidates.count > 1 else { return candidates[0] }
            let first = Int(rng.below(UInt64(candidates.count)))
            var second = Int(rng.below(UInt64(candidates.count - 1)))
            if second >= first { second += 1 }
            let a = candidates[first], b = candidates[second]
            return outstanding[b] < outstanding[a] ? b : a
        case .consistentHash:
            let allowed = Set(candidates)
            return ring.owner(of: key) { allowed.contains($0) } ?? candidates[0]
        }
    }

    /// The backend `key` is pinned to on the ring, skipping unhealthy backends.
    public func affinityOwner(of key: UInt64, at now: SimTime) -> Int {
        let allowed = Set(eligible(at: now))
        return ring.owner(of: key) { allowed.contains($0) } ?? 0
    }

    /// Records the end of a request. Returns the ejection deadline when this failure ejects
    /// the backend.
    public mutating func finished(_ backend: Int, success: Bool, at now: SimTime) -> SimTime? {
        outstanding[backend] -= 1
        if success {
            consecutiveFailures[backend] = 0
            return nil
        }
        consecutiveFailures[backend] += 1
        guard consecutiveFailures[backend] >= ejectAfter, isHealthy(backend, at: now) else { return nil }
        consecutiveFailures[backend] = 0
        ejectedUntil[backend] = now + ejectionTime
        return ejectedUntil[backend]
    }

    public var ringSharesPerMille: [Int] { ring.sharesPerMille() }
}

/// How the balancer picks a backend.
public enum BalancingPolicy: String, CaseIterable, Sendable {
    case roundRobin = "round-robin"
    case random
    case leastConnections = "least-conn"
    case powerOfTwo = "p2c"
    case consistentHash = "hash-ring"
}
