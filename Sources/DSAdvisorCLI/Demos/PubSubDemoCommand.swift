import ArgumentParser
import PubSub
import Simulation

/// `dsadvisor demo pub-sub`: durable topic logs, committed offsets, at-least-once fan-out.
struct PubSubDemoCommand: DemoRunner {
    static let demoID = "pub-sub"
    static let configuration = CommandConfiguration(
        commandName: "pub-sub",
        abstract: "Topics as durable logs, subscriber offsets, acks, redelivery, crash recovery and replay.",
        discussion: """
            Act 1 tells the story (subscriber crash, broker crash, message loss, replay); act 2 \
            is a seeded random run checked for order, completeness and when duplicates may appear.

            Examples:
              dsadvisor demo pub-sub
              dsadvisor demo pub-sub --seed 3 --subscribers 8 --messages 60 --quiet
              dsadvisor check pub-sub --seeds 1..300 --ack-every 1 --window 2
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Subscribers (1...10).")
    var subscribers = 4

    @Option(help: "Messages published to each of the three topics (1...500).")
    var messages = 20

    @Option(help: "Unacknowledged messages the broker pushes per subscription (1...100).")
    var window = 8

    @Option(help: "Broker's redelivery timeout in ms (50...10000).")
    var ackTimeoutMs: UInt64 = 400

    @Option(help: "A subscriber commits after this many messages, or 150 ms (1...100).")
    var ackEvery = 4

    @Option(help: "Faults in act 2: \(FaultPlan.Kinds.names.joined(separator: ", ")).")
    var faults = "all"

    @Option(help: "Run a deliberately broken component: commitsOnSend (broker), noCursorFilter (subscriber).")
    var flaw: String?

    func validate() throws {
        guard (1...10).contains(subscribers) else { throw ValidationError("--subscribers must be in 1...10") }
        guard (1...500).contains(messages) else { throw ValidationError("--messages must be in 1...500") }
        guard (1...100).contains(window) else { throw ValidationError("--window must be in 1...100") }
        guard (50...10_000).contains(ackTimeoutMs) else { throw ValidationError("--ack-timeout-ms must be in 50...10000") }
        guard (1...100).contains(ackEvery) else { throw ValidationError("--ack-every must be in 1...100") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        if let flaw, TopicBroker.Flaw(rawValue: flaw) == nil, Subscriber.Flaw(rawValue: flaw) == nil {
            throw ValidationError("--flaw must be commitsOnSend or noCursorFilter")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = PubSubDemo.Options(
            seed: common.seed, subscribers: subscribers, messagesPerTopic: messages, window: window,
            ackTimeout: .milliseconds(ackTimeoutMs), ackEvery: ackEvery, faults: FaultPlan.Kinds(name: faults) ?? .all,
            brokerFlaw: flaw.flatMap(TopicBroker.Flaw.init(rawValue:)),
            subscriberFlaw: flaw.flatMap(Subscriber.Flaw.init(rawValue:)))
        return PubSubDemo.run(options, on: timeline)
    }
}
