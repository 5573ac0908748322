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

    /// How replicas ship state in the printed run; the other way is run for comparison.
    public enum Shipping: String, CaseIterable, Sendable {
        /// Delta groups with acknowledgements (Almeida et al. 2018, Algorithm 2).
        case on
        /// Whole states every round.
        case off
    }

    /// Deliberately broken replicas, for proving the checkers.
    public enum Variant: String, CaseIterable, Sendable {
        /// Replays each replica's own removes after every merge that brought news: a remove
        /// beats a concurrent add (OR-Set only; other types have no removes to replay).
        case removeWins = "remove-wins"
    }

    /// Measurements instead of the demo.
    public enum Experiment: String, CaseIterable, Sendable {
        /// Wall-clock time of large OR-Set joins, on the stopwatch the CLI hands in (`MergeBenchmark`).
        case mergeBenchmark = "merge-benchmark"
    }

    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var story = Story.orset
        public var replicas = 4
        public var deltas = Shipping.on
        /// Background updates on top of the scripted ones; nil: the story's default.
        public var updates: Int?
        public var variant: Variant?
        public var experiment: Experiment?
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        if options.experiment == .mergeBenchmark {
            // Nothing is simulated, so there is nothing to judge: the figures are the result.
            guard let stopwatch = timeline.stopwatch else {
                timeline.noteNoStopwatch("dsadvisor demo crdt --experiment merge-benchmark")
                return .passed
            }
            MergeBenchmark.run(timeline, stopwatch: stopwatch)
            return .passed
        }
        switch options.story {
        case .counter: return tell(CounterStory(), options, timeline)
        case .orset: return tell(CartStory(), options, timeline)
        case .lww: return tell(StatusStory(), options, timeline)
        case .mv: return tell(TitleStory(), options, timeline)
        case .text: return tell(NotesStory(), options, timeline)
        }
    }

    static func tell<S: DemoStory>(_ story: S, _ options: Options, _ timeline: Timeline) -> DemoOutcome {
        var rng = SeededRNG(seed: options.seed).stream(7)
        let scenario = Scenario(replicas: options.replicas, rng: &rng)
        let updates = options.updates ?? story.defaultUpdates
        notes(story, scenario, timeline)
        timeline.section("Timeline")
        let main: (outcome: Outcome<S.Data>, story: S)
        let other: (outcome: Outcome<S.Data>, story: S)
        // A quiet run prints no events: skip rendering values for them.
        let events = timeline.quiet ? nil : timeline
        let v = options.variant
        if options.deltas == .on {
            main = simulate(story, DeltaShipping.self, scenario, updates, options.seed, events, v)
            other = simulate(story, FullStateShipping.self, scenario, updates, options.seed, nil, v)
        } else {
            main = simulate(story, FullStateShipping.self, scenario, updates, options.seed, events, v)
            other = simulate(story, DeltaShipping.self, scenario, updates, options.seed, nil, v)
        }
        // The epilogue reads what the printed run's story recorded (the LWW writes, say).
        let report = Report(story: main.story, scenario: scenario, options: options, timeline: timeline)
        report.print(main: main.outcome, other: other.outcome)
        return DemoOutcome(violation: main.outcome.violation ?? other.outcome.violation,
                           shortfall: main.outcome.shortfall ?? other.outcome.shortfall)
    }

    private static func notes<S: DemoStory>(_ story: S, _ scenario: Scenario, _ timeline: Timeline) {
        timeline.note("Story: " + story.title + ".")
        let plan = scenario.faults.faults.map { "\($0.at.nanoseconds / 1_000_000)ms \($0.fault)" }
        timeline.note("Fault plan: " + plan.joined(separator: "; ") + ".")
    }

    /// The header's settings that follow from the seed: the partition, the crash, the horizon.
    static func details(_ options: Options) -> [(String, JSONValue)] {
        var rng = SeededRNG(seed: options.seed).stream(7)
        let scenario = Scenario(replicas: options.replicas, rng: &rng)
        return [
            ("background-updates", JSONValue(options.updates ?? defaultUpdates(options.story))),
            ("gossip-ms", JSONValue(DeltaShipping.gossipPeriod.milliseconds)),
            ("network", "drop 100‰ dup 20‰ delay 1-20ms tail 200ms"),
            ("partition", .string("\(sideText(scenario.sideA))|\(sideText(scenario.sideB))")),
            ("partition-at-ms", JSONValue(scenario.partitionAt.nanoseconds / 1_000_000)),
            ("heal-at-ms", JSONValue(scenario.healAt.nanoseconds / 1_000_000)),
            ("crash", scenario.crashVictim.map { .string("n\($0)") } ?? "none"),
            ("horizon-after-heal-ms", JSONValue((scenario.deadline - scenario.healAt).milliseconds)),
        ]
    }

    static func defaultUpdates(_ story: Story) -> Int {
        switch story {
        case .counter: CounterStory().defaultUpdates
        case .orset: CartStory().defaultUpdates
        case .lww: StatusStory().defaultUpdates
        case .mv: TitleStory().defaultUpdates
        case .text: NotesStory().defaultUpdates
        }
    }

    static func sideText(_ side: [NodeID]) -> String {
        "{" + side.map { "n\($0)" }.joined(separator: ",") + "}"
    }

    /// What one run produced, with its shipping mode's name.
    struct Outcome<Data: ReplicatedData> {
        var mode: String
        var violation: InvariantViolation?
        var shortfall: InvariantViolation?
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
        _ story: S, _ policy: P.Type, _ scenario: Scenario, _ updates: Int, _ seed: UInt64, _ timeline: Timeline?,
        _ variant: Variant?
    ) -> (outcome: Outcome<S.Data>, story: S) {
        let run = ConvergenceRun<S, P>(story: story, scenario: scenario, updates: updates, seed: seed, timeline: timeline,
                                       variant: variant)
        let r = run.run()
        let outcome = Outcome<S.Data>(
            mode: P.shipsDeltas ? "delta groups" : "full state", violation: r.violation, shortfall: r.shortfall,
            beforeHeal: r.beforeHeal, final: r.final, convergedAt: r.convergedAt,
            bytesToConverge: r.bytesToConverge, messagesToConverge: r.messagesToConverge,
            idleBytesPerSecond: r.convergedAt == nil ? 0
                : r.bytesIdle * 1000 / Int((scenario.cooldown / 2).milliseconds),
            updatesApplied: r.updatesApplied, updatesLost: r.updatesLost, inflationChecks: r.inflationChecks,
            sent: r.stats?.messagesSent ?? 0, dropped: r.stats?.messagesDropped ?? 0,
            duplicated: r.stats?.messagesDuplicated ?? 0)
        return (outcome, run.story)
    }
}
