/// The wire protocol of the lock demo: a lease-based lock service in the manner of Chubby
/// (Burrows, OSDI 2006, §2.4 "sequencers") and of Kleppmann's "How to do distributed locking"
/// (2016): every grant carries a fencing token that grows with each grant, and the storage
/// that the lock protects checks it.
///
/// Simplifications:
/// - One lock (named "file") and one protected resource.
/// - Lease times are the service's clock; clients measure their own lease from the moment
///   they sent the request, which is conservative only while clocks run at the same rate.
import Simulation

public enum LockMode: String, Sendable, CaseIterable {
    case shared, exclusive

    func conflicts(with other: LockMode) -> Bool { self == .exclusive || other == .exclusive }
}

public enum LockMessage: Sendable {
    // client -> service
    case acquire(req: UInt64, mode: LockMode, ttl: SimDuration, timeout: SimDuration)
    case renew(token: UInt64, ttl: SimDuration, sentAt: SimTime)
    case release(token: UInt64)
    // service -> client
    case granted(req: UInt64, token: UInt64, mode: LockMode, expiresAt: SimTime)
    case acquireTimedOut(req: UInt64)
    case renewed(token: UInt64, expiresAt: SimTime, sentAt: SimTime)
    case leaseLost(token: UInt64)
    // client <-> storage
    case write(req: UInt64, token: UInt64, value: String)
    case read(req: UInt64, token: UInt64)
    case writeAccepted(req: UInt64)
    case writeRejected(req: UInt64, highest: UInt64)
    case readReply(req: UInt64, value: String)
}

/// What a node reports: facts the auditor checks, and prose for the timeline.
public enum LockOutput: Sendable {
    case granted(client: NodeID, mode: LockMode, token: UInt64, expiresAt: SimTime)
    case renewed(token: UInt64, expiresAt: SimTime)
    case released(token: UInt64)
    case expired(token: UInt64)
    case waiterTimedOut(client: NodeID)
    case accepted(client: NodeID, token: UInt64, value: String)
    case rejected(client: NodeID, token: UInt64, highest: UInt64)
    case readBy(client: NodeID, token: UInt64)
    case jobDone(client: NodeID, job: Int, result: String)
    case note(String)
}

/// One thing a client is asked to do: take the lock in `mode`, work while holding it for
/// `hold` (an exclusive holder writes; a shared holder reads), renew the lease every third
/// of `ttl`, then release. `pauseBeforeWrite` stops the process (a GC pause) between its
/// lease check and its write, which is Kleppmann's scenario.
public struct LockJob: Sendable {
    public var id: Int
    public var mode: LockMode
    public var ttl: SimDuration
    public var hold: SimDuration
    public var timeout: SimDuration
    public var pauseBeforeWrite: SimDuration
    /// Wait this long after the previous job before asking.
    public var startAfter: SimDuration

    public init(id: Int, mode: LockMode, ttl: SimDuration, hold: SimDuration, timeout: SimDuration,
                pauseBeforeWrite: SimDuration = .zero, startAfter: SimDuration = .zero) {
        self.id = id
        self.mode = mode
        self.ttl = ttl
        self.hold = hold
        self.timeout = timeout
        self.pauseBeforeWrite = pauseBeforeWrite
        self.startAfter = startAfter
    }
}
