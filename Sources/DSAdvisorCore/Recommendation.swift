/// What the advisor concluded from a set of answers, with everything needed to explain it.
public struct Recommendation: Sendable {
    /// `(question id, choice id)` in question order.
    public var answers: [(String, String)]
    /// Characteristics the ranking was weighted by, most important first.
    public var priorities: [String]
    /// Every pattern, best first; ties keep catalog order.
    public var ranked: [RankedPattern]
    /// How many of `ranked` to show.
    public var top: Int
    /// Every rule with its verdict, in rules.yaml order.
    public var rules: [RuleOutcome]
    /// Warnings whose condition holds, most severe first.
    public var warnings: [Caveat]
    public var sizing: SizingAdvice?
    /// Unanswered questions for which some answer would change the top pattern.
    public var sharpeningQuestions: [Question]
    /// Follow-up answers given although their ask_if does not hold; they still count.
    public var unaskedAnswers: [String]

    public var shown: ArraySlice<RankedPattern> { ranked.prefix(top) }
    public var best: RankedPattern? { ranked.first }
}

/// A pattern's place in the ranking and every score change behind it.
public struct RankedPattern: Sendable {
    public var pattern: Pattern
    public var score: Int
    public var contributions: [Contribution]

    /// The reasons that counted for the pattern, strongest first, then those against.
    public var reasons: [String] {
        contributions.filter { $0.score > 0 }.sorted { $0.score > $1.score }.map(\.reason)
            + contributions.filter { $0.score < 0 }.sorted { $0.score < $1.score }.map { "against: \($0.reason)" }
    }
}

/// One score change: from a rule (`source` is its id) or from `--prioritize`.
public struct Contribution: Sendable, Equatable {
    public var source: String
    public var score: Int
    public var reason: String
}

public struct RuleOutcome: Sendable {
    public var rule: Rule
    public var verdict: Verdict
    public var fired: Bool { verdict.passed }
}
