import Simulation

extension PBFTDemo.Options {
    public static var defaults: Self { Self() }
}

/// The PBFT demo as the CLI offers it: every parameter, its range and its help.
extension PBFTDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "bft",
            title: "PBFT: 3f+1 replicas agree despite f Byzantine ones; view changes replace a bad primary.",
            story: """
                Castro & Liskov's Practical Byzantine Fault Tolerance: pre-prepare, prepare, commit; \
                checkpoints with watermarks; view changes with prepared certificates. Faulty \
                replicas equivocate, lie or stay silent. With --faulty above f the demo shows the \
                safety break the theory predicts and exits 0.
                """,
            examples: [
                "demo bft",
                "demo bft --f 2 --byzantine lie --faults all",
                "demo bft --faulty 2",
                "demo bft --faults none --inject '200ms isolate n1' --inject '900ms heal'",
            ],
            parameters: [
                .integer("f", \.f, in: 1...3, help: "Faults tolerated; n = 3f+1 replicas."),
                .choice("byzantine", \.behaviour, help: "Behaviour of the faulty replicas."),
                .custom("faulty", \.faulty, valueName: "n", syntax: "0...9, at most 3f",
                        samples: ["0", "3"], parse: { Int($0).flatMap { (0...9).contains($0) ? $0 : nil } },
                        format: { $0.map { JSONValue($0) } ?? "f" },
                        help: "Faulty replicas: a number, or f for as many as tolerated (none with --byzantine none); above f shows the predicted break."),
                .integer("clients", \.clients, in: 1...6, help: "Clients, each sending its requests one at a time."),
                .integer("requests", \.requestsPerClient, in: 1...200, help: "Requests per client."),
                .integer("checkpoint-interval", \.checkpointInterval, in: 2...64,
                         help: "Checkpoint interval K; the log window L is 2K."),
                .custom("misbehave-from", \.misbehaveFromSeq, valueName: "seq", syntax: "0...1200",
                        samples: ["0", "1200"], parse: { Int($0).flatMap { (0...1200).contains($0) ? $0 : nil } },
                        format: { $0.map { JSONValue($0) } ?? "drawn" },
                        help: "Sequence number from which faulty replicas misbehave, or drawn (from the seed)."),
                .faults(\.faults, offers: [.partition, .drop], story: false,
                        help: "Network faults drawn from the seed (replicas do not crash)."),
            ],
            invariants: [
                DemoInvariant("agreement", .safety, "correct replicas execute the same request at every sequence number"),
                DemoInvariant("order", .safety, "a correct replica executes sequence numbers in order"),
                DemoInvariant("client results", .safety, "every accepted result is the agreed order's"),
                DemoInvariant("every request accepted", .liveness,
                              "with at most f faulty replicas, every request gets f+1 matching replies"),
            ],
            injections: \.injections,
            nodeCount: { 3 * $0.f + 1 + $0.clients },
            details: details,
            validate: validate,
            run: run)
    }

    static func validate(_ options: Options) -> String? {
        if let faulty = options.faulty, faulty > 3 * options.f {
            return "--faulty must be at most 3f = \(3 * options.f), not \(faulty)"
        }
        for scheduled in options.injections {
            switch scheduled.fault {
            case .crash, .restart:
                return "--inject '\(FaultScript.text(scheduled))': bft models no crashes (a replica is correct or "
                    + "Byzantine); it takes partition, isolate, heal, delay and cut"
            default: continue
            }
        }
        return nil
    }

    static func details(_ options: Options) -> [(String, JSONValue)] {
        var rng = SeededRNG(seed: options.seed).stream(7)
        let config = makeConfig(options, rng: &rng)
        var planRNG = SeededRNG(seed: options.seed).stream(8)
        let plan = drawNetworkFaults(options, nodeCount: config.replicas + options.clients, rng: &planRNG)
        let horizon = BFTHorizon(options: options, config: config, plan: plan)
        return [
            ("n", JSONValue(config.replicas)),
            ("faulty-replicas", .string(config.faulty.isEmpty ? "none" : config.faulty.map { "n\($0)" }.joined(separator: ","))),
            ("log-window", JSONValue(config.logWindow)),
            ("misbehave-from-seq", JSONValue(config.misbehaveFromSeq)),
            ("fault-window-ms", JSONValue(options.faultWindow.milliseconds)),
            ("view-change-timeout-ms", JSONValue(config.viewChangeTimeout.milliseconds)),
            ("horizon-ms", JSONValue(horizon.end.nanoseconds / 1_000_000)),
        ]
    }
}
