import Testing
@testable import DistributedLock
@testable import Simulation

/// Drives a `LockService` by hand with a bare context and records what it sends.
struct ServiceBench {
    var service = LockService()
    var context = NodeContext<LockNode>(rng: SeededRNG(seed: 1))
    var sent: [(to: NodeID, message: LockMessage)] = []

    mutating func at(_ ms: UInt64, _ body: (inout LockService, inout NodeContext<LockNode>) -> Void) {
        context.reset(now: SimTime.zero + .milliseconds(ms), id: 0)
        body(&service, &context)
        sent += context.sends.map { ($0.to, $0.message) }
    }

    mutating func acquire(_ client: NodeID, req: UInt64, _ mode: LockMode, at ms: UInt64,
                          ttl: UInt64 = 1000, timeout: UInt64 = 5000) {
        at(ms) { s, c in s.acquire(client, req: req, mode: mode, ttl: .milliseconds(ttl), timeout: .milliseconds(timeout), &c) }
    }

    /// Grants sent so far, as "n<client>:<mode initial><token>".
    var grants: [String] {
        sent.compactMap { to, m in
            if case let .granted(_, token, mode, _) = m { return "n\(to):\(mode == .shared ? "s" : "x")\(token)" }
            return nil
        }
    }

    func token(of client: NodeID) -> UInt64? {
        service.leases.first { $0.client == client }?.token
    }
}

@Test func exclusiveIsExclusiveAndWaitersAreFIFO() {
    var b = ServiceBench()
    b.acquire(1, req: 1, .exclusive, at: 0)
    b.acquire(2, req: 1, .exclusive, at: 1)
    b.acquire(3, req: 1, .shared, at: 2)
    b.acquire(4, req: 1, .shared, at: 3)
    #expect(b.grants == ["n1:x1"])
    b.at(10) { s, c in s.release(1, token: 1, &c) }
    #expect(b.grants == ["n1:x1", "n2:x2"])
    b.at(20) { s, c in s.release(2, token: 2, &c) }
    #expect(b.grants == ["n1:x1", "n2:x2", "n3:s3", "n4:s4"])   // readers granted together
}

@Test func aLaterReaderDoesNotOvertakeAQueuedWriter() {
    var b = ServiceBench()
    b.acquire(1, req: 1, .shared, at: 0)
    b.acquire(2, req: 1, .exclusive, at: 1)
    b.acquire(3, req: 1, .shared, at: 2)     // compatible with n1, but n2 is ahead
    #expect(b.grants == ["n1:s1"])
    b.at(10) { s, c in s.release(1, token: 1, &c) }
    #expect(b.grants == ["n1:s1", "n2:x2"])
}

@Test func anExpiredLeaseFreesTheLockWithAHigherToken() {
    var b = ServiceBench()
    b.acquire(1, req: 1, .exclusive, at: 0, ttl: 500)
    b.acquire(2, req: 1, .exclusive, at: 100)
    b.at(499) { s, c in s.expire(&c) }
    #expect(b.grants == ["n1:x1"])
    b.at(500) { s, c in s.expire(&c) }
    #expect(b.grants == ["n1:x1", "n2:x2"])
    b.at(600) { s, c in s.renew(1, token: 1, ttl: .milliseconds(500), sentAt: .zero, &c) }
    guard case .leaseLost(1)? = b.sent.last?.message else {
        Issue.record("a renewal after expiry must be refused")
        return
    }
}

@Test func renewalExtendsTheLease() {
    var b = ServiceBench()
    b.acquire(1, req: 1, .exclusive, at: 0, ttl: 500)
    b.acquire(2, req: 1, .exclusive, at: 10)
    b.at(400) { s, c in s.renew(1, token: 1, ttl: .milliseconds(500), sentAt: .zero, &c) }
    b.at(800) { s, c in s.expire(&c) }
    #expect(b.grants == ["n1:x1"])
    #expect(b.service.leases.first?.expiresAt == SimTime.zero + .milliseconds(900))
}

@Test func aWaiterTimesOutAndARetransmissionIsAnsweredAgain() {
    var b = ServiceBench()
    b.acquire(1, req: 1, .exclusive, at: 0)
    b.acquire(2, req: 7, .exclusive, at: 0, timeout: 300)
    b.at(300) { s, c in s.expire(&c) }
    #expect(b.service.waiters.isEmpty)
    b.acquire(2, req: 7, .exclusive, at: 310)          // the same request again
    guard case .acquireTimedOut(7)? = b.sent.last?.message else {
        Issue.record("expected the timeout to be repeated")
        return
    }
    b.acquire(1, req: 1, .exclusive, at: 320)          // a holder's retransmission
    #expect(b.grants == ["n1:x1", "n1:x1"])
    #expect(b.service.lastToken == 1)
}

@Test func tokensGrowAcrossARestartUnlessTheCounterIsForgotten() {
    var b = ServiceBench()
    b.acquire(1, req: 1, .exclusive, at: 0)
    b.at(10) { s, c in s.release(1, token: 1, &c) }
    #expect(b.service.restarted().lastToken == 1)
    b.service.flaw = .forgetsTokenCounter
    #expect(b.service.restarted().lastToken == 0)
}

@Test func fencedStorageRejectsLowerTokensOnly() {
    var storage = FencedStorage(fencing: true)
    var c = NodeContext<LockNode>(rng: SeededRNG(seed: 1))
    c.reset(now: .zero, id: 5)
    storage.write(1, req: 1, token: 3, value: "a", &c)
    storage.write(1, req: 2, token: 3, value: "b", &c)     // same holder again: fine
    storage.write(2, req: 1, token: 2, value: "stale", &c)
    #expect(storage.value == "b" && storage.highestToken == 3)
    storage.read(3, req: 1, token: 9, &c)                  // a reader's newer token counts
    storage.write(1, req: 3, token: 4, value: "late", &c)
    #expect(storage.value == "b")
    var open = FencedStorage(fencing: false)
    open.write(1, req: 1, token: 3, value: "a", &c)
    open.write(2, req: 1, token: 2, value: "stale", &c)
    #expect(open.value == "stale")
}

@Test func auditorCatchesConflictsTokenReuseAndStaleWrites() {
    var a = LockAuditor(fencing: true)
    let t = SimTime.zero + .milliseconds(10)
    let later = SimTime.zero + .seconds(1)
    #expect(a.observe(.granted(client: 1, mode: .shared, token: 1, expiresAt: later), at: t) == nil)
    #expect(a.observe(.granted(client: 2, mode: .shared, token: 2, expiresAt: later), at: t) == nil)
    #expect(a.observe(.granted(client: 3, mode: .exclusive, token: 3, expiresAt: later), at: t)?.0 == "mutual exclusion")
    var b = LockAuditor(fencing: true)
    #expect(b.observe(.granted(client: 1, mode: .exclusive, token: 5, expiresAt: t), at: .zero) == nil)
    #expect(b.observe(.granted(client: 2, mode: .exclusive, token: 5, expiresAt: later), at: t)?.0 == "fencing tokens increase")
    var c = LockAuditor(fencing: true)
    #expect(c.observe(.accepted(client: 1, token: 4, value: "x"), at: t) == nil)
    #expect(c.observe(.accepted(client: 2, token: 3, value: "y"), at: t)?.0 == "storage rejects stale tokens")
    var d = LockAuditor(fencing: false)
    #expect(d.observe(.accepted(client: 1, token: 4, value: "x"), at: t) == nil)
    #expect(d.observe(.accepted(client: 2, token: 3, value: "y"), at: t) == nil)
    #expect(d.corruptions.count == 1)
}
