/// Checks the lock's safety properties from what the service and the storage report, keeping
/// its own table of leases (it never reads the service's):
///
/// 1. Mutual exclusion, by the service's clock: when a lease is granted, no other lease that
///    is still live (not released, not expired, expiry in the future) conflicts with it
///    (exclusive conflicts with everything; shared with exclusive).
/// 2. Fencing tokens strictly increase with every grant, across service restarts.
/// 3. With fencing on, the storage never accepts a write whose token is lower than the
///    highest token it has seen (on an accepted write, or on a read).
///
/// With fencing off, (3) is not an invariant but the thing the demo shows breaking: each
/// accepted write with a lower token than one accepted before is counted as a corruption
/// (a stale holder overwrote a newer holder's data).
///
/// The clock-drift caveat: (1) holds by the service's clock only. A client whose clock runs
/// slow, or whose process pauses, still acts on a lease the service has expired; that is why
/// (3) exists.
///
/// Simplifications: the auditor trusts the reports of service and storage to be complete. They
/// are reports in the simulator's sense (`LockNode.isReport`), so a crash right after a write
/// does not hide what the handler did.
import Simulation

public struct LockAuditor: Sendable {
    struct Lease {
        var client: NodeID
        var mode: LockMode
        var token: UInt64
        var expiresAt: SimTime
    }

    let fencing: Bool
    private var live: [Lease] = []
    private var lastToken: UInt64 = 0
    private var highestAccepted: UInt64 = 0
    private var lastValue = ""
    public private(set) var grants = 0
    public private(set) var sharedOverlaps = 0
    public private(set) var corruptions: [String] = []
    public private(set) var rejectedWrites = 0

    public init(fencing: Bool) { self.fencing = fencing }

    /// Feeds one report made at `now`; returns the broken invariant and why, if any.
    public mutating func observe(_ output: LockOutput, at now: SimTime) -> (String, String)? {
        switch output {
        case let .granted(client, mode, token, expiresAt):
            live.removeAll { $0.expiresAt <= now }
            if let other = live.first(where: { $0.mode.conflicts(with: mode) }) {
                return ("mutual exclusion", "granted \(mode.rawValue) token \(token) to n\(client) while n\(other.client) "
                    + "holds \(other.mode.rawValue) token \(other.token) until \(other.expiresAt)")
            }
            if token <= lastToken {
                return ("fencing tokens increase", "granted token \(token) after token \(lastToken) was already issued")
            }
            if !live.isEmpty { sharedOverlaps += 1 }
            lastToken = token
            grants += 1
            live.append(Lease(client: client, mode: mode, token: token, expiresAt: expiresAt))
        case let .renewed(token, expiresAt):
            if let i = live.firstIndex(where: { $0.token == token }) { live[i].expiresAt = expiresAt }
        case .released(let token), .expired(let token):
            live.removeAll { $0.token == token }
        case let .accepted(client, token, value):
            if token < highestAccepted {
                if fencing {
                    return ("storage rejects stale tokens", "accepted token \(token) from n\(client) after token \(highestAccepted)")
                }
                corruptions.append("stale n\(client) (token \(token)) overwrote \"\(lastValue)\" "
                    + "though token \(highestAccepted) was seen; that update is lost")
            }
            highestAccepted = max(highestAccepted, token)
            lastValue = value
        case .rejected:
            rejectedWrites += 1
        case .readBy(_, let token):
            highestAccepted = max(highestAccepted, token)
        case .waiterTimedOut, .jobDone, .note:
            break
        }
        return nil
    }
}
