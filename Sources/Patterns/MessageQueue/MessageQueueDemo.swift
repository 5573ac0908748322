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
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var consumers = 4
        public var messages = 40
        public var visibilityTimeout = SimDuration.seconds(1)
        public var maxReceiveCount = 3
        public var poisonPerMille: UInt32 = 50
        public var faults = FaultMode.drawn(.all)
        /// Scripted faults (`--inject`), added to act 2's drawn faults.
        public var injected: [ScheduledFault] = []
        public var flaw: EffectStore.Flaw?
    }

    /// One act's plan: who, what, which faults, and whether to stage the two crashes.
    struct Act {
        var consumers: Int
        var messages: [QueuedMessage]
        var settings: QueueConsumer.Settings
        var faults: FaultPlan
        var network: NetworkConditions
        var staged: Bool
        /// The swarm configuration the faults were drawn from, with `--faults all`.
        var swarm = DrawnFaults.none
    }

    struct ActResult {
        var auditor: QueueAuditor
        var violation: InvariantViolation?
        /// A message still unresolved at the act's horizon.
        var shortfall: InvariantViolation?
        var balance = 0
        var deadLetters: [QueuedMessage] = []
        var crashes: UInt64 = 0
        var end: SimTime = .zero
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.note("Queue semantics of SQS: receive hides a message for the visibility timeout; only a "
            + "delete with the latest receipt removes it; after maxReceiveCount receives it goes to the "
            + "dead-letter queue. Consumers dedupe by message id in the same transaction as the effect.")
        timeline.section("Act 1: three consumers, two crashes, one poison message")
        let story = runAct(options, act: storyAct(options), timeline: timeline)
        printDeadLetters(story, timeline: timeline)
        timeline.section("Act 2: random run, seed \(options.seed), faults \(options.faults)")
        var rng = SeededRNG(seed: options.seed).stream(11)
        let act = randomAct(options, rng: &rng)
        timeline.announce(act.swarm)
        let random = runAct(options, act: act, timeline: nil)
        printStats(random, options: options, timeline: timeline)
        let violation = story.violation ?? random.violation
        let shortfall = story.shortfall ?? random.shortfall
        timeline.summary(actRows(story, act: 1) + actRows(random, act: 2) + [
            ("invariants", .string(violation != nil ? "BROKEN"
                : shortfall != nil ? "safety held; not every message was resolved within the horizon"
                : "held: every effect applied once though delivered more often; nothing lost; "
                    + "every poison message dead-lettered; ledger balance matches")),
        ])
        return DemoOutcome(violation: violation, shortfall: shortfall)
    }

    /// An act's figures, one number per row.
    static func actRows(_ r: ActResult, act: Int) -> [(String, JSONValue)] {
        let a = r.auditor
        return [
            ("act \(act) deliveries", JSONValue(a.deliveries)),
            ("act \(act) redeliveries", JSONValue(a.redeliveries)),
            ("act \(act) dedupe hits", JSONValue(a.dedupeHits)),
            ("act \(act) dead-lettered", JSONValue(r.deadLetters.count)),
            ("act \(act) dead-lettered healthy", JSONValue(a.healthyDeadLettered)),
            ("act \(act) balance", JSONValue(r.balance)),
            ("act \(act) done ms", JSONValue(r.end.nanoseconds / 1_000_000)),
        ]
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
        let window = FaultWindow(start: .zero + .milliseconds(300), end: .zero + .seconds(10), meanGap: .milliseconds(1500),
                                 maxOutage: .seconds(1), maxDown: 1, baseline: .unreliable)
        let drawn = FaultPlan.draw(options.faults, nodeCount: options.consumers + 2, window: window, rng: &rng)
        let plan = FaultPlan(drawn.plan.faults + options.injected)
        return Act(consumers: options.consumers, messages: messages, settings: settings, faults: plan,
                   network: .unreliable, staged: false, swarm: drawn)
    }
}
