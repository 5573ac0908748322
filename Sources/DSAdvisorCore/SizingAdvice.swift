/// Cluster sizes for the number of simultaneous failures to survive, `f`.
///
/// - crash faults: N = 2f+1 and every decision needs a majority, f+1 (Raft, Paxos);
/// - Byzantine faults: N = 3f+1 and every decision needs 2f+1 (PBFT);
/// - leaderless quorums: N = 2f+1 replicas, and reads see the latest write when R+W > N.
public struct SizingAdvice: Sendable, Equatable {
    public struct Model: Sendable, Equatable {
        public var model: SizingModel
        public var nodes: Int
        public var quorum: Int
        /// For `.quorum`: (name, R, W) variants, majority first.
        public var variants: [(name: String, reads: Int, writes: Int)]
        public var formula: String
        public var lines: [String]

        public static func == (a: Model, b: Model) -> Bool {
            a.model == b.model && a.nodes == b.nodes && a.lines == b.lines
        }
    }

    /// Failures to survive.
    public var failures: Int
    /// True when `failures-tolerated` was not answered and f = 1 was assumed.
    public var assumed: Bool
    public var models: [Model]

    /// The most failures sizing reasons about: far beyond any real cluster, and small enough
    /// that 3f+1 cannot overflow.
    public static let failuresMax = 1_000

    /// f from the `failures-tolerated` answer: its leading number (`"2"`, `"3-plus"`); nil when
    /// there is none or it is above `failuresMax` (`validate` reports such an option).
    public static func failures(from answer: String?) -> Int? {
        guard let answer else { return nil }
        let digits = answer.prefix { $0.isNumber }
        return Int(digits).flatMap { (1...failuresMax).contains($0) ? $0 : nil }
    }

    public init(failures f: Int, assumed: Bool, models wanted: [SizingModel]) {
        failures = f
        self.assumed = assumed
        var seen: [SizingModel] = []
        for model in wanted where !seen.contains(model) { seen.append(model) }
        models = seen.map { SizingAdvice.model($0, f: f) }
    }

    static func model(_ model: SizingModel, f: Int) -> Model {
        switch model {
        case .crash:
            let n = 2 * f + 1
            return Model(model: .crash, nodes: n, quorum: f + 1, variants: [], formula: "N = 2f+1",
                         lines: ["crash faults: N = 2f+1 = \(n) nodes; each write needs a majority of \(f + 1); survives \(f) crashed node\(f == 1 ? "" : "s")"])
        case .byzantine:
            let n = 3 * f + 1
            return Model(model: .byzantine, nodes: n, quorum: 2 * f + 1, variants: [], formula: "N = 3f+1",
                         lines: ["Byzantine faults: N = 3f+1 = \(n) nodes; each decision needs \(2 * f + 1) matching votes; survives \(f) lying node\(f == 1 ? "" : "s")"])
        case .quorum:
            let n = 2 * f + 1
            let majority = f + 1
            let variants: [(name: String, reads: Int, writes: Int)] = [
                ("balanced", majority, majority), ("read-heavy", 1, n), ("write-heavy", n, 1),
            ]
            var lines = ["quorums: N = 2f+1 = \(n) replicas; reads see the latest write when R+W > N"]
            for v in variants {
                let note = switch v.name {
                case "read-heavy": "fast reads; a write needs every replica up"
                case "write-heavy": "fast writes; a read needs every replica up"
                default: "survives \(f) down replica\(f == 1 ? "" : "s") for reads and writes"
                }
                lines.append("  \(v.name.padded(12)) R=\(v.reads) W=\(v.writes)  (R+W=\(v.reads + v.writes) > \(n)): \(note)")
            }
            return Model(model: .quorum, nodes: n, quorum: majority, variants: variants, formula: "N = 2f+1, R+W > N", lines: lines)
        }
    }
}
