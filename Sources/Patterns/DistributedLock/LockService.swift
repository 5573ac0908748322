/// The lock service: leases with a time-to-live, a fencing token that grows with every grant
/// (Chubby's sequencer, Burrows 2006 §2.4; Kleppmann 2016), shared and exclusive modes
/// (readers-writer), a strict FIFO queue of waiters, and acquire timeouts.
///
/// Grant rule: the head of the queue is granted when it is compatible with every live lease
/// (exclusive: no lease at all; shared: no exclusive lease); shared heads are granted in a run.
/// A shared request never overtakes a queued exclusive one, so writers do not starve.
///
/// Everything (token counter, leases, waiters) is persisted before any reply leaves, so a
/// restarted service neither reissues a token nor forgets a lease it granted.
///
/// Simplifications:
/// - A single service process, not a replicated one (Chubby runs Paxos underneath; etcd and
///   ZooKeeper, Raft and Zab). Its crash makes the lock unavailable, not unsafe.
/// - Leases run on the service's clock. A client's clock that runs slow can believe a lease
///   valid after the service has expired it: fencing is what makes that harmless.
import Simulation

public struct LockService: Sendable {
    public struct Lease: Sendable, Equatable {
        public var client: NodeID
        public var req: UInt64
        public var mode: LockMode
        public var token: UInt64
        public var expiresAt: SimTime
    }

    public struct Waiter: Sendable, Equatable {
        public var client: NodeID
        public var req: UInt64
        public var mode: LockMode
        public var ttl: SimDuration
        public var deadline: SimTime
    }

    /// Deliberate bugs, so tests can prove the auditor notices them.
    public enum Flaw: String, CaseIterable, Sendable {
        /// Keeps the token counter in memory only: a restart hands out old tokens again.
        case forgetsTokenCounter
        /// Grants a shared lease while an exclusive one is live.
        case sharedIgnoresWriter
    }

    public private(set) var lastToken: UInt64 = 0
    public private(set) var leases: [Lease] = []
    public private(set) var waiters: [Waiter] = []
    /// Per client: the newest request seen, and whether it timed out.
    var newestRequest: [NodeID: (req: UInt64, timedOut: Bool)] = [:]
    var flaw: Flaw?

    public init(flaw: Flaw? = nil) { self.flaw = flaw }

    /// A restarted service: everything it persisted, minus what a flaw forgets.
    func restarted() -> LockService {
        var copy = self
        if flaw == .forgetsTokenCounter { copy.lastToken = 0 }
        return copy
    }

    mutating func acquire(_ client: NodeID, req: UInt64, mode: LockMode, ttl: SimDuration,
                          timeout: SimDuration, _ context: inout NodeContext<LockNode>) {
        if let seen = newestRequest[client], req <= seen.req {
            // A retransmission: answer again what was answered, or keep waiting.
            if req == seen.req, seen.timedOut { context.send(.acquireTimedOut(req: req), to: client) }
            if let lease = leases.first(where: { $0.client == client && $0.req == req }) {
                context.send(.granted(req: req, token: lease.token, mode: lease.mode, expiresAt: lease.expiresAt), to: client)
            }
            return
        }
        newestRequest[client] = (req, false)
        waiters.append(Waiter(client: client, req: req, mode: mode, ttl: ttl, deadline: context.now + timeout))
        grantWhatCan(&context)
        commit(&context)
    }

    mutating func renew(_ client: NodeID, token: UInt64, ttl: SimDuration, sentAt: SimTime, _ context: inout NodeContext<LockNode>) {
        expire(&context)
        guard let i = leases.firstIndex(where: { $0.token == token && $0.client == client }) else {
            context.send(.leaseLost(token: token), to: client)
            return
        }
        leases[i].expiresAt = context.now + ttl
        context.output(.renewed(token: token, expiresAt: leases[i].expiresAt))
        context.send(.renewed(token: token, expiresAt: leases[i].expiresAt, sentAt: sentAt), to: client)
        commit(&context)
    }

    mutating func release(_ client: NodeID, token: UInt64, _ context: inout NodeContext<LockNode>) {
        guard let i = leases.firstIndex(where: { $0.token == token && $0.client == client }) else { return }
        leases.remove(at: i)
        context.output(.released(token: token))
        grantWhatCan(&context)
        commit(&context)
    }

    /// Expires leases and waiters whose time is up, then grants what became free.
    mutating func expire(_ context: inout NodeContext<LockNode>) {
        let now = context.now
        var changed = false
        for lease in leases where lease.expiresAt <= now {
            context.output(.expired(token: lease.token))
            changed = true
        }
        leases.removeAll { $0.expiresAt <= now }
        for waiter in waiters where waiter.deadline <= now {
            newestRequest[waiter.client] = (waiter.req, true)
            context.output(.waiterTimedOut(client: waiter.client))
            context.send(.acquireTimedOut(req: waiter.req), to: waiter.client)
            changed = true
        }
        waiters.removeAll { $0.deadline <= now }
        if changed {
            grantWhatCan(&context)
            commit(&context)
        }
    }

    private mutating func grantWhatCan(_ context: inout NodeContext<LockNode>) {
        while let head = waiters.first, compatible(head.mode) {
            waiters.removeFirst()
            lastToken += 1
            let lease = Lease(client: head.client, req: head.req, mode: head.mode, token: lastToken,
                              expiresAt: context.now + head.ttl)
            leases.append(lease)
            context.output(.granted(client: lease.client, mode: lease.mode, token: lease.token, expiresAt: lease.expiresAt))
            context.send(.granted(req: lease.req, token: lease.token, mode: lease.mode, expiresAt: lease.expiresAt),
                         to: lease.client)
        }
    }

    private func compatible(_ mode: LockMode) -> Bool {
        if flaw == .sharedIgnoresWriter && mode == .shared { return true }
        return !leases.contains { $0.mode.conflicts(with: mode) }
    }

    /// Persists the whole table and arms the timer for the next lease or waiter deadline.
    private func commit(_ context: inout NodeContext<LockNode>) {
        context.persist(.service(self))
        let deadlines = leases.map(\.expiresAt) + waiters.map(\.deadline)
        if let next = deadlines.min() {
            context.setTimer(.serviceDeadline, after: next - context.now)
        } else {
            context.cancelTimer(.serviceDeadline)
        }
    }

    /// After a restart: re-arm the deadline timer (and expire what ran out while down).
    mutating func restart(_ context: inout NodeContext<LockNode>) {
        expire(&context)
        commit(&context)
    }
}
