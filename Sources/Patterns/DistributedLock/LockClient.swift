/// A lock client that does its jobs one at a time: acquire (retransmitting until answered,
/// giving up after its timeout), work while the lease is valid by its own reckoning, renew
/// the lease every third of its TTL, release. It reckons its lease from the moment it *sent*
/// the request (or the renewal), never from the service's answer, so network delay only
/// shortens what it believes it holds.
///
/// The flaw Kleppmann describes is built in on purpose: the lease check and the write are two
/// steps. A job with `pauseBeforeWrite` stops the whole process (a stop-the-world GC pause)
/// between them; while stopped, the client handles nothing (messages and timers queue up, as
/// in a real stopped process) and on waking it sends the write it had prepared, with the
/// token it had. Only a storage that checks tokens can stop that write.
///
/// Simplifications: a client holds at most one lease at a time; a crashed client forgets its
/// jobs (its lease simply expires at the service) but keeps its request counter on disk.
import Simulation

public struct LockClient: Sendable {
    enum Phase: Sendable {
        case acquiring(req: UInt64, firstSent: SimTime)
        case holding(token: UInt64, validUntil: SimTime, paused: Bool)
    }

    let id: NodeID
    let service: NodeID
    let storage: NodeID
    var jobs: [LockJob] = []
    var job: LockJob?
    var phase: Phase?
    var nextReq: UInt64 = 1
    var pausedUntil: SimTime?
    var deferred: [Deferred] = []
    var preparedWrite: LockMessage?
    /// Holding a lease granted after a wait, not yet anchored by a renewal.
    var anchoring = false

    enum Deferred: Sendable {
        case message(LockMessage, from: NodeID)
        case timer(LockNode.Timer)
    }

    init(id: NodeID, service: NodeID, storage: NodeID, nextRequest: UInt64 = 1) {
        self.id = id
        self.service = service
        self.storage = storage
        nextReq = nextRequest
    }

    var isPaused: Bool { pausedUntil != nil }

    mutating func enqueue(_ more: [LockJob], _ context: inout NodeContext<LockNode>) {
        let idle = job == nil && jobs.isEmpty
        jobs += more
        if idle, let first = jobs.first { context.setTimer(.clientNextJob, after: first.startAfter) }
    }

    mutating func fire(_ timer: LockNode.Timer, _ context: inout NodeContext<LockNode>) {
        guard !isPaused || timer == .clientWake else { return deferred.append(.timer(timer)) }
        switch timer {
        case .clientNextJob: startNextJob(&context)
        case .clientRetry:
            guard let job, case .acquiring(let req, _) = phase else { return }
            context.send(.acquire(req: req, mode: job.mode, ttl: job.ttl, timeout: job.timeout), to: service)
            context.setTimer(.clientRetry, after: .milliseconds(250))
        case .clientGiveUp:
            if case .acquiring = phase { finish("gave up: no answer", &context) }
        case .clientWork: work(&context)
        case .clientRenew:
            guard let job, case .holding(let token, _, _) = phase else { return }
            context.send(.renew(token: token, ttl: job.ttl, sentAt: context.now), to: service)
            context.setTimer(.clientRenew, after: job.ttl / 3)
        case .clientRelease:
            guard case .holding(let token, _, _) = phase else { return }
            context.send(.release(token: token), to: service)
            finish("released", &context)
        case .clientWake: wake(&context)
        case .serviceDeadline: break
        }
    }

    private mutating func startNextJob(_ context: inout NodeContext<LockNode>) {
        guard job == nil, !jobs.isEmpty else { return }
        let next = jobs.removeFirst()
        let req = nextReq
        nextReq += 1
        // The service takes a request number at or below the last it saw from this client for
        // a retransmission; a client that forgot its counter in a crash would never be
        // answered again. The acquire leaves only once the new counter is on disk.
        context.persist(.client(nextRequest: nextReq))
        job = next
        phase = .acquiring(req: req, firstSent: context.now)
        context.send(.acquire(req: req, mode: next.mode, ttl: next.ttl, timeout: next.timeout), to: service)
        context.setTimer(.clientRetry, after: .milliseconds(250))
        context.setTimer(.clientGiveUp, after: next.timeout + .seconds(1))
    }

    mutating func receive(_ message: LockMessage, from sender: NodeID, _ context: inout NodeContext<LockNode>) {
        guard !isPaused else { return deferred.append(.message(message, from: sender)) }
        switch message {
        case let .granted(req, token, mode, _):
            guard case .acquiring(let want, let sent) = phase, want == req, let job else {
                // A grant for a request given up on: hand the lease straight back.
                if case .holding(let held, _, _) = phase, held == token { return }
                context.send(.release(token: token), to: service)
                return
            }
            phase = .holding(token: token, validUntil: sent + job.ttl, paused: false)
            context.cancelTimer(.clientRetry)
            context.cancelTimer(.clientGiveUp)
            context.setTimer(.clientRelease, after: job.hold)
            if context.now - sent > job.ttl / 4 {
                // The grant waited in the queue for an unknown time: anchor the lease afresh
                // with a renewal before trusting it.
                anchoring = true
                context.output(.note("granted \(mode.rawValue), token \(token), after a wait: renews to anchor the lease"))
                fire(.clientRenew, &context)
            } else {
                context.output(.note("granted \(mode.rawValue), fencing token \(token); lease valid by my clock until \(sent + job.ttl)"))
                context.setTimer(.clientWork, after: .milliseconds(10))
                context.setTimer(.clientRenew, after: job.ttl / 3)
            }
        case .acquireTimedOut(let req):
            if case .acquiring(let want, _) = phase, want == req { finish("acquire timed out", &context) }
        case let .renewed(token, _, sentAt):
            guard let job, case .holding(let held, let valid, let paused) = phase, held == token else { return }
            phase = .holding(token: token, validUntil: max(valid, sentAt + job.ttl), paused: paused)
            if anchoring {
                anchoring = false
                context.output(.note("lease anchored: valid by my clock until \(sentAt + job.ttl)"))
                context.setTimer(.clientWork, after: .milliseconds(10))
            }
        case .leaseLost(let token):
            guard case .holding(let held, _, _) = phase, held == token else { return }
            context.output(.note("told the lease on token \(token) is gone"))
            finish("lease lost", &context)
        case .writeAccepted:
            context.output(.note("write accepted by storage"))
        case let .writeRejected(_, highest):
            context.output(.note("write REJECTED by storage: it has seen token \(highest)"))
            if case .holding(let token, _, _) = phase {
                context.send(.release(token: token), to: service)
                finish("fenced off", &context)
            }
        case .readReply(_, let value):
            context.output(.note("read \"\(value)\""))
        default:
            break
        }
    }

    /// Checks the lease, then writes (exclusive) or reads (shared). A job with a pause stops
    /// the process between the check and the write.
    private mutating func work(_ context: inout NodeContext<LockNode>) {
        guard let job, case .holding(let token, let validUntil, let paused) = phase else { return }
        guard context.now < validUntil else {
            context.send(.release(token: token), to: service)
            context.output(.note("lease ran out by my clock before I could work; not writing"))
            return finish("lease ran out before work", &context)
        }
        if job.mode == .shared {
            context.send(.read(req: nextReq, token: token), to: storage)
            return
        }
        let write = LockMessage.write(req: nextReq, token: token, value: "n\(id) job \(job.id) (token \(token))")
        guard job.pauseBeforeWrite == .zero || paused else {
            context.output(.note("lease checked: valid for \((validUntil - context.now).milliseconds)ms more; "
                + "process pauses (GC) for \(job.pauseBeforeWrite.milliseconds)ms before its write"))
            phase = .holding(token: token, validUntil: validUntil, paused: true)
            preparedWrite = write
            pausedUntil = context.now + job.pauseBeforeWrite
            context.setTimer(.clientWake, after: job.pauseBeforeWrite)
            return
        }
        context.send(write, to: storage)
    }

    private mutating func wake(_ context: inout NodeContext<LockNode>) {
        pausedUntil = nil
        if let write = preparedWrite, case .write(_, let token, _) = write {
            context.output(.note("wakes up and sends the write it prepared, with token \(token)"))
            context.send(write, to: storage)
        }
        preparedWrite = nil
        let backlog = deferred
        deferred = []
        for item in backlog {
            switch item {
            case .message(let m, let from): receive(m, from: from, &context)
            case .timer(let t): fire(t, &context)
            }
        }
    }

    private mutating func finish(_ result: String, _ context: inout NodeContext<LockNode>) {
        if let job { context.output(.jobDone(client: id, job: job.id, result: result)) }
        job = nil
        phase = nil
        anchoring = false
        for timer in [LockNode.Timer.clientRetry, .clientGiveUp, .clientWork, .clientRenew, .clientRelease] {
            context.cancelTimer(timer)
        }
        if let next = jobs.first { context.setTimer(.clientNextJob, after: next.startAfter) }
    }
}
