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
    public struct Options: Sendable {
        public var seed: UInt64
        public var clients: Int
        public var jobsPerClient: Int
        public var ttl: SimDuration
        public var pause: SimDuration
        /// Fencing in the random act (acts 1 and 2 always show both).
        public var fencing: Bool
        public var faults: FaultPlan.Kinds
        /// Per mille of random jobs that pause before writing.
        public var pausePerMille: UInt32
        public var flaw: LockService.Flaw?

        public init(seed: UInt64 = 1, clients: Int = 4, jobsPerClient: Int = 6, ttl: SimDuration = .milliseconds(1000),
                    pause: SimDuration = .milliseconds(2500), fencing: Bool = true, faults: FaultPlan.Kinds = .all,
                    pausePerMille: UInt32 = 250, flaw: LockService.Flaw? = nil) {
            self.seed = seed
            self.clients = clients
            self.jobsPerClient = jobsPerClient
            self.ttl = ttl
            self.pause = pause
            self.fencing = fencing
            self.faults = faults
            self.pausePerMille = pausePerMille
            self.flaw = flaw
        }
    }

    struct ActResult {
        var auditor: LockAuditor
        var violation: InvariantViolation?
        var jobsDone = 0
        var jobsLost = 0
        var results: [String: Int] = [:]
        var expired = 0
        var timeouts = 0
        var crashes: UInt64 = 0
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.header(demo: "distributed-lock", seed: options.seed, settings: [
            ("clients", JSONValue(options.clients)), ("jobsPerClient", JSONValue(options.jobsPerClient)),
            ("ttlMs", JSONValue(options.ttl.milliseconds)), ("pauseMs", JSONValue(options.pause.milliseconds)),
            ("fencing", .bool(options.fencing)), ("faults", .string(faultNames(options.faults))),
            ("pausePerMille", JSONValue(options.pausePerMille)), ("flaw", .string(options.flaw?.rawValue ?? "none")),
        ])
        timeline.note("Nodes: n0 lock service, n1..n\(options.clients) clients, n\(options.clients + 1) storage. "
            + "Leases are judged by the service's clock; a client trusts its own, from when it asked.")
        var violation: InvariantViolation?
        var findings: [(String, JSONValue)] = []
        for fencing in [true, false] {
            timeline.section("Act \(fencing ? 1 : 2): GC pause past the lease, fencing \(fencing ? "ON" : "OFF")")
            let act = runAct(options, jobs: kleppmannJobs(options), fencing: fencing, faults: .none,
                             network: .reliable, timeline: timeline)
            violation = violation ?? act.violation
            let verdict = act.auditor.corruptions.isEmpty
                ? "stale write rejected (\(act.auditor.rejectedWrites) rejected); data intact"
                : "CORRUPTED: " + act.auditor.corruptions.joined(separator: "; ")
            timeline.note((fencing ? "With fencing: " : "Without fencing: ") + verdict)
            findings.append(("act \(fencing ? 1 : 2) (fencing \(fencing ? "on" : "off"))", .string(verdict)))
        }
        timeline.section("Act 3: random workload, seed \(options.seed), faults \(faultNames(options.faults))")
        var rng = SeededRNG(seed: options.seed).stream(7)
        let jobs = randomJobs(options, rng: &rng)
        let plan = FaultPlan.random(kinds: options.faults, nodeCount: options.clients + 2, start: .zero + .milliseconds(500),
                                    end: .zero + .seconds(12), meanGap: .seconds(2), maxOutage: .milliseconds(1500),
                                    maxDown: 1, baseline: .unreliable, rng: &rng)
        let act3 = runAct(options, jobs: jobs, fencing: options.fencing, faults: plan, network: .unreliable, timeline: nil)
        violation = violation ?? act3.violation
        printAct3(act3, options: options, timeline: timeline)
        timeline.summary(findings + [
            ("random act", .string("\(act3.auditor.grants) grants, \(act3.jobsDone) jobs done, \(act3.jobsLost) lost with crashed clients")),
            ("fenced off", .string("\(act3.auditor.rejectedWrites) stale writes rejected in the random act"
                + (options.fencing ? "" : ", \(act3.auditor.corruptions.count) corruptions (fencing off)"))),
            ("invariants", .string(violation == nil
                ? "held: never two conflicting live leases (service clock); tokens only grow; "
                    + "fenced storage never took a lower token; every job of a live client finished"
                : "BROKEN")),
            ("caveat", .string("leases are safe only by the service's clock; a paused or drifting client "
                + "is stopped by fencing, not by its lease")),
        ])
        return DemoOutcome(violation: violation)
    }

    static func faultNames(_ kinds: FaultPlan.Kinds) -> String {
        let names = [(FaultPlan.Kinds.crash, "crash"), (.partition, "partition"), (.drop, "drop")]
            .filter { kinds.contains($0.0) }.map(\.1)
        return names.isEmpty ? "none" : names.joined(separator: ",")
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
