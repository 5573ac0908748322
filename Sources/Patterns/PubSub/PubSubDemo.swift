/// The pub-sub demo, in two acts on the simulator:
///
/// 1. A story: a producer publishes to three topics; four subscribers fan out over them. One
///    subscriber crashes with consumed-but-uncommitted messages and, restarted, sees exactly
///    those again; the broker crashes and resends from the committed offsets (logs are
///    durable); a burst of message loss causes redeliveries that the subscribers filter; one
///    subscriber replays a topic from an earlier offset.
/// 2. A seeded random run (random subscriptions, crashes of any node, partitions, loss) for
///    `check`.
///
/// Every report goes through the `DeliveryAuditor`; a broken invariant ends the run.
///
/// Simplifications: see `TopicBroker`, `Publisher`, `Subscriber`.
import Simulation

public enum PubSubDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var subscribers = 4
        public var messagesPerTopic = 20
        public var window = 8
        public var ackTimeout = SimDuration.milliseconds(400)
        public var ackEvery = 4
        public var faults = FaultMode.drawn(.all)
        public var brokerFlaw: TopicBroker.Flaw?
        public var subscriberFlaw: Subscriber.Flaw?
    }

    struct Act {
        var subscriptions: [[Int]]
        var faults: FaultPlan
        var network: NetworkConditions
        /// (time, subscriber node, topic, offset) of each seek.
        var seeks: [(at: SimDuration, node: NodeID, topic: Int, offset: Int)]
        /// The swarm configuration the faults were drawn from, with `--faults all`.
        var swarm = DrawnFaults.none
    }

    struct ActResult {
        var auditor: DeliveryAuditor
        var violation: InvariantViolation?
        /// A subscription that had not consumed everything by the act's horizon.
        var shortfall: InvariantViolation?
        var rewinds = 0
        var crashes: UInt64 = 0
        var end: SimTime = .zero
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.note("n0 broker (durable logs, committed offsets), n1 producer, n2.. subscribers. A duplicate "
            + "is a message the application consumes at an offset it already consumed; allowed only in the "
            + "incarnation after a crash (offsets consumed but not yet committed) or after a seek.")
        timeline.section("Act 1: fan-out, a subscriber crash, a broker crash, message loss, a replay")
        let story = runAct(options, act: storyAct(options), timeline: timeline)
        printStreams(story, title: "Act 1 per subscription", timeline: timeline)
        timeline.section("Act 2: random run, seed \(options.seed), faults \(options.faults)")
        var rng = SeededRNG(seed: options.seed).stream(13)
        let act = randomAct(options, rng: &rng)
        timeline.announce(act.swarm)
        let random = runAct(options, act: act, timeline: nil)
        printStreams(random, title: "Act 2 per subscription", timeline: timeline)
        let violation = story.violation ?? random.violation
        let shortfall = story.shortfall ?? random.shortfall
        timeline.summary(actRows(story, act: 1) + actRows(random, act: 2) + [
            ("invariants", .string(violation != nil ? "BROKEN"
                : shortfall != nil ? "safety held; not every message was seen within the horizon"
                : "held: every subscriber saw every message of its topics in publish order; duplicates "
                    + "only after a crash or a seek; lost acks caused redeliveries, never duplicates")),
        ])
        return DemoOutcome(violation: violation, shortfall: shortfall)
    }

    /// An act's figures, one number per row.
    static func actRows(_ r: ActResult, act: Int) -> [(String, JSONValue)] {
        let views = r.auditor.views.flatMap { $0 }.filter(\.subscribed)
        let complete = r.auditor.views.map { row in
            row.enumerated().filter { t, v in v.subscribed && v.hwm == r.auditor.published[t].count }.count
        }.reduce(0, +)
        return [
            ("act \(act) subscriptions complete", JSONValue(complete)),
            ("act \(act) subscriptions", JSONValue(views.count)),
            ("act \(act) end ms", JSONValue(r.end.nanoseconds / 1_000_000)),
            ("act \(act) duplicates after crashes", JSONValue(views.reduce(0) { $0 + $1.crashDuplicates })),
            ("act \(act) replayed", JSONValue(views.reduce(0) { $0 + $1.replays })),
            ("act \(act) redeliveries filtered", JSONValue(views.reduce(0) { $0 + $1.wireDuplicates })),
            ("act \(act) rewinds", JSONValue(r.rewinds)),
        ]
    }

    static func storyAct(_ options: Options) -> Act {
        let patterns: [[Int]] = [[0, 1], [0], [1, 2], [0, 1, 2]]
        let subs = (0..<options.subscribers).map { patterns[$0 % patterns.count] }
        // The second subscriber crashes; with a single subscriber, that one (node 3 would not exist).
        let crashed = 1 + min(options.subscribers, 2)
        var lossy = NetworkConditions.reliable
        lossy.dropPerMille = 300
        let plan = FaultPlan([
            ScheduledFault(at: .zero + .milliseconds(600), .crash(crashed)),
            ScheduledFault(at: .zero + .milliseconds(1300), .restart(crashed)),
            ScheduledFault(at: .zero + .milliseconds(1500), .crash(0)),
            ScheduledFault(at: .zero + .milliseconds(1800), .restart(0)),
            ScheduledFault(at: .zero + .milliseconds(2000), .network(lossy)),
            ScheduledFault(at: .zero + .milliseconds(2600), .network(.reliable)),
        ])
        let replayer = 1 + min(options.subscribers, 4)
        return Act(subscriptions: subs, faults: plan, network: .reliable,
                   seeks: [(.milliseconds(3200), replayer, 0, 3)])
    }

    static func randomAct(_ options: Options, rng: inout SeededRNG) -> Act {
        let subs: [[Int]] = (0..<options.subscribers).map { _ in
            let mask = 1 + Int(rng.below(7))
            return (0..<3).filter { mask & (1 << $0) != 0 }
        }
        let window = FaultWindow(start: .zero + .milliseconds(200), end: .zero + .seconds(6), meanGap: .seconds(1),
                                 maxOutage: .milliseconds(800), maxDown: 1, baseline: .unreliable)
        let drawn = FaultPlan.draw(options.faults, nodeCount: options.subscribers + 2, window: window, rng: &rng)
        let plan = drawn.plan
        let node = 2 + Int(rng.below(UInt64(options.subscribers)))
        let seek = (at: SimDuration.random(in: .milliseconds(500), .seconds(4), using: &rng), node: node,
                    topic: subs[node - 2][0], offset: Int(rng.below(5)))
        return Act(subscriptions: subs, faults: plan, network: .unreliable, seeks: [seek], swarm: drawn)
    }
}
