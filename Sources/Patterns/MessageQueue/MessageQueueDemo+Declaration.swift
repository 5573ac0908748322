import Simulation

extension MessageQueueDemo.Options {
    public static var defaults: Self { Self() }
}

/// The message-queue demo as the CLI offers it: every parameter, its range and its help.
extension MessageQueueDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "message-queue",
            title: "Work queue with visibility timeouts, a dead-letter queue and idempotent consumers.",
            story: """
                Act 1 stages a consumer crash after commit, one mid-message, and a poison message; \
                act 2 is a seeded random run with faults, checked for exactly-once effects.
                """,
            examples: [
                "demo message-queue",
                "demo message-queue --seed 4 --consumers 6 --messages 100 --quiet",
                "check message-queue --seeds 1..300 --visibility-ms 500 --max-receive-count 2",
            ],
            parameters: [
                .integer("consumers", \.consumers, in: 1...12, help: "Consumers in act 2."),
                .integer("messages", \.messages, in: 1...500, help: "Messages in act 2."),
                .milliseconds("visibility-ms", \.visibilityTimeout, in: 100...30_000,
                              help: "How long a received message stays hidden before it is redelivered."),
                .integer("max-receive-count", \.maxReceiveCount, in: 1...20,
                         help: "Receives before a message goes to the dead-letter queue."),
                .integer("poison-per-mille", \.poisonPerMille, in: 0...1000, help: "Per mille of act 2's messages that are poison."),
                .faults(\.faults, offers: .all, story: false, help: "Faults in act 2."),
                .optionalChoice("flaw", \.flaw, help: "Run a deliberately broken store.").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("effects once", .safety, "no message's effect is applied twice, and the ledger sums the applied ones"),
                DemoInvariant("no poison effect", .safety, "a poison message never changes the ledger"),
                DemoInvariant("delete after effect", .safety, "the queue forgets a message only after its effect is committed"),
                DemoInvariant("bounded redelivery", .safety, "no message is delivered more than max-receive-count times"),
                DemoInvariant("poison dead-lettered", .safety, "a poison message ends in the dead-letter queue, never done"),
                DemoInvariant("every message resolved", .liveness,
                              "every message is processed to completion or dead-lettered"),
            ],
            injections: \.injected,
            nodeCount: { $0.consumers + 2 },
            details: { _ in [("story-consumers", JSONValue(3))] },
            run: run)
    }
}
