/// A condition on the answers, as written in `when:` and `ask_if:`.
public indirect enum Condition: Sendable, Equatable {
    /// `{fact: Q, is: V}`
    case equals(fact: String, value: String)
    /// `{fact: Q, in: [V, ...]}`
    case oneOf(fact: String, values: [String])
    /// `{fact: Q, answered: true|false}`
    case answered(fact: String, Bool)
    case all([Condition])
    case any([Condition])
    case not(Condition)

    /// Every question id the condition mentions, in the order written.
    public var facts: [String] {
        switch self {
        case .equals(let fact, _), .oneOf(let fact, _), .answered(let fact, _): [fact]
        case .all(let parts), .any(let parts): parts.flatMap(\.facts)
        case .not(let inner): inner.facts
        }
    }

    /// `(question, value)` for every value the condition compares against.
    public var comparedValues: [(String, String)] {
        switch self {
        case .equals(let fact, let value): [(fact, value)]
        case .oneOf(let fact, let values): values.map { (fact, $0) }
        case .answered: []
        case .all(let parts), .any(let parts): parts.flatMap(\.comparedValues)
        case .not(let inner): inner.comparedValues
        }
    }

    /// Whether the condition holds; unanswered questions only satisfy `answered: false`.
    public func holds(for answers: [String: String]) -> Bool {
        switch self {
        case .equals(let fact, let value): answers[fact] == value
        case .oneOf(let fact, let values): answers[fact].map(values.contains) ?? false
        case .answered(let fact, let wanted): (answers[fact] != nil) == wanted
        case .all(let parts): parts.allSatisfy { $0.holds(for: answers) }
        case .any(let parts): parts.contains { $0.holds(for: answers) }
        case .not(let inner): !inner.holds(for: answers)
        }
    }

    /// The condition in the YAML flow form it was written in.
    public var yaml: String {
        switch self {
        case .equals(let fact, let value): "{fact: \(fact), is: \(value)}"
        case .oneOf(let fact, let values): "{fact: \(fact), in: [\(values.joined(separator: ", "))]}"
        case .answered(let fact, let wanted): "{fact: \(fact), answered: \(wanted)}"
        case .all(let parts): "{all: [\(parts.map(\.yaml).joined(separator: ", "))]}"
        case .any(let parts): "{any: [\(parts.map(\.yaml).joined(separator: ", "))]}"
        case .not(let inner): "{not: \(inner.yaml)}"
        }
    }
}
