import Simulation

/// `dsadvisor demo event-log`: a Kafka-style replicated, partitioned log (Kreps, Narkhede &
/// Rao, NetDB 2011; Kafka's replication design with leader epochs, KIP-101/KIP-320) with an
/// idempotent producer and a consumer group doing exactly-once read-process-write (KIP-98,
/// KIP-447). A partition leader and a consumer crash mid-stream, another consumer becomes a
/// zombie; the run shows the election, the ISR shrinking and growing back, the old leader
/// truncating its divergent tail, rebalances and fencing, then checks the output: every
/// acknowledged record exactly once, in order. The same seed is then replayed at-least-once
/// for contrast.
///
/// Simplifications: see the headers of `Broker`, `Controller`, `GroupCoordinator`,
/// `OutputSink`, `Producer` and `Consumer`.
public enum EventLogDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var brokers = 3
        public var partitions = 3
        public var consumers = 3
        public var records = 150
        public var delivery = EventLogConfig.Delivery.exactlyOnce
        public var acks = EventLogConfig.Acks.all
        /// `story`: the scripted crashes, the stall and the third scene; `none`: no faults;
        /// named kinds or `all`: faults drawn from the seed instead of the script.
        public var faults = FaultMode.story
        public var lossPerMille: UInt32 = 20
        /// Replays the seed at-least-once and reports what that would have output.
        public var contrast = true

        func config(delivery: EventLogConfig.Delivery) -> EventLogConfig {
            // Keys land on partitions unevenly, drawn from the seed: a realistic, lumpy workload.
            var rng = SeededRNG(seed: seed).stream(0x9A27)
            let spread = (0..<records).map { _ in Int(rng.below(UInt64(partitions))) }
            return EventLogConfig(brokers: brokers, partitions: partitions, consumers: consumers,
                                  minInsyncReplicas: min(2, brokers), delivery: delivery, recordPartitions: spread,
                                  acks: acks)
        }

        var network: NetworkConditions {
            NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(5),
                              dropPerMille: lossPerMille, duplicatePerMille: lossPerMille / 2)
        }
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let config = options.config(delivery: options.delivery)
        timeline.note("Brokers n0..n\(config.brokers - 1), controller+coordinator+sink n\(config.controller),"
            + " idempotent producer n\(config.producer) (id \(Producer.producerID)), consumers "
            + config.consumerIDs.map { "n\($0)" }.joined(separator: ",") + ". Every partition on every broker."
            + " The controller is a designated node standing in for the KRaft quorum; it is never crashed.")
        let drawn = EventLogFaults.draw(options.faults, config: config, network: options.network, seed: options.seed)
        timeline.announce(drawn)
        printPlan(drawn.plan, config: config, on: timeline)
        timeline.section("run")
        let scripted = options.faults == .story
        let run = EventLogRun(config: config, seed: options.seed, network: options.network, scripted: scripted,
                              plan: drawn.plan, timeline: timeline, duplicatesAreViolations: true)
        let violation = run.execute()
        printTables(run, timeline)
        var contrastDuplicates: Int?
        if options.contrast && options.delivery == .exactlyOnce {
            let silent = Timeline(format: timeline.format, quiet: true) { _ in }
            let replay = EventLogRun(config: options.config(delivery: .atLeastOnce), seed: options.seed,
                                     network: options.network, scripted: scripted, plan: drawn.plan, timeline: silent,
                                     duplicatesAreViolations: false)
            _ = replay.execute()
            contrastDuplicates = replay.checker.duplicates
        }
        timeline.summary(summary(run, options: options, contrast: contrastDuplicates, violation: violation))
        return DemoOutcome(violation: violation, shortfall: run.shortfall)
    }

    private static func printPlan(_ plan: FaultPlan, config: EventLogConfig, on timeline: Timeline) {
        guard !plan.faults.isEmpty else { return }
        timeline.section("random fault plan (drawn from the seed; the controller n\(config.controller) and the"
            + " producer n\(config.producer) are never crashed)")
        for fault in plan.faults {
            timeline.note("  at \(fault.at): \(fault.fault)")
        }
    }

    private static func printTables(_ run: EventLogRun, _ timeline: Timeline) {
        guard let (controller, _, sink) = run.controlPlane else { return }
        let checker = run.checker
        let rows: [[JSONValue]] = controller.states.map { state in
            let p = state.partition
            let leaderHW = state.leader.flatMap { run.broker($0) }?.replicas[p].highWatermark
            let ends = run.config.brokerIDs.map { id in run.broker(id).map { "\($0.logs[p].endOffset)" } ?? "down" }
            return [.string("p\(p)"), .string(state.leader.map { "n\($0)" } ?? "none"), JSONValue(state.leaderEpoch),
                    .string(state.isrText), leaderHW.map { JSONValue($0) } ?? .null, .string(ends.joined(separator: "/")),
                    JSONValue(checker.acked[p].count), JSONValue(sink.outputs[p].count)]
        }
        timeline.table("Partitions at the end", columns: ["partition", "leader", "epoch", "isr", "hw",
                                                          "log ends n0/n1/..", "acked", "output"], rows: rows)
    }

    private static func summary(_ run: EventLogRun, options: Options, contrast: Int?,
                                violation: InvariantViolation?) -> [(String, JSONValue)] {
        let checker = run.checker
        let acked = checker.acked.map(\.count).reduce(0, +)
        let committed = checker.truth.map(\.count).reduce(0, +)
        let output = checker.outputsChecked.reduce(0, +)
        var rows: [(String, JSONValue)] = [
            ("records produced", JSONValue(options.records)),
            ("records acknowledged", JSONValue(acked)),
            ("records committed", JSONValue(committed)),
            ("output records", JSONValue(output)),
            ("output duplicates", JSONValue(checker.duplicates)),
        ]
        if let (controller, group, sink) = run.controlPlane, let producer = run.producer {
            rows += [
                ("leader elections", JSONValue(controller.elections)),
                ("ISR changes", JSONValue(controller.isrChanges)),
                ("divergent tails truncated", JSONValue(run.truncated)),
                ("producer retries", JSONValue(producer.retries)),
                ("producer refusals", JSONValue(producer.refused)),
                ("duplicates deduped by the broker", JSONValue(run.dedupes)),
                ("rebalances", JSONValue(group.rebalances)),
                ("group generation", JSONValue(group.generation)),
                ("zombie commits fenced", JSONValue(sink.fenced)),
                ("stale retries refused", JSONValue(sink.rejectedStale)),
            ]
        }
        if let contrast {
            // Same seed, outputs then auto-committed offsets.
            rows.append(("at-least-once duplicate outputs", JSONValue(contrast)))
        }
        rows += [
            ("events", JSONValue(run.sim.stats.events)),
            ("messages", JSONValue(run.sim.stats.messagesSent)),
            ("messages dropped", JSONValue(run.sim.stats.messagesDropped)),
            ("ended ms", JSONValue(run.sim.now.nanoseconds / 1_000_000)),
            ("invariants", .string(violation.map { "BROKEN: \($0.invariant)" }
                ?? (run.shortfall != nil ? "safety held; the run ended at its horizon before settling"
                    : "held: committed history immutable, no acked write lost, output exactly once in order"))),
        ]
        return rows
    }
}
