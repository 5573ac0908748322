import ArgumentParser
import ServiceMesh
import Simulation

/// `dsadvisor demo service-mesh`: sidecar timeouts, retries, retry budgets, ejection, breaking.
struct ServiceMeshDemoCommand: DemoRunner {
    static let demoID = "service-mesh"
    static let configuration = CommandConfiguration(
        commandName: "service-mesh",
        abstract: "Sidecars with timeouts, retries, a retry budget, outlier ejection and a circuit breaker.",
        discussion: """
            A client calls edge -> A -> B -> C through sidecars while C degrades (one slow \
            replica, then a full outage, then recovery). Four sidecar configurations face the \
            same requests: the retry storm (up to (1+retries)^3 requests at C per client \
            request) and its absence under a retry budget.
            Examples:
              dsadvisor demo service-mesh
              dsadvisor demo service-mesh --max-retries 2 --budget-percent 10
              dsadvisor check service-mesh --seeds 1..300
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Replicas per service (2...16).")
    var replicas = 3

    @Option(help: "Client requests per second (1...5000).")
    var rate: UInt64 = 300

    @Option(help: "Retries per call at each hop (0...5).")
    var maxRetries = 3

    @Option(help: "Retry budget: retries allowed as a percentage of requests (0...100), plus 10/s.")
    var budgetPercent = 20

    @Option(help: "Length of the request stream in ms (500...20000).")
    var durationMs: UInt64 = 3000

    func validate() throws {
        guard (2...16).contains(replicas) else { throw ValidationError("--replicas must be in 2...16") }
        guard (1...5000).contains(rate) else { throw ValidationError("--rate must be in 1...5000") }
        guard (0...5).contains(maxRetries) else { throw ValidationError("--max-retries must be in 0...5") }
        guard (0...100).contains(budgetPercent) else { throw ValidationError("--budget-percent must be in 0...100") }
        guard (500...20_000).contains(durationMs) else { throw ValidationError("--duration-ms must be in 500...20000") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        ServiceMeshDemo.run(ServiceMeshDemo.Options(
            seed: common.seed, replicas: replicas, rate: rate, maxRetries: maxRetries,
            budgetPercent: budgetPercent, durationMs: durationMs), on: timeline)
    }
}
