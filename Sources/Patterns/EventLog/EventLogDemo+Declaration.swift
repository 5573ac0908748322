import Simulation

extension EventLogDemo.Options {
    public static var defaults: Self { Self() }
}

/// The event-log demo as the CLI offers it: every parameter, its range and its help.
extension EventLogDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "event-log",
            title: "Kafka-style log: ISR, leader epochs, idempotent producer, exactly-once group.",
            story: """
                A partition leader and a consumer crash mid-stream and another consumer stalls into a \
                zombie; the run shows the election, the ISR shrinking and growing back, the old leader \
                truncating its divergent tail, rebalances and fencing, then checks the output: every \
                acknowledged record exactly once, in order. The same seed is then replayed \
                at-least-once for contrast.
                """,
            examples: [
                "demo event-log",
                "demo event-log --seed 7 --partitions 4 --consumers 2 --loss 50",
                "demo event-log --delivery at-least-once",
                "demo event-log --acks 1",
            ],
            parameters: [
                .integer("brokers", \.brokers, in: 3...5, help: "Brokers; every partition is replicated on every broker."),
                .integer("partitions", \.partitions, in: 1...8, help: "Partitions."),
                .integer("consumers", \.consumers, in: 2...6, help: "Consumers in the group."),
                .integer("records", \.records, in: 10...2000, help: "Records the producer sends."),
                .choice("delivery", \.delivery,
                        help: "exactly-once (atomic outputs+offset) or at-least-once (outputs, then offsets: duplicates, which the exactly-once check must catch).").asBrokenVariant(),
                .choice("acks", \.acks, help: "all (wait for the ISR) or 1 (leader only: acknowledged writes can be lost).").asBrokenVariant(),
                .integer("loss", \.lossPerMille, in: 0...300, help: "Per-mille odds that a message is lost (duplicated: half that)."),
                .faults(\.faults, offers: .all, story: true,
                        help: "story: the scripted crashes, the stalled consumer and a third scene; none: no faults;"
                            + " crash, partition, drop (a mix) or all (swarm): faults drawn from the seed instead of"
                            + " the script (the controller and the producer are never crashed)."),
                .flag("no-contrast", \.contrast, setsTo: false, help: "Skip the at-least-once replay of the same seed."),
            ],
            invariants: [
                DemoInvariant("committed history is immutable", .safety, "a record below a high watermark never changes"),
                DemoInvariant("idempotent producer", .safety, "no producer sequence is committed twice in a partition"),
                DemoInvariant("no acknowledged write lost", .safety, "an acknowledged record is the committed one at its offset"),
                DemoInvariant("exactly-once output", .safety, "each partition's outputs are its committed offsets, in order, once"),
                DemoInvariant("every record acknowledged", .liveness,
                              "every record is acknowledged, committed and output before the horizon"),
            ],
            nodeCount: { $0.brokers + 2 + $0.consumers },
            details: { options in
                let config = options.config(delivery: options.delivery)
                return [
                    ("min-insync", JSONValue(config.minInsyncReplicas)),
                    ("replica-lag-max-ms", JSONValue(config.replicaLagMax.milliseconds)),
                    ("session-timeout-ms", JSONValue(config.sessionTimeout.milliseconds)),
                    ("horizon-ms", JSONValue(EventLogRun.horizon(config, lossPerMille: options.lossPerMille).milliseconds)),
                ]
            },
            run: run)
    }
}
