import Simulation

extension GossipDemo.Options {
    public static var defaults: Self { Self() }
}

/// The gossip demo as the CLI offers it: every parameter, its range and its help.
extension GossipDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "gossip",
            title: "SWIM membership: suspicion, refutation, piggybacked gossip, push-pull sync.",
            story: """
                The story (64 members) crashes members, isolates one for less than the suspicion \
                timeout (it refutes), splits the group for longer (each side confirms the other dead; \
                they rejoin after the heal) and restarts a crashed member. The scale experiment runs \
                1,000 members for 100 periods and compares detection and dissemination with the paper.
                """,
            examples: [
                "demo gossip",
                "demo gossip --experiment scale",
                "demo gossip --seed 9 --members 128 --faults all --drop 20",
                "check gossip --seeds 1..100 --drop 200",
            ],
            parameters: [
                .choice("experiment", \.experiment, help: "story, or scale (1,000 members, 100 periods).").asMode(),
                // 256 members and 300 periods at most: the worst corner then takes about 2 s a run
                // (1,000 members for 1,000 periods took minutes); scale's own 1,000 stays its auto.
                automatic("members", \.members, in: 4...256, help: "Members (auto: 64 for the story, 1000 for scale)."),
                .integer("periods", \.periods, in: 10...300, help: "Protocol periods to run at least."),
                automatic("kill", \.kill, in: 0...500,
                          help: "Members to crash, at most half of them (auto: 3 for the story, 10 for scale)."),
                .faults(\.faults, offers: .all, story: false, help: "Random faults drawn from the seed, periods 5 to 60."),
                .integer("drop", \.dropPerMille, in: 0...300, valueName: "per-mille",
                         help: "Baseline message loss, for the whole run."),
                .integer("k", \.indirectProbes, in: 0...8, help: "Members asked for an indirect probe."),
                .integer("lambda", \.lambda, in: 1...10, help: "Each update is piggybacked lambda * ceil(log2 n) times."),
                .integer("push-pull", \.pushPullPeriods, in: 1...100, help: "Periods between a member's push-pull exchanges."),
                .choice("variant", \.variant, help: "Protocol variant (dead-ignores-incarnation is deliberately broken).").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("no-death-after-refutation", .safety,
                              "no member holds m dead at an incarnation below one it was delivered m alive at"),
                DemoInvariant("no-false-death", .safety,
                              "a live member is confirmed dead only if it was down, cut off, or messages were being lost"),
                DemoInvariant("crashed members known", .liveness, "every live member holds every crashed member dead"),
                DemoInvariant("false deaths repaired", .liveness,
                              "a live member held dead is held alive again within the horizon"),
                DemoInvariant("store agreement", .liveness, "every live member holds the same store"),
            ],
            injections: \.injections,
            nodeCount: { $0.memberCount },
            details: details,
            run: run)
    }

    /// A count within `range`, or `auto` (nil) for the experiment's own.
    static func automatic(_ name: String, _ keyPath: WritableKeyPath<Options, Int?>, in range: ClosedRange<Int>,
                          help: String) -> DemoParameter<Options> {
        .custom(name, keyPath, valueName: "n", syntax: "auto or \(range.lowerBound)...\(range.upperBound)",
                samples: ["auto", "\(range.lowerBound)", "\(range.upperBound)"],
                parse: { text in
                    if text == "auto" { return .some(nil) }
                    return Int(text).flatMap { range.contains($0) ? .some($0) : nil }
                },
                format: { $0.map { JSONValue($0) } ?? "auto" }, help: help)
    }
}
