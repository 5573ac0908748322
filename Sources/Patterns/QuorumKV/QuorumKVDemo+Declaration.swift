import Simulation

extension QuorumKVDemo.Options {
    public static var defaults: Self { Self() }

    /// `--delay MIN-MAX` in milliseconds.
    var delayRange: (min: UInt64, max: UInt64) {
        get { (delayMin.milliseconds, delayMax.milliseconds) }
        set { (delayMin, delayMax) = (.milliseconds(newValue.min), .milliseconds(newValue.max)) }
    }

    /// `--tail PERMILLE:MS`.
    var tail: (perMille: UInt32, ms: UInt64) {
        get { (tailPerMille, tailMax.milliseconds) }
        set { (tailPerMille, tailMax) = (newValue.perMille, .milliseconds(newValue.ms)) }
    }
}

/// The quorum-kv demo as the CLI offers it: every parameter, its range and its help.
extension QuorumKVDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "quorum-kv",
            title: "Dynamo-style quorum store: siblings vs last-writer-wins, stale partial quorums.",
            story: """
                A cart edited on both sides of a partition keeps both additions as siblings and \
                loses one under last-writer-wins. Then reads t ms after a put measure how often \
                partial quorums (R+W<=N) return stale data; R+W>N rows are checked for zero. \
                Last, four clients add to three carts at once under the seed's faults.
                """,
            examples: [
                "demo quorum-kv",
                "demo quorum-kv --r 1 --w 1 --delay 1-50 --tail 100:200",
                "check quorum-kv --seeds 1..300 --faults all",
            ],
            parameters: [
                .integer("nodes", \.nodes, in: 5...9, help: "Servers in the cluster."),
                .integer("n", \.n, in: 1...5, help: "Replicas per key."),
                .integer("r", \.r, in: 1...5, help: "Replies a get waits for; more than --n counts as --n."),
                .integer("w", \.w, in: 1...5, help: "Acknowledgements a put waits for; more than --n counts as --n."),
                .flag("sloppy", \.sloppy, help: "Sloppy quorum: fallback nodes' answers count toward R and W."),
                .choice("resolve", \.resolution,
                        help: "Concurrent versions: siblings (kept, client merges) or lww (last writer wins)."),
                .faults(\.faults, offers: .all, story: false,
                        help: "Faults drawn from the seed for the staleness and busy-cart runs."),
                .integer("ops", \.ops, in: 7...2_000, help: "Reads per quorum configuration in the staleness measurement."),
                .custom("delay", \.delayRange, valueName: "min-max", syntax: "MIN-MAX ms, 0 <= MIN <= MAX <= 1000",
                        samples: ["0-0", "0-1000", "1000-1000"], parse: parseDelay,
                        format: { .string("\($0.min)-\($0.max)") }, help: "One-way message delay range (uniform)."),
                .custom("tail", \.tail, valueName: "permille:ms", syntax: "PERMILLE:MS, each 0...1000",
                        samples: ["0:0", "1000:0", "0:1000", "1000:1000"], parse: parseTail,
                        format: { .string("\($0.perMille):\($0.ms)") },
                        help: "Slow tail: with these odds a message takes up to MS more."),
            ],
            invariants: [
                DemoInvariant("read sees every write acknowledged before it began", .safety,
                              "with R+W>N and a strict quorum, a get returns every put acknowledged before it"),
                DemoInvariant("acknowledged put is on W disks", .safety, "a put is acknowledged only once W disks hold it"),
                DemoInvariant("acknowledged writes are durable", .safety, "at every crash and at the end some disk holds every acknowledged put"),
                DemoInvariant("no acknowledged addition is lost", .safety, "with siblings, every acknowledged cart addition survives"),
                DemoInvariant("hints are handed back", .liveness,
                              "every hint reaches its home replica within a horizon computed from the delays and timeouts"),
            ],
            nodeCount: { $0.nodes },
            details: { options in
                let policy = options.configuredPolicy
                return [
                    ("quorum", .string(policy.label)),
                    ("fallback-ms", JSONValue(policy.fallbackAfter.milliseconds)),
                    ("timeout-ms", JSONValue(policy.timeout.milliseconds)),
                    ("settle-ms", JSONValue(KVCluster.settleTime(policy, options.network).milliseconds)),
                ]
            },
            run: run)
    }

    static func parseDelay(_ text: String) -> (min: UInt64, max: UInt64)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low <= high, high <= 1_000 else { return nil }
        return (low, high)
    }

    static func parseTail(_ text: String) -> (perMille: UInt32, ms: UInt64)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let odds = UInt32(parts[0]), let ms = UInt64(parts[1]), odds <= 1_000, ms <= 1_000
        else { return nil }
        return (odds, ms)
    }
}
