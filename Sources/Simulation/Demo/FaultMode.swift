/// What `--faults` asks of a demo, in one vocabulary for every demo that has nodes:
///
/// - `story`: the demo's own scripted faults, told as a story (only where the demo has one);
/// - `none`: no faults at all;
/// - `crash`, `partition`, `drop`, or a comma-separated mix: faults of those kinds in one steady,
///   gentle mix (a minority down at a time, short outages), drawn from the seed with
///   `FaultPlan.random`;
/// - `all`: swarm testing over every kind the demo offers: each seed first draws its own fault
///   configuration (`SwarmProfile`), majority crashes, second-long delays, one-way cuts and
///   crashes between a write and its reply included, then the faults.
public enum FaultMode: Equatable, Sendable, CustomStringConvertible {
    case story
    case drawn(FaultPlan.Kinds)
    case swarm(FaultPlan.Kinds)

    public static let none = FaultMode.drawn([])

    /// The kinds faults are drawn from; empty for a story.
    public var kinds: FaultPlan.Kinds {
        switch self {
        case .story: return []
        case .drawn(let kinds), .swarm(let kinds): return kinds
        }
    }

    public var description: String {
        switch self {
        case .story: return "story"
        case .swarm: return "all"
        case .drawn(let kinds):
            if kinds.isEmpty { return "none" }
            return FaultPlan.Kinds.single.filter { kinds.contains($0.kind) }.map(\.name).joined(separator: ",")
        }
    }

    /// Parses `text` against what a demo offers; nil when it asks for something else.
    public init?(_ text: String, offers: FaultPlan.Kinds, story: Bool) {
        switch text {
        case "story" where story: self = .story
        case "none": self = .none
        case "all" where !offers.isEmpty: self = .swarm(offers)
        default:
            var kinds: FaultPlan.Kinds = []
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let kind = FaultPlan.Kinds.single.first(where: { $0.name == name })?.kind,
                      offers.contains(kind) else { return nil }
                kinds.insert(kind)
            }
            guard !kinds.isEmpty else { return nil }
            self = .drawn(kinds)
        }
    }

    /// The words `--faults` accepts for a demo that offers `offers`.
    public static func names(offers: FaultPlan.Kinds, story: Bool) -> [String] {
        (story ? ["story"] : []) + ["none"] + FaultPlan.Kinds.single.filter { offers.contains($0.kind) }.map(\.name)
            + (offers.isEmpty ? [] : ["all"])
    }
}

extension FaultPlan.Kinds {
    /// Each kind with its name, in the order they are printed.
    public static let single: [(kind: FaultPlan.Kinds, name: String)] = [
        (.crash, "crash"), (.partition, "partition"), (.drop, "drop"),
    ]
}

extension DemoParameter {
    /// `--faults`, the same flag and words for every demo (see `FaultMode`).
    public static func faults(_ keyPath: WritableKeyPath<Options, FaultMode>, offers: FaultPlan.Kinds,
                              story: Bool, help: String) -> DemoParameter {
        let names = FaultMode.names(offers: offers, story: story)
        return DemoParameter(
            name: "faults", help: help, valueName: "kinds", values: names, samples: names,
            assign: { options, text in
                guard let mode = FaultMode(text, offers: offers, story: story) else {
                    return "must be one of \(names.joined(separator: ", ")) (or a comma-separated mix of kinds), not '\(text)'"
                }
                options[keyPath: keyPath] = mode
                return nil
            },
            render: { .string($0[keyPath: keyPath].description) })
    }
}
