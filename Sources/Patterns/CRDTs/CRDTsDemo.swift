import Simulation

/// The CRDT demo: replicas of one state-based CRDT (Shapiro et al. 2011) accept updates while
/// partitioned on a lossy network, one of them crashes and restarts from disk, the partition
/// heals, and periodic anti-entropy (full states, or delta groups as in Almeida et al. 2018,
/// Algorithm 2) brings every replica to the same state. The run is repeated with the other
/// shipping mode, on the same seed, to compare the bytes each needs to converge.
///
/// Simplifications:
/// - The comparison run replays the same fault plan and update schedule; background updates
///   are drawn from the state a replica holds at that moment, so they may differ slightly.
public enum CRDTsDemo {
    public enum Story: String, CaseIterable, Sendable {
        case counter, orset, lww, mv, text
    }

    public struct Options: Sendable {
        public var seed: UInt64
        public var story: Story
        public var replicas: Int
        public var deltas: Bool
        /// Background updates on top of the scripted ones; nil: the story's default.
        public var updates: Int?

        public init(seed: UInt64 = 1, story: Story = .orset, replicas: Int = 4, deltas: Bool = true,
                    updates: Int? = nil) {
            self.seed = seed
            self.story = story
            self.replicas = replicas
            self.deltas = deltas
            self.updates = updates
        }
    }

    public static let replicaRange = 2...16
    public static let updateRange = 0...500

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        switch options.story {
        case .counter: tell(CounterStory(), options, timeline)
        case .orset: tell(CartStory(), options, timeline)
        case .lww: tell(StatusStory(), options, timeline)
        case .mv: tell(TitleStory(), options, timeline)
        case .text: tell(NotesStory(), options, timeline)
        }
    }

    static func tell<S: DemoStory>(_ story: S, _ options: Options, _ timeline: Timeline) -> DemoOutcome {
        var rng = SeededRNG(seed: options.seed).stream(7)
        let scenario = Scenario(replicas: options.replicas, rng: &rng)
        let updates = options.updates ?? story.defaultUpdates
        header(story, options, scenario, updates, timeline)
        timeline.section("Timeline")
        let main: Outcome<S.Data>
        let other: Outcome<S.Data>
        // A quiet run prints no events: skip rendering values for them.
        let events = timeline.quiet ? nil : timeline
        if options.deltas {
            main = simulate(story, DeltaShipping.self, scenario, updates, options.seed, events)
            other = simulate(story, FullStateShipping.self, scenario, updates, options.seed, nil)
        } else {
            main = simulate(story, FullStateShipping.self, scenario, updates, options.seed, events)
            other = simulate(story, DeltaShipping.self, scenario, updates, options.seed, nil)
        }
        let report = Report(story: story, scenario: scenario, options: options, timeline: timeline)
        report.print(main: main, other: other)
        if let violation = main.violation ?? other.violation { return DemoOutcome(violation: violation) }
        return .passed
    }

    private static func header<S: DemoStory>(_ story: S, _ options: Options, _ scenario: Scenario,
                                             _ updates: Int, _ timeline: Timeline) {
        let crash: JSONValue = scenario.crashVictim.map { .string("n\($0)") } ?? "none"
        timeline.header(demo: "crdt", seed: options.seed, settings: [
            ("type", .string(options.story.rawValue)),
            ("replicas", JSONValue(options.replicas)),
            ("deltas", .string(options.deltas ? "on" : "off")),
            ("updates", JSONValue(updates)),
            ("gossip", .string("\(DeltaShipping.gossipPeriod.milliseconds)ms±25%")),
            ("network", "drop 100‰ dup 20‰ delay 1-20ms tail 200ms"),
            ("partition", .string("\(sideText(scenario.sideA))|\(sideText(scenario.sideB))")),
            ("partitionAt", .string("\(scenario.partitionAt.nanoseconds / 1_000_000)ms")),
            ("healAt", .string("\(scenario.healAt.nanoseconds / 1_000_000)ms")),
            ("crash", crash),
            ("deadline", .string("heal+\((scenario.deadline - scenario.healAt).milliseconds)ms")),
        ])
        timeline.note("Story: " + story.title + ".")
        let plan = scenario.faults.faults.map { "\($0.at.nanoseconds / 1_000_000)ms \($0.fault)" }
        timeline.note("Fault plan: " + plan.joined(separator: "; ") + ".")
    }

    static func sideText(_ side: [NodeID]) -> String {
        "{" + side.map { "n\($0)" }.joined(separator: ",") + "}"
    }

    /// What one run produced, with its shipping mode's name.
    struct Outcome<Data: ReplicatedData> {
        var mode: String
        var violation: InvariantViolation?
        var beforeHeal: [Data]
        var final: [Data]
        var convergedAt: SimTime?
        var bytesToConverge: Int
        var messagesToConverge: Int
        /// Bytes per second shipped once converged and settled, when there is nothing new.
        var idleBytesPerSecond: Int
        var updatesApplied: Int
        var updatesLost: Int
        var inflationChecks: Int
        var sent: UInt64
        var dropped: UInt64
        var duplicated: UInt64
    }

    static func simulate<S: DemoStory, P: ShippingPolicy>(
        _ story: S, _ policy: P.Type, _ scenario: Scenario, _ updates: Int, _ seed: UInt64, _ timeline: Timeline?
    ) -> Outcome<S.Data> {
        let run = ConvergenceRun<S, P>(story: story, scenario: scenario, updates: updates, seed: seed, timeline: timeline)
        let r = run.run()
        return Outcome(
            mode: P.shipsDeltas ? "delta groups" : "full state", violation: r.violation,
            beforeHeal: r.beforeHeal, final: r.final, convergedAt: r.convergedAt,
            bytesToConverge: r.bytesToConverge, messagesToConverge: r.messagesToConverge,
            idleBytesPerSecond: r.convergedAt == nil ? 0
                : r.bytesIdle * 1000 / Int((scenario.cooldown / 2).milliseconds),
            updatesApplied: r.updatesApplied, updatesLost: r.updatesLost, inflationChecks: r.inflationChecks,
            sent: r.stats?.messagesSent ?? 0, dropped: r.stats?.messagesDropped ?? 0,
            duplicated: r.stats?.messagesDuplicated ?? 0)
    }
}
