/// The distributed-lock demo, in three acts on the simulator:
///
/// 1. Kleppmann's failure (2016, "How to do distributed locking", figure "unsafe lock"): a
///    client takes the lock, checks its lease, pauses (GC) past the lease; the service expires
///    it and grants the lock to the next in line with a higher fencing token; the first client
///    wakes and writes. The storage checks tokens and rejects the stale write.
/// 2. The same run with fencing off: the stale write is accepted and overwrites the newer
///    holder's data. The demo says so plainly.
/// 3. A seeded random workload (shared and exclusive jobs, GC pauses, lossy network, crashes of
///    service, clients and storage) under the auditor, for `check`.
///
/// Simplifications: see `LockService`, `LockClient`, `FencedStorage`.
import Simulation

public enum DistributedLockDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var clients = 4
        public var jobsPerClient = 6
        public var ttl = SimDuration.milliseconds(1000)
        public var pause = SimDuration.milliseconds(2500)
        /// Fencing in the random act (acts 1 and 2 always show both).
        public var fencing = true
        public var faults = FaultMode.drawn(.all)
        /// Scripted faults (`--inject`), added to the random act's drawn faults.
        public var injected: [ScheduledFault] = []
        /// Per mille of random jobs that pause before writing.
        public var pausePerMille: UInt32 = 250
        public var flaw: LockService.Flaw?
    }

    struct ActResult {
        var auditor: LockAuditor
        var violation: InvariantViolation?
        /// A live client's job unfinished at the act's horizon.
        var shortfall: InvariantViolation?
        var jobsDone = 0
        var jobsLost = 0
        var results: [String: Int] = [:]
        var expired = 0
        var timeouts = 0
        var crashes: UInt64 = 0
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.note("Nodes: n0 lock service, n1..n\(options.clients) clients, n\(options.clients + 1) storage. "
            + "Leases are judged by the service's clock; a client trusts its own, from when it asked.")
        var violation: InvariantViolation?
        var shortfall: InvariantViolation?
        var findings: [(String, JSONValue)] = []
        for fencing in [true, false] {
            let number = fencing ? 1 : 2
            timeline.section("Act \(number): GC pause past the lease, fencing \(fencing ? "ON" : "OFF")")
            let act = runAct(options, jobs: kleppmannJobs(options), fencing: fencing, faults: .none,
                             network: .reliable, timeline: timeline)
            violation = violation ?? act.violation
            shortfall = shortfall ?? act.shortfall
            timeline.note((fencing ? "With fencing: " : "Without fencing: ") + actVerdict(act))
            findings += [
                ("act \(number) fencing", .bool(fencing)),
                ("act \(number) stale writes rejected", JSONValue(act.auditor.rejectedWrites)),
                ("act \(number) stale writes accepted", JSONValue(act.auditor.corruptions.count)),
            ]
        }
        timeline.section("Act 3: random workload, seed \(options.seed), faults \(options.faults)")
        var rng = SeededRNG(seed: options.seed).stream(7)
        let jobs = randomJobs(options, rng: &rng)
        let window = FaultWindow(start: .zero + .milliseconds(500), end: .zero + .seconds(12), meanGap: .seconds(2),
                                 maxOutage: .milliseconds(1500), maxDown: 1, baseline: .unreliable)
        let drawn = FaultPlan.draw(options.faults, nodeCount: options.clients + 2, window: window, rng: &rng)
        timeline.announce(drawn)
        let plan = FaultPlan(drawn.plan.faults + options.injected)
        let act3 = runAct(options, jobs: jobs, fencing: options.fencing, faults: plan, network: .unreliable, timeline: nil)
        violation = violation ?? act3.violation
        shortfall = shortfall ?? act3.shortfall
        printAct3(act3, options: options, timeline: timeline)
        timeline.summary(findings + [
            ("act 3 grants", JSONValue(act3.auditor.grants)),
            ("act 3 jobs done", JSONValue(act3.jobsDone)),
            ("act 3 jobs lost with crashed clients", JSONValue(act3.jobsLost)),
            ("act 3 stale writes rejected", JSONValue(act3.auditor.rejectedWrites)),
            ("act 3 stale writes accepted", JSONValue(act3.auditor.corruptions.count)),
            ("invariants", .string(violation != nil ? "BROKEN"
                : shortfall != nil ? "safety held; a job of a live client did not finish within the horizon"
                : "held: never two conflicting live leases (service clock); tokens only grow; "
                    + "fenced storage never took a lower token; every job of a live client finished")),
            ("caveat", .string("leases are safe only by the service's clock; a paused or drifting client "
                + "is stopped by fencing, not by its lease")),
        ])
        return DemoOutcome(violation: violation, shortfall: shortfall)
    }

    /// What happened to the paused client's write in act 1 or 2, from the run's own counts.
    static func actVerdict(_ act: ActResult) -> String {
        if !act.auditor.corruptions.isEmpty { return "CORRUPTED: " + act.auditor.corruptions.joined(separator: "; ") }
        if act.auditor.rejectedWrites > 0 {
            return "\(act.auditor.rejectedWrites) stale write(s) rejected by their token; data intact"
        }
        return "no stale write: the pause ended within the lease, so no write needed fencing; data intact"
    }

    /// Act 1 and 2: n1 takes the lock and pauses past its lease before writing; n2 queues for
    /// it; n3 and n4 (if present) read under shared leases afterwards.
    static func kleppmannJobs(_ options: Options) -> [[LockJob]] {
        let ttl = options.ttl
        var jobs: [[LockJob]] = [
            [LockJob(id: 1, mode: .exclusive, ttl: ttl, hold: ttl * 3, timeout: .seconds(5), pauseBeforeWrite: options.pause)],
            [LockJob(id: 1, mode: .exclusive, ttl: ttl, hold: ttl * 2 / 5, timeout: .seconds(5), startAfter: .milliseconds(100))],
        ]
        for reader in 2..<options.clients {
            jobs.append([LockJob(id: 1, mode: .shared, ttl: ttl, hold: ttl * 3 / 10, timeout: .seconds(5),
                                 startAfter: .milliseconds(200 + 10 * UInt64(reader)))])
        }
        return jobs
    }

    static func randomJobs(_ options: Options, rng: inout SeededRNG) -> [[LockJob]] {
        (0..<options.clients).map { _ in
            (1...options.jobsPerClient).map { id in
                let ttl = options.ttl * (2 + rng.below(4)) / 5
                let pause = rng.chance(perMille: options.pausePerMille) ? ttl * (3 + rng.below(4)) / 2 : .zero
                return LockJob(id: id, mode: rng.below(2) == 0 ? .exclusive : .shared, ttl: ttl,
                               hold: .random(in: .milliseconds(50), ttl * 2, using: &rng),
                               timeout: .random(in: .milliseconds(500), .seconds(3), using: &rng),
                               pauseBeforeWrite: pause, startAfter: .random(in: .zero, .milliseconds(400), using: &rng))
            }
        }
    }
}
