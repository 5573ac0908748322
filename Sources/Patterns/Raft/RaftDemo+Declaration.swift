import Simulation

extension RaftDemo.Options {
    public static var defaults: Self { Self() }
}

/// The Raft demo as the CLI offers it: every parameter, its range and its help.
extension RaftDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "raft",
            title: "Raft consensus: elections, log replication, snapshots, a linearizable key-value store.",
            story: """
                With --faults story (the default) the run tells a story: a leader is elected and commands \
                commit; the leader crashes and a new one is elected; the old leader restarts and catches up \
                (InstallSnapshot); the new leader is cut off, steps down (check quorum) while the others \
                elect a third, and rejoins without raising the term (PreVote). Other --faults words draw \
                faults from the seed; --inject adds scripted ones to either. Safety invariants are checked \
                after every step; the client history is checked for linearizability at the end.

                --experiment election-timeouts runs the paper's Figure 16 instead, on its own fixed setup.
                """,
            examples: [
                "demo raft",
                "demo raft --nodes 7 --faults all --seed 42 --history /tmp/h.jsonl",
                "demo raft --faults none --inject '1s crash n0' --inject '3s restart n0'",
                "demo raft --experiment election-timeouts",
                "check raft --seeds 1..1000 --ops 200 --faults all",
                "check raft --seeds 1..1000 --faults all --disk-write-ms 14",
            ],
            parameters: parameters,
            invariants: [
                DemoInvariant("election safety", .safety, "at most one leader per term"),
                DemoInvariant("log matching", .safety, "logs that agree on an index and term agree on everything before"),
                DemoInvariant("leader completeness", .safety, "a leader holds every entry committed in earlier terms"),
                DemoInvariant("state machine safety", .safety, "no two replicas apply different entries at an index"),
                DemoInvariant("linearizability", .safety, "the client history is linearizable (Wing & Gong search)"),
                DemoInvariant("convergence", .liveness,
                              "after the last fault every operation completes and the replicas converge"),
            ],
            injections: \.injections,
            nodeCount: { $0.experiment == nil ? $0.nodes : 5 },
            details: details,
            validate: validate,
            run: run)
    }

    static var parameters: [DemoParameter<Options>] {
        [
            .integer("nodes", \.nodes, in: 3...9, help: "Cluster size."),
            .integer("clients", \.clients, in: 1...32, help: "Concurrent client processes."),
            .integer("ops", \.operations, in: 1...10_000, help: "Client operations in the run."),
            .integer("keys", \.keys, in: 1...100, help: "Distinct keys the clients touch."),
            .faults(\.faults, offers: .all, story: true,
                    help: "The scripted story, or faults drawn from the seed (the steady mix keeps a majority up; all draws a swarm configuration per seed)."),
            .choice("reads", \.readMode, help: "How reads are made linearizable: through the log, or ReadIndex."),
            .flag("no-prevote", \.preVote, setsTo: false,
                  help: "Disable PreVote (a rejoining node may then disrupt the cluster)."),
            .flag("no-check-quorum", \.checkQuorum, setsTo: false,
                  help: "Disable CheckQuorum (a cut-off leader then lingers until it hears a higher term)."),
            .integer("snapshot-every", \.snapshotEvery, in: 4...100_000, also: [0],
                     help: "Snapshot after this many applied entries (0: never)."),
            .milliseconds("disk-write-ms", \.storage.writeLatency, in: 0...100,
                          help: "Time each disk write takes to become durable; candidates ask for votes meanwhile."),
            .optionalChoice("flaw", \.flaw, help: "Run a deliberately broken Raft.").asBrokenVariant(),
            .outputFile("history", \.historyPath,
                        help: "Write the client history (Jepsen convention, one JSON object per line) to this file."),
            .optionalChoice("experiment", \.experiment,
                            help: "Run an experiment instead of the demo: election-timeouts (the paper's Figure 16).").asMode(),
            .integer("trials", \.trials, in: 1...1_000, help: "Trials per timeout range for --experiment.").asMode(),
        ]
    }

    /// The most operations times disk milliseconds a run may ask for (see `validate`).
    static let maxOperationMilliseconds = 40_000

    /// The experiment runs its own fixed cluster, so the demo's settings would be silently
    /// ignored there, and `--trials` means nothing to the demo: both are refused.
    static func validate(_ options: Options) -> String? {
        let experimentOnly = ["experiment", "trials"]
        if options.experiment == nil {
            if options.trials != Options.defaults.trials { return "--trials is only used by --experiment election-timeouts" }
            // Each write waiting for a slow disk holds its own copy of the node's log, and writes
            // queue one behind another: many operations on a slow disk need memory that grows
            // with their product (8,000 operations at 70 ms took over 20 GB). Writes are not
            // grouped into one (group commit) in this simulator.
            let load = options.operations * Int(options.storage.writeLatency.milliseconds)
            return load <= maxOperationMilliseconds ? nil
                : "--ops × --disk-write-ms must be at most \(maxOperationMilliseconds) (each write waiting for the disk "
                    + "holds a copy of the log), not \(options.operations) × \(options.storage.writeLatency.milliseconds)"
        }
        var ignored = parameters.filter { !experimentOnly.contains($0.name) && $0.render(options) != $0.defaultValue }
            .map { "--\($0.name)" }
        if !options.injections.isEmpty { ignored.append("--inject") }
        guard !ignored.isEmpty else { return nil }
        return "--experiment election-timeouts runs its own fixed setup (5 nodes, 14 ms disk writes, the paper's "
            + "timeouts) and does not use \(ignored.joined(separator: ", "))"
    }

    static func details(_ options: Options) -> [(String, JSONValue)] {
        guard options.experiment == nil else { return RaftElectionExperiment.setup }
        let config = config(options)
        let workload = workload(options)
        let faultEnd = workload.start + workload.span
        let plan = faultPlan(options, end: faultEnd).plan
        let horizon = RaftHorizon(config: config, workload: workload, network: baseline, storage: storage(options),
                                  quietAfter: max(faultEnd, plan.faults.last?.at ?? .zero))
        return [
            ("heartbeat-ms", JSONValue(config.heartbeat.milliseconds)),
            ("election-timeout-ms", .string("\(config.electionTimeoutMin.milliseconds)-\(config.electionTimeoutMax.milliseconds)")),
            ("network-ms", .string("\(baseline.delayMin.milliseconds)-\(baseline.delayMax.milliseconds)")),
            ("liveness-patience-ms", JSONValue(horizon.patience.milliseconds)),
        ]
    }
}
