import ArgumentParser
import MessageQueue
import Simulation

/// `dsadvisor demo message-queue`: SQS-style queue, competing consumers, dead letters.
struct MessageQueueDemoCommand: DemoRunner {
    static let demoID = "message-queue"
    static let configuration = CommandConfiguration(
        commandName: "message-queue",
        abstract: "Work queue with visibility timeouts, a dead-letter queue and idempotent consumers.",
        discussion: """
            Act 1 stages a consumer crash after commit, one mid-message, and a poison message; \
            act 2 is a seeded random run with faults, checked for exactly-once effects.

            Examples:
              dsadvisor demo message-queue
              dsadvisor demo message-queue --seed 4 --consumers 6 --messages 100 --quiet
              dsadvisor check message-queue --seeds 1..300 --visibility-ms 500 --max-receive-count 2
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Consumers in act 2 (1...12).")
    var consumers = 4

    @Option(help: "Messages in act 2 (1...500).")
    var messages = 40

    @Option(help: "Visibility timeout in ms (100...30000).")
    var visibilityMs: UInt64 = 1000

    @Option(help: "Receives before a message goes to the dead-letter queue (1...20).")
    var maxReceiveCount = 3

    @Option(help: "Per mille of act 2's messages that are poison (0...1000).")
    var poisonPerMille: UInt32 = 50

    @Option(help: "Faults in act 2: \(FaultPlan.Kinds.names.joined(separator: ", ")).")
    var faults = "all"

    @Option(help: "Run a deliberately broken store: \(EffectStore.Flaw.allCases.map(\.rawValue).joined(separator: ", ")).")
    var flaw: String?

    func validate() throws {
        guard (1...12).contains(consumers) else { throw ValidationError("--consumers must be in 1...12") }
        guard (1...500).contains(messages) else { throw ValidationError("--messages must be in 1...500") }
        guard (100...30_000).contains(visibilityMs) else { throw ValidationError("--visibility-ms must be in 100...30000") }
        guard (1...20).contains(maxReceiveCount) else { throw ValidationError("--max-receive-count must be in 1...20") }
        guard poisonPerMille <= 1000 else { throw ValidationError("--poison-per-mille must be in 0...1000") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        if let flaw, EffectStore.Flaw(rawValue: flaw) == nil {
            throw ValidationError("--flaw must be one of \(EffectStore.Flaw.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = MessageQueueDemo.Options(
            seed: common.seed, consumers: consumers, messages: messages, visibilityTimeout: .milliseconds(visibilityMs),
            maxReceiveCount: maxReceiveCount, poisonPerMille: poisonPerMille, faults: FaultPlan.Kinds(name: faults) ?? .all,
            flaw: flaw.flatMap(EffectStore.Flaw.init(rawValue:)))
        return MessageQueueDemo.run(options, on: timeline)
    }
}
