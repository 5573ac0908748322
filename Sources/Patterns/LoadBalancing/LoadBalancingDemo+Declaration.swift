import Simulation

extension LoadBalancingDemo.Options {
    public static var defaults: Self { Self() }
}

/// The load-balancing demo as the CLI offers it: every parameter, its range and its help.
extension LoadBalancingDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "load-balancer",
            title: "Round robin, random, least-conn, power of two choices and a hash ring under bursts.",
            story: """
                Replays one bursty open-loop stream through five balancing policies against \
                backends of different speeds, one of which crashes, and prints p50/p99 latency and \
                the longest queue per policy; then the balls-into-bins table of two choices.
                """,
            examples: [
                "demo load-balancer",
                "demo load-balancer --seed 7 --base-rate 2000 --faults none",
                "demo load-balancer --inject '1s crash n0' --inject '1.2s restart n0'",
                "check load-balancer --seeds 1..300 --bins-exponent 3",
            ],
            parameters: [
                .integer("backends", \.backends, in: 3...64, help: "Backends; a quarter fast, a quarter slow."),
                .milliseconds("duration-ms", \.duration, in: 100...20_000, help: "Length of the arrival stream."),
                .integer("base-rate", \.baseRate, in: 1...10_000, help: "Arrival rate between bursts, requests per second."),
                .integer("burst-rate", \.burstRate, in: 1...10_000, help: "Arrival rate during bursts, requests per second."),
                .milliseconds("timeout-ms", \.timeout, in: 1...10_000, help: "The balancer's per-request deadline."),
                .faults(\.faults, offers: .crash, story: false,
                        help: "crash: one backend crashes mid-run (the seed picks which and when)."),
                .integer("bins-exponent", \.binsExponent, in: 2...6,
                         help: "The balls-into-bins table goes up to n = 10^this."),
            ],
            invariants: [
                DemoInvariant("exactly once", .safety, "no request ends twice (completed or timed out)"),
                DemoInvariant("accounting", .safety, "the balancer's in-flight count per backend equals its pending requests"),
                DemoInvariant("affinity", .safety, "under the hash ring a request goes to its key's owner among healthy backends"),
                DemoInvariant("every request ends", .liveness,
                              "every request completes or times out by the stream's end plus the deadline"),
            ],
            injections: \.injected,
            nodeCount: { $0.backends + 1 },
            details: { options in
                [("nodes", .string("n0 balancer, n1..n\(options.backends) backends")),
                 ("bins max n", JSONValue(BallsIntoBins.largest(exponent: options.binsExponent)))]
            },
            run: run)
    }
}
