/// The message-queue demo, in two acts on the simulator:
///
/// 1. A story with three competing consumers: one crashes after committing a message's
///    effect but before deleting it (the redelivery hits the dedupe table), another crashes
///    in the middle of processing (the message comes back after the visibility timeout and
///    is processed by someone else), and a poison message fails `maxReceiveCount` times and
///    lands in the dead-letter queue.
/// 2. A seeded random run (more consumers and messages, slow consumers that overrun the
///    visibility timeout, crashes of any node, partitions, message loss) for `check`.
///
/// Every report goes through the `QueueAuditor`; a broken invariant ends the run.
///
/// Simplifications: see `QueueBroker`, `QueueConsumer`, `EffectStore`.
import Simulation

public enum MessageQueueDemo {
    public struct Options: Sendable {
        public var seed: UInt64
        public var consumers: Int
        public var messages: Int
        public var visibilityTimeout: SimDuration
        public var maxReceiveCount: Int
        public var poisonPerMille: UInt32
        public var faults: FaultPlan.Kinds
        public var flaw: EffectStore.Flaw?

        public init(seed: UInt64 = 1, consumers: Int = 4, messages: Int = 40, visibilityTimeout: SimDuration = .seconds(1),
                    maxReceiveCount: Int = 3, poisonPerMille: UInt32 = 50, faults: FaultPlan.Kinds = .all,
                    flaw: EffectStore.Flaw? = nil) {
            self.seed = seed
            self.consumers = consumers
            self.messages = messages
            self.visibilityTimeout = visibilityTimeout
            self.maxReceiveCount = maxReceiveCount
            self.poisonPerMille = poisonPerMille
            self.faults = faults
            self.flaw = flaw
        }
    }

    /// One act's plan: who, what, which faults, and whether to stage the two crashes.
    struct Act {
        var consumers: Int
        var messages: [QueuedMessage]
        var settings: QueueConsumer.Settings
        var faults: FaultPlan
        var network: NetworkConditions
        var staged: Bool
    }

    struct ActResult {
        var auditor: QueueAuditor
        var violation: InvariantViolation?
        var balance = 0
        var deadLetters: [QueuedMessage] = []
        var crashes: UInt64 = 0
        var end: SimTime = .zero
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.header(demo: "message-queue", seed: options.seed, settings: [
            ("consumers", JSONValue(options.consumers)), ("messages", JSONValue(options.messages)),
            ("visibilityTimeoutMs", JSONValue(options.visibilityTimeout.milliseconds)),
            ("maxReceiveCount", JSONValue(options.maxReceiveCount)), ("poisonPerMille", JSONValue(options.poisonPerMille)),
            ("faults", .string(faultNames(options.faults))), ("flaw", .string(options.flaw?.rawValue ?? "none")),
        ])
        timeline.note("Queue semantics of SQS: receive hides a message for the visibility timeout; only a "
            + "delete with the latest receipt removes it; after maxReceiveCount receives it goes to the "
            + "dead-letter queue. Consumers dedupe by message id in the same transaction as the effect.")
        timeline.section("Act 1: three consumers, two crashes, one poison message")
        let story = runAct(options, act: storyAct(options), timeline: timeline)
        printDeadLetters(story, timeline: timeline)
        timeline.section("Act 2: random run, seed \(options.seed), faults \(faultNames(options.faults))")
        var rng = SeededRNG(seed: options.seed).stream(11)
        let random = runAct(options, act: randomAct(options, rng: &rng), timeline: nil)
        printStats(random, options: options, timeline: timeline)
        let violation = story.violation ?? random.violation
        timeline.summary([
            ("act 1", .string(actLine(story))),
            ("act 2", .string(actLine(random))),
            ("invariants", .string(violation == nil
                ? "held: every effect applied once though delivered more often; nothing lost; "
                    + "every poison message dead-lettered; ledger balance matches"
                : "BROKEN")),
        ])
        return DemoOutcome(violation: violation)
    }

    static func actLine(_ r: ActResult) -> String {
        let a = r.auditor
        return "\(a.deliveries) deliveries (\(a.redeliveries) redeliveries), \(a.dedupeHits) dedupe hits, "
            + "\(r.deadLetters.count) dead-lettered (\(a.healthyDeadLettered) healthy), balance \(r.balance), "
            + "done at \(r.end)"
    }

    static func faultNames(_ kinds: FaultPlan.Kinds) -> String {
        let names = [(FaultPlan.Kinds.crash, "crash"), (.partition, "partition"), (.drop, "drop")]
            .filter { kinds.contains($0.0) }.map(\.1)
        return names.isEmpty ? "none" : names.joined(separator: ",")
    }

    static func storyAct(_ options: Options) -> Act {
        let messages = (1...10).map { QueuedMessage(id: $0, amount: 10 * $0, poison: $0 == 4) }
        let settings = QueueConsumer.Settings(processMin: .milliseconds(150), processMax: .milliseconds(350),
                                              slowPerMille: 0, slowBy: .zero, failureBackoff: .milliseconds(200))
        return Act(consumers: 3, messages: messages, settings: settings, faults: .none, network: .reliable, staged: true)
    }

    static func randomAct(_ options: Options, rng: inout SeededRNG) -> Act {
        let messages = (1...options.messages).map {
            QueuedMessage(id: $0, amount: 1 + Int(rng.below(100)), poison: rng.chance(perMille: options.poisonPerMille))
        }
        let visibility = options.visibilityTimeout
        let settings = QueueConsumer.Settings(processMin: visibility / 10, processMax: visibility * 2 / 5,
                                              slowPerMille: 60, slowBy: visibility, failureBackoff: visibility / 5)
        let plan = FaultPlan.random(kinds: options.faults, nodeCount: options.consumers + 2, start: .zero + .milliseconds(300),
                                    end: .zero + .seconds(10), meanGap: .milliseconds(1500), maxOutage: .seconds(1),
                                    maxDown: 1, baseline: .unreliable, rng: &rng)
        return Act(consumers: options.consumers, messages: messages, settings: settings, faults: plan,
                   network: .unreliable, staged: false)
    }
}
