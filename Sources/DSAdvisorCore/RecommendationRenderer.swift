import Simulation

/// Prints a `Recommendation` as text, JSON, Markdown or an Architecture Decision Record.
public struct RecommendationRenderer: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, markdown, adr
    }

    public var base: KnowledgeBase
    public var style: Style
    /// Demo ids that this binary can run.
    public var builtDemos: Set<String>
    public var explain: Bool

    public init(base: KnowledgeBase, style: Style = .plain, builtDemos: Set<String> = [], explain: Bool = false) {
        self.base = base
        self.style = style
        self.builtDemos = builtDemos
        self.explain = explain
    }

    public func render(_ r: Recommendation, as format: Format) -> String {
        switch format {
        case .text: text(r)
        case .json: json(r).pretty() + "\n"
        case .markdown: markdown(r)
        case .adr: ADRWriter(base: base).render(r)
        }
    }

    /// `dsadvisor recommend --q v …` for these answers.
    /// `trees` are the `--tree` paths the answers were given against, in order.
    public static func commandLine(_ r: Recommendation, trees: [String] = []) -> String {
        (["dsadvisor recommend"] + trees.map { "--tree \(shellQuoted($0))" } + r.answers.map { "--\($0.0) \($0.1)" }
            + (r.priorities.isEmpty ? [] : ["--prioritize \(r.priorities.joined(separator: ","))"]))
            .joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+,:@".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    func label(_ question: String, _ choice: String) -> String {
        base.question(question)?.choice(choice)?.label ?? choice
    }

    // MARK: Text

    func text(_ r: Recommendation) -> String {
        var out = ""
        if r.answers.isEmpty {
            out += "No answers given: a general starting point, ranked by the catalog's defaults.\n"
        } else {
            out += style.bold("Your answers") + "\n"
            let width = (r.answers.map(\.0.count).max() ?? 0) + 2
            for (q, v) in r.answers { out += "  " + "\(q):".padded(width) + "\(v) (\(label(q, v)))\n" }
        }
        if !r.priorities.isEmpty { out += "  prioritized: \(r.priorities.joined(separator: ", "))\n" }
        for id in r.unaskedAnswers {
            out += style.dim("  note: \(id) was answered although it would not be asked for these answers") + "\n"
        }
        out += "\n" + style.bold("Recommended patterns") + "\n"
        for (index, ranked) in r.shown.enumerated() {
            let p = ranked.pattern
            let score = ranked.score > 0 ? "+\(ranked.score)" : "\(ranked.score)"
            out += "\(String(index + 1).leftPadded(2)). \(style.bold(p.name)) [\(p.id)]  score \(score)\n"
            out += "    " + p.summary.firstSentence.wrapped(92, indent: 4) + "\n"
            for reason in ranked.reasons.prefix(4) {
                let mark = reason.hasPrefix("against: ") ? style.red("-") : style.green("+")
                out += "    \(mark) " + reason.replacingPrefix("against: ").wrapped(92, indent: 6) + "\n"
            }
            out += "    " + style.dim(performanceLine(p.performance)) + "\n"
            if let demo = p.demo {
                out += "    demo: dsadvisor demo \(demo)" + (builtDemos.contains(demo) ? "" : " (not built yet)") + "\n"
            }
        }
        if let sizing = r.sizing {
            out += "\n" + style.bold("Sizing") + " (f = \(sizing.failures)\(sizing.assumed ? ", assumed; answer --failures-tolerated" : ""))\n"
            for model in sizing.models { for line in model.lines { out += "  \(line)\n" } }
        }
        if !r.warnings.isEmpty {
            out += "\n" + style.bold("Warnings") + "\n"
            for w in r.warnings { out += "  \(style.severity(w.severity)): " + w.message.wrapped(92, indent: 4) + "\n" }
        }
        if explain { out += "\n" + explanation(r) }
        if !r.sharpeningQuestions.isEmpty {
            out += "\nTo sharpen this, answer: " + r.sharpeningQuestions.map { "--\($0.id)" }.joined(separator: " ") + "\n"
        }
        return out
    }

    func performanceLine(_ p: Performance) -> String {
        p.row.map { "\($0.0) \($0.1)" }.joined(separator: " · ")
    }

    /// The rules that fired, each as its condition tree annotated with what was found, then
    /// the score changes it made.
    public func explanation(_ r: Recommendation) -> String {
        var out = style.bold("Why: the rules that fired") + "\n"
        let fired = r.rules.filter(\.fired)
        if fired.isEmpty { out += "  none\n" }
        for outcome in fired {
            out += "  \(style.bold(outcome.rule.id))\n"
            out += verdictLines(outcome.verdict, depth: 2)
            for effect in outcome.rule.effects {
                let score = effect.score > 0 ? style.green("+\(effect.score)") : style.red("\(effect.score)")
                out += "      → \(effect.pattern) \(score): \(effect.reason)\n"
            }
        }
        let priority = r.ranked.flatMap { ranked in
            ranked.contributions.filter { $0.source.hasPrefix("prioritize:") }.map { (ranked.pattern.id, $0) }
        }
        if !priority.isEmpty {
            out += "  \(style.bold("--prioritize"))\n"
            for (id, c) in priority { out += "      → \(id) \(c.score > 0 ? "+" : "")\(c.score): \(c.reason)\n" }
        }
        let idle = r.rules.filter { !$0.fired }.map(\.rule.id)
        if !idle.isEmpty { out += style.dim("  did not fire: \(idle.joined(separator: ", "))") + "\n" }
        return out
    }

    func verdictLines(_ v: Verdict, depth: Int) -> String {
        let mark = v.passed ? style.green("✓") : style.red("✗")
        var out = String(repeating: "  ", count: depth) + "\(mark) \(v.why)\n"
        for child in v.children { out += verdictLines(child, depth: depth + 1) }
        return out
    }

    // MARK: JSONValue

    public func json(_ r: Recommendation) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("answers", .object(r.answers.map { ($0.0, .string($0.1)) })),
            ("recommendations", .array(r.shown.map { ranked in
                .object([
                    ("id", .string(ranked.pattern.id)),
                    ("name", .string(ranked.pattern.name)),
                    ("score", JSONValue(ranked.score)),
                    ("reasons", .array(ranked.reasons.map(JSONValue.string))),
                    ("demo", .optional(ranked.pattern.demo)),
                    ("characteristics", .object(ranked.pattern.performance.row.map { ($0.0, .string($0.1)) })),
                ])
            })),
            ("warnings", .array(r.warnings.map { .object([
                ("id", .string($0.id)), ("severity", .string($0.severity.rawValue)), ("message", .string($0.message)),
            ]) })),
            ("sizing", sizingJSON(r.sizing)),
        ]
        if !r.priorities.isEmpty { pairs.insert(("prioritize", .array(r.priorities.map(JSONValue.string))), at: 1) }
        pairs.append(("sharpen", .array(r.sharpeningQuestions.map { .string($0.id) })))
        if explain {
            pairs.append(("rules", .array(r.rules.map { outcome in
                .object([
                    ("id", .string(outcome.rule.id)),
                    ("result", .bool(outcome.fired)),
                    ("when", verdictJSON(outcome.verdict)),
                    ("effects", .array(outcome.rule.effects.map { .object([
                        ("pattern", .string($0.pattern)), ("score", JSONValue($0.score)), ("reason", .string($0.reason)),
                    ]) })),
                ])
            })))
        }
        return .object(pairs)
    }

    func sizingJSON(_ sizing: SizingAdvice?) -> JSONValue {
        guard let sizing else { return .object([]) }
        var pairs: [(String, JSONValue)] = [("failures", JSONValue(sizing.failures)), ("assumed", .bool(sizing.assumed))]
        for model in sizing.models {
            var fields: [(String, JSONValue)] = [("formula", .string(model.formula)), ("nodes", JSONValue(model.nodes)), ("quorum", JSONValue(model.quorum))]
            if !model.variants.isEmpty {
                fields.append(("variants", .array(model.variants.map { .object([
                    ("name", .string($0.name)), ("n", JSONValue(model.nodes)), ("r", JSONValue($0.reads)), ("w", JSONValue($0.writes)),
                ]) })))
            }
            pairs.append((model.model.rawValue, .object(fields)))
        }
        return .object(pairs)
    }

    /// The verdict in the rule's own YAML shape, annotated with `value` and `result`.
    public func verdictJSON(_ v: Verdict) -> JSONValue {
        switch v.condition {
        case .equals(let fact, let value):
            .object([("fact", .string(fact)), ("is", .string(value)), ("value", .optional(v.found)), ("result", .bool(v.passed))])
        case .oneOf(let fact, let values):
            .object([("fact", .string(fact)), ("in", .array(values.map(JSONValue.string))), ("value", .optional(v.found)), ("result", .bool(v.passed))])
        case .answered(let fact, let wanted):
            .object([("fact", .string(fact)), ("answered", .bool(wanted)), ("value", .optional(v.found)), ("result", .bool(v.passed))])
        case .all:
            .object([("all", .array(v.children.map(verdictJSON))), ("result", .bool(v.passed))])
        case .any:
            .object([("any", .array(v.children.map(verdictJSON))), ("result", .bool(v.passed))])
        case .not:
            .object([("not", v.children.first.map(verdictJSON) ?? .null), ("result", .bool(v.passed))])
        }
    }

    // MARK: Markdown

    func markdown(_ r: Recommendation) -> String {
        var out = "# Distributed-systems patterns recommended\n\n"
        if r.answers.isEmpty {
            out += "No answers given: a general starting point.\n\n"
        } else {
            out += "| Question | Answer |\n|---|---|\n"
            for (q, v) in r.answers { out += "| \(q) | \(label(q, v)) (`\(v)`) |\n" }
            out += "\n"
        }
        if !r.priorities.isEmpty { out += "Prioritized: \(r.priorities.joined(separator: ", ")).\n\n" }
        out += "| # | Pattern | Score | " + Performance.characteristics.joined(separator: " | ") + " |\n"
        out += "|---|---|---|" + String(repeating: "---|", count: Performance.characteristics.count) + "\n"
        for (index, ranked) in r.shown.enumerated() {
            out += "| \(index + 1) | \(ranked.pattern.name) (`\(ranked.pattern.id)`) | \(ranked.score) | "
                + ranked.pattern.performance.row.map(\.1).joined(separator: " | ") + " |\n"
        }
        for (index, ranked) in r.shown.enumerated() {
            out += "\n## \(index + 1). \(ranked.pattern.name)\n\n\(ranked.pattern.summary)\n\n"
            for reason in ranked.reasons { out += "- \(reason)\n" }
            if let demo = ranked.pattern.demo { out += "\nDemo: `dsadvisor demo \(demo)`\n" }
        }
        if let sizing = r.sizing {
            out += "\n## Sizing\n\nf = \(sizing.failures)\(sizing.assumed ? " (assumed)" : "")\n\n"
            for model in sizing.models { for line in model.lines { out += "- \(line.trimmingLeadingSpaces)\n" } }
        }
        if !r.warnings.isEmpty {
            out += "\n## Warnings\n\n"
            for w in r.warnings { out += "- **\(w.severity.rawValue)**: \(w.message)\n" }
        }
        if !r.sharpeningQuestions.isEmpty {
            out += "\nTo sharpen this, answer: " + r.sharpeningQuestions.map { "`--\($0.id)`" }.joined(separator: ", ") + "\n"
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }

    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
