/// The rule engine: answers in, a ranked and explained recommendation out. Pure and fast;
/// the CLI only parses and prints around it.
public struct Advisor: Sendable {
    public let base: KnowledgeBase

    public init(base: KnowledgeBase = .embedded) {
        self.base = base
    }

    // MARK: Answers

    /// Checks `(question, choice)` pairs against the tree and returns them in question order.
    /// Unknown questions and values are usage errors naming the valid values and the nearest.
    public func validate(_ pairs: [(String, String)], source: String = "--") throws(AdvisorError) -> [(String, String)] {
        var answers: [String: String] = [:]
        for (questionID, value) in pairs {
            guard let question = base.question(questionID) else {
                let ids = base.questions.map(\.id)
                throw AdvisorError(.usage, "unknown question '\(questionID)'; questions: \(ids.joined(separator: ", "))\(Suggest.hint(questionID, among: ids))")
            }
            guard question.choice(value) != nil else {
                let ids = question.choices.map(\.id)
                let what = source == "--" ? "--\(questionID)" : "\(questionID) in \(source)"
                throw AdvisorError(.usage, "'\(value)' is not a valid value for \(what); valid values: \(ids.joined(separator: ", "))\(Suggest.hint(value, among: ids))")
            }
            answers[questionID] = value
        }
        return base.questions.compactMap { q in answers[q.id].map { (q.id, $0) } }
    }

    /// The questions to ask for these answers so far: every question whose ask_if holds.
    public func isAsked(_ question: Question, given answers: [String: String]) -> Bool {
        question.askIf?.holds(for: answers) ?? true
    }

    /// Validates `--prioritize` names against the performance table's characteristics.
    public static func validatePriorities(_ names: [String]) throws(AdvisorError) -> [String] {
        var result: [String] = []
        for name in names where !result.contains(name) {
            guard Performance.characteristics.contains(name) else {
                throw AdvisorError(.usage, "'\(name)' is not a characteristic; valid values: \(Performance.characteristics.joined(separator: ", "))\(Suggest.hint(name, among: Performance.characteristics))")
            }
            result.append(name)
        }
        return result
    }

    // MARK: Ranking

    /// Ranks every pattern for already-validated answers.
    public func recommend(_ pairs: [(String, String)], priorities: [String] = [], top: Int = 5) -> Recommendation {
        let answers = Dictionary(pairs, uniquingKeysWith: { $1 })
        let outcomes = base.rules.map { RuleOutcome(rule: $0, verdict: $0.when.evaluate(answers)) }
        let ranked = rank(outcomes: outcomes, priorities: priorities)
        let severityOrder: [Severity] = [.danger, .caution, .info]
        let warnings = base.caveats.filter { $0.when.holds(for: answers) }
            .enumerated().sorted { a, b in
                let (sa, sb) = (severityOrder.firstIndex(of: a.element.severity)!, severityOrder.firstIndex(of: b.element.severity)!)
                return sa != sb ? sa < sb : a.offset < b.offset
            }.map(\.element)
        let models = base.sizing.filter { $0.when.holds(for: answers) }.map(\.model)
        let failures = SizingAdvice.failures(from: answers["failures-tolerated"])
        let sizing = models.isEmpty ? nil : SizingAdvice(failures: failures ?? 1, assumed: failures == nil, models: models)
        let unasked = base.questions.filter { answers[$0.id] != nil && !isAsked($0, given: answers) }.map(\.id)
        return Recommendation(
            answers: pairs, priorities: priorities, ranked: ranked, top: max(top, 1), rules: outcomes,
            warnings: warnings, sizing: sizing,
            sharpeningQuestions: sharpeningQuestions(answers, leader: ranked.first?.pattern.id, priorities: priorities),
            unaskedAnswers: unasked)
    }

    func rank(outcomes: [RuleOutcome], priorities: [String]) -> [RankedPattern] {
        rank(fired: outcomes.map(\.fired), priorities: priorities)
    }

    /// Ranks with `fired[i]` telling whether `base.rules[i]` holds; ties keep catalog order.
    func rank(fired: [Bool], priorities: [String]) -> [RankedPattern] {
        var contributions: [String: [Contribution]] = [:]
        for (rule, didFire) in zip(base.rules, fired) where didFire {
            for effect in rule.effects {
                contributions[effect.pattern, default: []].append(
                    Contribution(source: rule.id, score: effect.score, reason: effect.reason))
            }
        }
        let ranked = base.patterns.enumerated().map { index, pattern in
            var mine = contributions[pattern.id] ?? []
            mine += Advisor.priorityContributions(pattern.performance, priorities: priorities)
            return (index, RankedPattern(pattern: pattern, score: mine.reduce(0) { $0 + $1.score }, contributions: mine))
        }
        return ranked.sorted { a, b in a.1.score != b.1.score ? a.1.score > b.1.score : a.0 < b.0 }.map(\.1)
    }

    /// The leader's id only: scores without reasons, for the what-if questions.
    func leader(fired: [Bool], priorities: [String]) -> String? {
        var scores: [String: Int] = [:]
        for (rule, didFire) in zip(base.rules, fired) where didFire {
            for effect in rule.effects { scores[effect.pattern, default: 0] += effect.score }
        }
        var best: (id: String, score: Int)?
        for pattern in base.patterns {
            let score = (scores[pattern.id] ?? 0)
                + Advisor.priorityContributions(pattern.performance, priorities: priorities).reduce(0) { $0 + $1.score }
            if best == nil || score > best!.score { best = (pattern.id, score) }
        }
        return best?.id
    }

    /// `--prioritize`: the first characteristic weighs most. Each weighs its level in the
    /// performance table (-2 … +2, lower latency being better) times 5 times its weight.
    static func priorityContributions(_ performance: Performance, priorities: [String]) -> [Contribution] {
        priorities.enumerated().compactMap { index, name in
            guard let value = performance.value(of: name) else { return nil }
            let weight = priorities.count - index
            let points = level(of: value, for: name) * 5 * weight
            guard points != 0 else { return nil }
            return Contribution(source: "prioritize:\(name)", score: points,
                                reason: "\(name) is \(value), and you prioritized \(name)")
        }
    }

    static func level(of value: String, for characteristic: String) -> Int {
        switch characteristic {
        case "consistency":
            ["strong": 2, "causal": 1, "weak": -1][value] ?? 0
        case "latency":
            ["very-low": 2, "low": 1, "high": -1][value] ?? 0
        default:
            ["very-low": -2, "low": -1, "high": 1, "very-high": 2][value] ?? 0
        }
    }

    /// Unanswered questions that would be asked and for which some answer changes the leader.
    /// Only the rules that mention a question are re-evaluated for its options.
    func sharpeningQuestions(_ answers: [String: String], leader: String?, priorities: [String]) -> [Question] {
        let fired = base.rules.map { $0.when.holds(for: answers) }
        return base.questions.filter { question in
            guard answers[question.id] == nil, isAsked(question, given: answers) else { return false }
            let touched = base.rules.indices.filter { base.rules[$0].when.facts.contains(question.id) }
            guard !touched.isEmpty else { return false }
            return question.choices.contains { choice in
                var more = answers
                more[question.id] = choice.id
                var whatIf = fired
                for i in touched { whatIf[i] = base.rules[i].when.holds(for: more) }
                return self.leader(fired: whatIf, priorities: priorities) != leader
            }
        }
    }
}
