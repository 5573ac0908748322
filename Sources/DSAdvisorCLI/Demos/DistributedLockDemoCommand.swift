import ArgumentParser
import DistributedLock
import Simulation

/// `dsadvisor demo distributed-lock`: leases, fencing tokens, and the GC pause that breaks a
/// lock without them.
struct DistributedLockDemoCommand: DemoRunner {
    static let demoID = "distributed-lock"
    static let configuration = CommandConfiguration(
        commandName: "distributed-lock",
        abstract: "Lease-based lock with fencing tokens, readers-writer modes and FIFO waiters.",
        discussion: """
            Act 1 replays Kleppmann's GC-pause failure with fencing on (the stale write is \
            rejected), act 2 without (the storage is corrupted), act 3 runs a seeded random \
            workload with crashes, partitions and message loss under the invariant checker.

            Examples:
              dsadvisor demo distributed-lock
              dsadvisor demo distributed-lock --seed 9 --no-fencing --quiet
              dsadvisor check distributed-lock --seeds 1..300 --clients 6 --faults all
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Clients (2...8).")
    var clients = 4

    @Option(help: "Jobs per client in the random act (1...50).")
    var jobs = 6

    @Option(help: "Lease time-to-live in ms (100...10000).")
    var ttlMs: UInt64 = 1000

    @Option(help: "The GC pause of acts 1 and 2, in ms; longer than the TTL to break the lease (0...60000).")
    var pauseMs: UInt64 = 2500

    @Flag(help: "Turn fencing off in the random act (acts 1 and 2 always show both).")
    var noFencing = false

    @Option(help: "Faults in the random act: \(FaultPlan.Kinds.names.joined(separator: ", ")).")
    var faults = "all"

    @Option(help: "Per mille of random jobs that pause before writing (0...1000).")
    var pausePerMille: UInt32 = 250

    @Option(help: "Run a deliberately broken lock service: \(LockService.Flaw.allCases.map(\.rawValue).joined(separator: ", ")).")
    var flaw: String?

    func validate() throws {
        guard (2...8).contains(clients) else { throw ValidationError("--clients must be in 2...8") }
        guard (1...50).contains(jobs) else { throw ValidationError("--jobs must be in 1...50") }
        guard (100...10_000).contains(ttlMs) else { throw ValidationError("--ttl-ms must be in 100...10000") }
        guard pauseMs <= 60_000 else { throw ValidationError("--pause-ms must be in 0...60000") }
        guard pausePerMille <= 1000 else { throw ValidationError("--pause-per-mille must be in 0...1000") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        if let flaw, LockService.Flaw(rawValue: flaw) == nil {
            throw ValidationError("--flaw must be one of \(LockService.Flaw.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = DistributedLockDemo.Options(
            seed: common.seed, clients: clients, jobsPerClient: jobs, ttl: .milliseconds(ttlMs),
            pause: .milliseconds(pauseMs), fencing: !noFencing, faults: FaultPlan.Kinds(name: faults) ?? .all,
            pausePerMille: pausePerMille, flaw: flaw.flatMap(LockService.Flaw.init(rawValue:)))
        return DistributedLockDemo.run(options, on: timeline)
    }
}
