import ArgumentParser
import Saga
import Simulation

/// `dsadvisor demo saga`: an orchestrated trip-booking saga with compensations, retries,
/// idempotency keys and a persisted saga log.
struct SagaDemoCommand: DemoRunner {
    static let demoID = "saga"
    static let configuration = CommandConfiguration(
        commandName: "saga",
        abstract: "Orchestrated saga: reverse compensations, retries, idempotency keys, saga log.",
        discussion: """
            A trip (flight, hotel, car, payment) booked by an orchestrator: one saga commits, one \
            is refused at each step in turn, a compensation is flaky, the orchestrator crashes \
            mid-saga and resumes from its log, a service outage exhausts an action's retries; \
            then a burst of concurrent sagas drawn from the seed. Invariants are checked live \
            against each participant's ledger.

            Examples:
              dsadvisor demo saga
              dsadvisor demo saga --seed 7 --faults all --drop 100 --dup 100
              dsadvisor demo saga --variant no-idempotency    (watch the checker catch it)
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Random faults from the seed: \(FaultPlan.Kinds.names.joined(separator: ", ")).")
    var faults = "none"

    @Option(help: "Concurrent sagas with seeded outcomes after the scripted story (0-50).")
    var burst = 4

    @Option(help: "Message loss, per mille (0-500).")
    var drop: UInt32 = 30

    @Option(help: "Message duplication, per mille (0-500).")
    var dup: UInt32 = 30

    @Option(help: "Odds a participant answers 503, per mille (0-500).")
    var transient: UInt32 = 30

    @Option(help: "Attempts per action before it is given up and compensated (1-10).")
    var actionAttempts = 4

    @Option(help: "Protocol variant: \(SagaVariant.allCases.map(\.rawValue).joined(separator: ", ")).")
    var variant = "correct"

    func validate() throws {
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        guard SagaVariant(rawValue: variant) != nil else {
            throw ValidationError("--variant must be one of \(SagaVariant.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...50).contains(burst) else { throw ValidationError("--burst must be in 0...50") }
        guard drop <= 500, dup <= 500, transient <= 500 else {
            throw ValidationError("--drop, --dup and --transient must be in 0...500")
        }
        guard (1...10).contains(actionAttempts) else { throw ValidationError("--action-attempts must be in 1...10") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = SagaDemo.Options(
            seed: common.seed, faults: FaultPlan.Kinds(name: faults) ?? [], burst: burst,
            dropPerMille: drop, duplicatePerMille: dup, transientErrorPerMille: transient,
            maxActionAttempts: actionAttempts, variant: SagaVariant(rawValue: variant) ?? .correct)
        return SagaDemo.run(options, on: timeline)
    }
}
