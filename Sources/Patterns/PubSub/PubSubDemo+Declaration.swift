import Simulation

extension PubSubDemo.Options {
    public static var defaults: Self { Self() }
}

/// The pub-sub demo as the CLI offers it: every parameter, its range and its help.
extension PubSubDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "pub-sub",
            title: "Topics as durable logs, subscriber offsets, acks, redelivery, crash recovery and replay.",
            story: """
                Act 1 tells the story (subscriber crash, broker crash, message loss, replay); act 2 \
                is a seeded random run checked for order, completeness and when duplicates may appear.
                """,
            examples: [
                "demo pub-sub",
                "demo pub-sub --seed 3 --subscribers 8 --messages 60 --quiet",
                "check pub-sub --seeds 1..300 --ack-every 1 --window 2",
            ],
            parameters: [
                .integer("subscribers", \.subscribers, in: 1...10, help: "Subscribers."),
                .integer("messages", \.messagesPerTopic, in: 1...500, help: "Messages published to each of the three topics."),
                .integer("window", \.window, in: 1...100, help: "Unacknowledged messages the broker pushes per subscription."),
                .milliseconds("ack-timeout-ms", \.ackTimeout, in: 50...10_000, help: "Broker's redelivery timeout."),
                .integer("ack-every", \.ackEvery, in: 1...100, help: "A subscriber commits after this many messages, or 150 ms."),
                .faults(\.faults, offers: .all, story: false, help: "Faults in act 2."),
                .optionalChoice("broker-flaw", \.brokerFlaw, help: "Run a deliberately broken broker.").asBrokenVariant(),
                .optionalChoice("subscriber-flaw", \.subscriberFlaw, help: "Run a deliberately broken subscriber.").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("publish order", .safety, "each subscriber sees its topics' messages in publish order"),
                DemoInvariant("duplicates only after a crash", .safety,
                              "a message is consumed twice only after a crash or a seek"),
                DemoInvariant("commit only what was consumed", .safety, "a committed offset was consumed first"),
                DemoInvariant("every message seen", .liveness, "every subscriber consumes every message of its topics"),
            ],
            nodeCount: { $0.subscribers + 2 },
            details: { _ in [("topics", .string(Topics.names.joined(separator: ",")))] },
            run: run)
    }
}
