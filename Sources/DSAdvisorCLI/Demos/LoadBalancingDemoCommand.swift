import ArgumentParser
import LoadBalancing
import Simulation

/// `dsadvisor demo load-balancer`: balancing policies under a bursty open-loop workload.
struct LoadBalancingDemoCommand: DemoRunner {
    static let demoID = "load-balancer"
    static let configuration = CommandConfiguration(
        commandName: "load-balancer",
        abstract: "Round robin, random, least-conn, power of two choices and a hash ring under bursts.",
        discussion: """
            Replays one bursty open-loop stream through five balancing policies against \
            backends of different speeds, one of which crashes, and prints p50/p99 latency and \
            the longest queue per policy; then the balls-into-bins table of two choices.
            Examples:
              dsadvisor demo load-balancer
              dsadvisor demo load-balancer --seed 7 --base-rate 2000 --no-crash
              dsadvisor check load-balancer --seeds 1..300 --bins-exponent 3
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Number of backends (3...64); a quarter fast, a quarter slow.")
    var backends = 8

    @Option(help: "Length of the arrival stream in ms (100...20000).")
    var durationMs: UInt64 = 3000

    @Option(help: "Arrival rate between bursts, requests per second (1...100000).")
    var baseRate: UInt64 = 1500

    @Option(help: "Arrival rate during bursts, requests per second (1...100000).")
    var burstRate: UInt64 = 3500

    @Option(help: "Balancer's per-request deadline in ms (1...10000).")
    var timeoutMs: UInt64 = 250

    @Flag(inversion: .prefixedNo, help: "Crash one backend mid-run (seed picks which and when).")
    var crash = true

    @Option(help: "Balls-into-bins table goes up to n = 10^this (2...7).")
    var binsExponent = 6

    func validate() throws {
        guard (3...64).contains(backends) else { throw ValidationError("--backends must be in 3...64") }
        guard (100...20_000).contains(durationMs) else { throw ValidationError("--duration-ms must be in 100...20000") }
        guard (1...100_000).contains(baseRate), (1...100_000).contains(burstRate) else {
            throw ValidationError("--base-rate and --burst-rate must be in 1...100000")
        }
        guard (1...10_000).contains(timeoutMs) else { throw ValidationError("--timeout-ms must be in 1...10000") }
        guard (2...7).contains(binsExponent) else { throw ValidationError("--bins-exponent must be in 2...7") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        LoadBalancingDemo.run(LoadBalancingDemo.Options(
            seed: common.seed, backends: backends, durationMs: durationMs, baseRate: baseRate,
            burstRate: burstRate, timeoutMs: timeoutMs, crash: crash, binsExponent: binsExponent), on: timeline)
    }
}
