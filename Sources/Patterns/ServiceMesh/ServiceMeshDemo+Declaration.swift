import Simulation

extension ServiceMeshDemo.Options {
    public static var defaults: Self { Self() }
}

/// The service-mesh demo as the CLI offers it: every parameter, its range and its help.
extension ServiceMeshDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "service-mesh",
            title: "Sidecars with timeouts, retries, a retry budget, outlier ejection and a circuit breaker.",
            story: """
                A client calls edge -> A -> B -> C through sidecars while C degrades (one slow \
                replica, then a full outage, then recovery). Four sidecar configurations face the \
                same requests: the retry storm (up to (1+retries)^3 requests at C per client \
                request) and its absence under a retry budget. The budget is checked from its \
                specification against the retries the sidecars were seen to send.
                """,
            examples: [
                "demo service-mesh",
                "demo service-mesh --max-retries 2 --budget-percent 10",
                "demo service-mesh --variant never-refuses",
                "check service-mesh --seeds 1..300",
            ],
            parameters: [
                .integer("replicas", \.replicas, in: 2...16, help: "Replicas per service."),
                // 1,000 requests a second for 10 s at most: the worst corner then runs in about a
                // second (2,000 for 20 s took 3.4 s, too slow for 200 random settings in CI).
                .integer("rate", \.rate, in: 1...1_000, help: "Client requests per second."),
                .integer("max-retries", \.maxRetries, in: 0...5, help: "Retries per call at each hop."),
                .integer("budget-percent", \.budgetPercent, in: 0...100,
                         help: "Retry budget: retries allowed as a percentage of requests, plus a floor per second."),
                .milliseconds("duration-ms", \.duration, in: 500...10_000, help: "Length of the request stream."),
                .optionalChoice("variant", \.variant, help: "Run a deliberately broken retry budget.").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("bounded tries", .safety,
                              "no call makes more than 1 + retries tries; no client request more than (1+retries)^3 at C"),
                DemoInvariant("retry budget", .safety,
                              "in every budget window a sidecar's retries stay within the floor plus the ratio of its calls"),
                DemoInvariant("circuit breaker", .safety, "a sidecar never has more tries in flight than its limit"),
                DemoInvariant("ejection cap", .safety, "outlier ejection never ejects more hosts than its cap"),
                DemoInvariant("exactly once", .safety, "no client request is answered twice"),
                DemoInvariant("every request answered", .liveness,
                              "every client request is answered within the edge's tries, timeouts and backoffs"),
            ],
            nodeCount: { 1 + 3 * $0.replicas },
            details: { options in
                let policy = configurations(options)[2].1
                return [("budget floor per second", JSONValue(policy.budgetMinPerSecond)),
                        ("budget window ms", JSONValue(policy.budgetWindow.milliseconds)),
                        ("per-try timeouts ms", .string(MeshRun.perTryTimeouts.map { "\($0.milliseconds)" }
                            .joined(separator: "/")))]
            },
            run: run)
    }
}
