import ArgumentParser
import ReadReplicas
import Simulation

/// `dsadvisor demo read-replicas`: asynchronous replicas, stale reads, and session tokens.
struct ReadReplicasDemoCommand: DemoRunner {
    static let demoID = "read-replicas"
    static let configuration = CommandConfiguration(
        commandName: "read-replicas",
        abstract: "Async read replicas: replica lag, stale reads, and session tokens for RYW and monotonic reads.",
        discussion: """
            A primary ships its log to replicas of different speeds under write bursts while \
            one replica crashes. The same sessions read from the primary, from any replica, and \
            from any replica with an LSN session token; every read is checked against the log.
            Examples:
              dsadvisor demo read-replicas
              dsadvisor demo read-replicas --max-wait-ms 0 --write-per-mille 400
              dsadvisor check read-replicas --seeds 1..300
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Replicas (1...9); apply speeds cycle fast, medium, slow.")
    var replicas = 3

    @Option(help: "Client sessions (1...64).")
    var sessions = 12

    @Option(help: "Distinct keys (1...10000).")
    var keys = 50

    @Option(help: "Length of the run in ms (200...20000).")
    var durationMs: UInt64 = 2000

    @Option(help: "Writes per mille of operations (0...1000).")
    var writePerMille: UInt32 = 200

    @Option(help: "How long a replica holds a read for the log to catch up, in ms (0...1000); 0 redirects at once.")
    var maxWaitMs: UInt64 = 10

    @Flag(inversion: .prefixedNo, help: "Crash one replica mid-run (seed picks which and when).")
    var crash = true

    func validate() throws {
        guard (1...9).contains(replicas) else { throw ValidationError("--replicas must be in 1...9") }
        guard (1...64).contains(sessions) else { throw ValidationError("--sessions must be in 1...64") }
        guard (1...10_000).contains(keys) else { throw ValidationError("--keys must be in 1...10000") }
        guard (200...20_000).contains(durationMs) else { throw ValidationError("--duration-ms must be in 200...20000") }
        guard writePerMille <= 1000 else { throw ValidationError("--write-per-mille must be in 0...1000") }
        guard maxWaitMs <= 1000 else { throw ValidationError("--max-wait-ms must be in 0...1000") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        ReadReplicasDemo.run(ReadReplicasDemo.Options(
            seed: common.seed, replicas: replicas, sessions: sessions, keys: keys, durationMs: durationMs,
            writePerMille: writePerMille, maxWaitMs: maxWaitMs, crash: crash), on: timeline)
    }
}
