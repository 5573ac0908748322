/// The advisor's knowledge base: questions, the pattern catalog, scoring rules, warnings and
/// sizing rules, exactly as `trees/FORMAT.md` describes them. Plain values, so the build can
/// write the default tree out as Swift literals and the binary never parses YAML to start.

/// Where something was written: a file and a 1-based line and column (Yams' `Mark`).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One answer a question accepts. (Not `Option`: that name belongs to ArgumentParser.)
public struct Choice: Sendable, Equatable {
    public var id: String
    public var label: String
    public var hint: String
    public var explain: String

    public init(id: String, label: String, hint: String = "", explain: String = "") {
        self.id = id
        self.label = label
        self.hint = hint
        self.explain = explain
    }
}

public struct Question: Sendable, Equatable {
    public var id: String
    public var prompt: String
    public var help: String
    public var choices: [Choice]
    /// A follow-up is asked only when this holds; nil means always asked.
    public var askIf: Condition?
    public var location: SourceLocation?

    public init(id: String, prompt: String, help: String = "", choices: [Choice],
                askIf: Condition? = nil, location: SourceLocation? = nil) {
        self.id = id
        self.prompt = prompt
        self.help = help
        self.choices = choices
        self.askIf = askIf
        self.location = location
    }

    public var isFollowUp: Bool { askIf != nil }

    public func choice(_ id: String) -> Choice? { choices.first { $0.id == id } }
}

public struct ProductionUse: Sendable, Equatable {
    public var system: String
    public var note: String

    public init(system: String, note: String) {
        self.system = system
        self.note = note
    }
}

public struct Reading: Sendable, Equatable {
    public var title: String
    public var authors: String
    public var year: Int?
    public var url: String

    public init(title: String, authors: String = "", year: Int? = nil, url: String = "") {
        self.title = title
        self.authors = authors
        self.year = year
        self.url = url
    }
}

/// A row of the design document's performance table.
public struct Performance: Sendable, Equatable {
    /// The characteristics in table order; also the names `--prioritize` accepts.
    public static let characteristics = ["consistency", "latency", "throughput", "scalability", "fault-tolerance"]
    public static let consistencyScale = ["strong", "causal", "eventual", "weak", "at-least-once", "variable", "n/a"]
    public static let latencyScale = ["very-low", "low", "medium", "high", "variable", "n/a"]
    public static let amountScale = ["very-low", "low", "medium", "high", "very-high", "variable", "n/a"]

    public static func scale(of characteristic: String) -> [String] {
        switch characteristic {
        case "consistency": consistencyScale
        case "latency": latencyScale
        default: amountScale
        }
    }

    public var consistency: String
    public var latency: String
    public var throughput: String
    public var scalability: String
    public var faultTolerance: String

    public init(consistency: String = "n/a", latency: String = "n/a", throughput: String = "n/a",
                scalability: String = "n/a", faultTolerance: String = "n/a") {
        self.consistency = consistency
        self.latency = latency
        self.throughput = throughput
        self.scalability = scalability
        self.faultTolerance = faultTolerance
    }

    public func value(of characteristic: String) -> String? {
        switch characteristic {
        case "consistency": consistency
        case "latency": latency
        case "throughput": throughput
        case "scalability": scalability
        case "fault-tolerance": faultTolerance
        default: nil
        }
    }

    /// `(name, value)` in table order.
    public var row: [(String, String)] {
        Performance.characteristics.map { ($0, value(of: $0) ?? "n/a") }
    }
}

/// Answers that must rank a pattern first: a test and a piece of documentation at once.
public struct Example: Sendable, Equatable {
    /// `(question id, choice id)` in the order written.
    public var answers: [(String, String)]
    public var location: SourceLocation?

    public init(answers: [(String, String)], location: SourceLocation? = nil) {
        self.answers = answers
        self.location = location
    }

    public static func == (a: Example, b: Example) -> Bool {
        a.answers.elementsEqual(b.answers, by: ==) && a.location == b.location
    }
}

public struct Pattern: Sendable, Equatable {
    public var id: String
    public var name: String
    public var category: String
    public var summary: String
    public var useWhen: [String]
    public var avoidWhen: [String]
    public var tradeoffs: [String]
    public var production: [ProductionUse]
    public var reading: [Reading]
    /// The demo registry id, or nil when the pattern has no demo.
    public var demo: String?
    public var performance: Performance
    public var examples: [Example]
    public var location: SourceLocation?

    public init(id: String, name: String, category: String, summary: String,
                useWhen: [String] = [], avoidWhen: [String] = [], tradeoffs: [String] = [],
                production: [ProductionUse] = [], reading: [Reading] = [], demo: String? = nil,
                performance: Performance = Performance(), examples: [Example] = [],
                location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.category = category
        self.summary = summary
        self.useWhen = useWhen
        self.avoidWhen = avoidWhen
        self.tradeoffs = tradeoffs
        self.production = production
        self.reading = reading
        self.demo = demo
        self.performance = performance
        self.examples = examples
        self.location = location
    }

    public static let categories = ["consensus", "replication", "partitioning", "messaging",
                                    "coordination", "resilience", "traffic"]
}

public struct Effect: Sendable, Equatable {
    /// The scores a rule may give: wide enough for any weighting, narrow enough that no sum of
    /// every rule in a knowledge base can overflow.
    public static let scoreRange = -1_000...1_000

    public var pattern: String
    public var score: Int
    public var reason: String

    public init(pattern: String, score: Int, reason: String) {
        self.pattern = pattern
        self.score = score
        self.reason = reason
    }
}

public struct Rule: Sendable, Equatable {
    public var id: String
    public var when: Condition
    public var effects: [Effect]
    public var location: SourceLocation?

    public init(id: String, when: Condition, effects: [Effect], location: SourceLocation? = nil) {
        self.id = id
        self.when = when
        self.effects = effects
        self.location = location
    }
}

public enum Severity: String, Sendable, CaseIterable {
    case info, caution, danger
}

/// A combination of answers that pulls in two directions, and what to give up.
public struct Caveat: Sendable, Equatable {
    public var id: String
    public var severity: Severity
    public var when: Condition
    public var message: String
    public var location: SourceLocation?

    public init(id: String, severity: Severity, when: Condition, message: String,
                location: SourceLocation? = nil) {
        self.id = id
        self.severity = severity
        self.when = when
        self.message = message
        self.location = location
    }
}

/// Which arithmetic the sizing advice uses; the numbers are the engine's.
public enum SizingModel: String, Sendable, CaseIterable {
    /// Crash faults: N = 2f+1, majority quorums.
    case crash
    /// Byzantine faults: N = 3f+1, quorums of 2f+1.
    case byzantine
    /// Leaderless replication: N, R, W with R+W > N.
    case quorum
}

public struct SizingRule: Sendable, Equatable {
    public var when: Condition
    public var model: SizingModel
    public var location: SourceLocation?

    public init(when: Condition, model: SizingModel, location: SourceLocation? = nil) {
        self.when = when
        self.model = model
        self.location = location
    }
}

public struct KnowledgeBase: Sendable, Equatable {
    public var questions: [Question]
    public var patterns: [Pattern]
    public var rules: [Rule]
    public var caveats: [Caveat]
    public var sizing: [SizingRule]

    public init(questions: [Question] = [], patterns: [Pattern] = [], rules: [Rule] = [],
                caveats: [Caveat] = [], sizing: [SizingRule] = []) {
        self.questions = questions
        self.patterns = patterns
        self.rules = rules
        self.caveats = caveats
        self.sizing = sizing
    }

    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }
    public func pattern(_ id: String) -> Pattern? { patterns.first { $0.id == id } }
}
