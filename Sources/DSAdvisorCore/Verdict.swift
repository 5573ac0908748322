/// A condition evaluated against the answers, in the same shape as the condition itself and
/// annotated with what each part found (json-rules-engine's idea): rendering it explains it.
public struct Verdict: Sendable, Equatable {
    public var condition: Condition
    public var passed: Bool
    /// For a fact: the answer it saw, nil when unanswered.
    public var found: String?
    public var children: [Verdict]

    /// One line, e.g. `consistency = strong (needs strong)`.
    public var why: String {
        switch condition {
        case .equals(let fact, let value): "\(fact) = \(found ?? "unanswered") (needs \(value))"
        case .oneOf(let fact, let values): "\(fact) = \(found ?? "unanswered") (needs one of \(values.joined(separator: ", ")))"
        case .answered(let fact, let wanted): "\(fact) is \(found == nil ? "unanswered" : "answered") (needs \(wanted ? "answered" : "unanswered"))"
        case .all: "all of"
        case .any: "any of"
        case .not: "not"
        }
    }
}

extension Condition {
    /// Evaluates every branch, even once the result is known: an explanation missing a
    /// branch is worse than one wasted comparison.
    public func evaluate(_ answers: [String: String]) -> Verdict {
        switch self {
        case .equals(let fact, _), .oneOf(let fact, _), .answered(let fact, _):
            return Verdict(condition: self, passed: holds(for: answers), found: answers[fact], children: [])
        case .all(let parts):
            let children = parts.map { $0.evaluate(answers) }
            return Verdict(condition: self, passed: children.allSatisfy(\.passed), children: children)
        case .any(let parts):
            let children = parts.map { $0.evaluate(answers) }
            return Verdict(condition: self, passed: children.contains(where: \.passed), children: children)
        case .not(let inner):
            let child = inner.evaluate(answers)
            return Verdict(condition: self, passed: !child.passed, children: [child])
        }
    }
}
