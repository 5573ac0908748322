/// The replication settings a request is served with: Dynamo's (N, R, W), sloppy or strict
/// quorum, how versions reconcile, and the coordinator's patience. DeCandia et al. (SOSP 2007),
/// §4.5 (quorums) and §4.6 (sloppy quorum, hinted handoff). Riak likewise lets each request
/// carry its own R and W; here every request carries the whole policy, so nodes need no
/// configuration of their own and a restarted node is configured by the next request.
///
/// Simplifications:
/// - No failure detector: a coordinator falls back to the next node in the preference order
///   only after a replica has failed to answer for `fallbackAfter`.
import Simulation

public struct QuorumPolicy: Hashable, Sendable {
    public var n: Int
    public var r: Int
    public var w: Int
    /// Count acknowledgements and answers from fallback nodes beyond the first N (Dynamo's
    /// "first N healthy nodes"); strict quorums count only the N home replicas.
    public var sloppy: Bool
    public var resolution: Resolution
    /// How long to wait for a replica before trying the next node in the walk.
    public var fallbackAfter: SimDuration
    /// How long the coordinator waits for a quorum before failing the request.
    public var timeout: SimDuration

    public init(n: Int = 3, r: Int = 2, w: Int = 2, sloppy: Bool = false, resolution: Resolution = .siblings,
                fallbackAfter: SimDuration = .milliseconds(40), timeout: SimDuration = .milliseconds(250)) {
        self.n = n
        self.r = r
        self.w = w
        self.sloppy = sloppy
        self.resolution = resolution
        self.fallbackAfter = fallbackAfter
        self.timeout = timeout
    }

    /// R + W > N over the home replicas: every read quorum meets every write quorum.
    public var overlaps: Bool { r + w > n && !sloppy }

    public var label: String { "N=\(n) R=\(r) W=\(w)\(sloppy ? " sloppy" : "")" }
}
