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
    public struct Options: Sendable {
        public var seed: UInt64
        public var brokers: Int
        public var partitions: Int
        public var consumers: Int
        public var records: Int
        public var delivery: EventLogConfig.Delivery
        public var acks: EventLogConfig.Acks
        public var faults: Bool
        public var lossPerMille: UInt32
        /// Replays the seed at-least-once and reports what that would have output.
        public var contrast: Bool

        public init(seed: UInt64 = 1, brokers: Int = 3, partitions: Int = 3, consumers: Int = 3, records: Int = 150,
                    delivery: EventLogConfig.Delivery = .exactlyOnce, acks: EventLogConfig.Acks = .all,
                    faults: Bool = true, lossPerMille: UInt32 = 20, contrast: Bool = true) {
            self.seed = seed
            self.brokers = brokers
            self.partitions = partitions
            self.consumers = consumers
            self.records = records
            self.delivery = delivery
            self.acks = acks
            self.faults = faults
            self.lossPerMille = lossPerMille
            self.contrast = contrast
        }

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
        timeline.header(demo: "event-log", seed: options.seed, settings: [
            ("brokers", JSONValue(options.brokers)), ("partitions", JSONValue(options.partitions)),
            ("consumers", JSONValue(options.consumers)), ("records", JSONValue(options.records)),
            ("delivery", .string(options.delivery.rawValue)), ("acks", .string(options.acks.rawValue)),
            ("min.insync", JSONValue(config.minInsyncReplicas)),
            ("replica.lag.max", .string("\(config.replicaLagMax.milliseconds)ms")),
            ("session.timeout", .string("\(config.sessionTimeout.milliseconds)ms")),
            ("faults", .bool(options.faults)), ("loss", .string("\(options.lossPerMille)‰")),
            ("contrast", .bool(options.contrast)),
        ])
        timeline.note("Brokers n0..n\(config.brokers - 1), controller+coordinator+sink n\(config.controller),"
            + " idempotent producer n\(config.producer) (id \(Producer.producerID)), consumers "
            + config.consumerIDs.map { "n\($0)" }.joined(separator: ",") + ". Every partition on every broker."
            + " The controller is a designated node standing in for the KRaft quorum; it is never crashed.")
        timeline.section("run")
        let run = EventLogRun(config: config, seed: options.seed, network: options.network, faults: options.faults,
                              timeline: timeline, duplicatesAreViolations: true)
        let violation = run.execute()
        printTables(run, timeline)
        var contrastDuplicates: Int?
        if options.contrast && options.delivery == .exactlyOnce {
            let silent = Timeline(format: timeline.format, quiet: true) { _ in }
            let replay = EventLogRun(config: options.config(delivery: .atLeastOnce), seed: options.seed,
                                     network: options.network, faults: options.faults, timeline: silent,
                                     duplicatesAreViolations: false)
            _ = replay.execute()
            contrastDuplicates = replay.checker.duplicates
        }
        timeline.summary(summary(run, options: options, contrast: contrastDuplicates, violation: violation))
        return DemoOutcome(violation: violation)
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
            ("records", .string("\(options.records) produced, \(acked) acknowledged (acks=\(options.acks.rawValue)), \(committed) committed")),
            ("output", .string("\(output) records, \(checker.duplicates) duplicates, gaps none"
                + (violation == nil ? "" : " checked until the violation"))),
        ]
        if let (controller, group, sink) = run.controlPlane, let producer = run.producer {
            rows += [
                ("failover", .string("\(controller.elections) leader elections, \(controller.isrChanges) ISR changes"
                    + " by AlterPartition, \(run.truncated) divergent tails truncated")),
                ("producer", .string("\(producer.retries) retries, \(producer.refused) refusals, \(run.dedupes)"
                    + " duplicates deduped by the broker")),
                ("group", .string("\(group.rebalances) rebalances, generation \(group.generation), \(sink.fenced)"
                    + " zombie commits fenced, \(sink.rejectedStale) stale retries refused")),
            ]
        }
        if let contrast {
            rows.append(("at-least-once", .string("same seed, outputs then auto-committed offsets:"
                + " \(contrast) duplicate outputs")))
        }
        rows.append(("stats", .string("\(run.sim.stats.events) events, \(run.sim.stats.messagesSent) messages,"
            + " \(run.sim.stats.messagesDropped) dropped, ended at \(run.sim.now)")))
        rows.append(("invariants", .string(violation == nil
            ? "held: committed history immutable, no acked write lost, output exactly once in order"
            : "BROKEN: \(violation!.invariant)")))
        return rows
    }
}
