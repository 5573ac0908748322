import KnowledgeBase

/// Writes a `KnowledgeBase` as Swift source. One small function per question, pattern and
/// rule keeps every expression short, so the type checker stays fast.
enum SwiftLiteralWriter {
    static func source(for base: KnowledgeBase) -> String {
        var out = """
            // Generated from trees/*.yaml by GenerateKnowledgeBase at build time. Do not edit.
            import KnowledgeBase

            extension KnowledgeBase {
                /// The knowledge base in `trees/`, compiled into the binary.
                public static let embedded = KnowledgeBase(
                    questions: [\(base.questions.indices.map { "question\($0)()" }.joined(separator: ", "))],
                    patterns: [\(base.patterns.indices.map { "pattern\($0)()" }.joined(separator: ", "))],
                    rules: [\(base.rules.indices.map { "rule\($0)()" }.joined(separator: ", "))],
                    caveats: [\(base.caveats.indices.map { "caveat\($0)()" }.joined(separator: ", "))],
                    sizing: [\(base.sizing.map(sizing).joined(separator: ", "))]
                )
            }

            """
        for (index, question) in base.questions.enumerated() {
            out += "\nprivate func question\(index)() -> Question {\n    Question(id: \(lit(question.id)), prompt: \(lit(question.prompt)), help: \(lit(question.help)), choices: [\n"
            for choice in question.choices {
                out += "        Choice(id: \(lit(choice.id)), label: \(lit(choice.label)), hint: \(lit(choice.hint)), explain: \(lit(choice.explain))),\n"
            }
            out += "    ], askIf: \(question.askIf.map(condition) ?? "nil"), location: \(location(question.location)))\n}\n"
        }
        for (index, pattern) in base.patterns.enumerated() {
            out += "\nprivate func pattern\(index)() -> Pattern {\n    Pattern(\n"
            out += "        id: \(lit(pattern.id)), name: \(lit(pattern.name)), category: \(lit(pattern.category)),\n"
            out += "        summary: \(lit(pattern.summary)),\n"
            out += "        useWhen: \(list(pattern.useWhen)),\n        avoidWhen: \(list(pattern.avoidWhen)),\n"
            out += "        tradeoffs: \(list(pattern.tradeoffs)),\n"
            out += "        production: [\(pattern.production.map { "ProductionUse(system: \(lit($0.system)), note: \(lit($0.note)))" }.joined(separator: ", "))],\n"
            out += "        reading: [\(pattern.reading.map { "Reading(title: \(lit($0.title)), authors: \(lit($0.authors)), year: \($0.year.map(String.init) ?? "nil"), url: \(lit($0.url)))" }.joined(separator: ", "))],\n"
            out += "        demo: \(pattern.demo.map(lit) ?? "nil"),\n"
            let p = pattern.performance
            out += "        performance: Performance(consistency: \(lit(p.consistency)), latency: \(lit(p.latency)), throughput: \(lit(p.throughput)), scalability: \(lit(p.scalability)), faultTolerance: \(lit(p.faultTolerance))),\n"
            out += "        examples: [\(pattern.examples.map(example).joined(separator: ", "))],\n"
            out += "        location: \(location(pattern.location)))\n}\n"
        }
        for (index, rule) in base.rules.enumerated() {
            out += "\nprivate func rule\(index)() -> Rule {\n    Rule(id: \(lit(rule.id)), when: \(condition(rule.when)), effects: [\n"
            for effect in rule.effects {
                out += "        Effect(pattern: \(lit(effect.pattern)), score: \(effect.score), reason: \(lit(effect.reason))),\n"
            }
            out += "    ], location: \(location(rule.location)))\n}\n"
        }
        for (index, caveat) in base.caveats.enumerated() {
            out += "\nprivate func caveat\(index)() -> Caveat {\n    Caveat(id: \(lit(caveat.id)), severity: .\(caveat.severity.rawValue), when: \(condition(caveat.when)), message: \(lit(caveat.message)), location: \(location(caveat.location)))\n}\n"
        }
        return out
    }

    static func sizing(_ rule: SizingRule) -> String {
        "SizingRule(when: \(condition(rule.when)), model: .\(rule.model.rawValue), location: \(location(rule.location)))"
    }

    static func example(_ example: Example) -> String {
        let pairs = example.answers.map { "(\(lit($0.0)), \(lit($0.1)))" }.joined(separator: ", ")
        return "Example(answers: [\(pairs)], location: \(location(example.location)))"
    }

    static func condition(_ condition: Condition) -> String {
        switch condition {
        case .equals(let fact, let value): "Condition.equals(fact: \(lit(fact)), value: \(lit(value)))"
        case .oneOf(let fact, let values): "Condition.oneOf(fact: \(lit(fact)), values: \(list(values)))"
        case .answered(let fact, let wanted): "Condition.answered(fact: \(lit(fact)), \(wanted))"
        case .all(let parts): "Condition.all([\(parts.map(self.condition).joined(separator: ", "))])"
        case .any(let parts): "Condition.any([\(parts.map(self.condition).joined(separator: ", "))])"
        case .not(let inner): "Condition.not(\(self.condition(inner)))"
        }
    }

    static func location(_ location: SourceLocation?) -> String {
        guard let location else { return "nil" }
        return "SourceLocation(file: \(lit(location.file)), line: \(location.line), column: \(location.column))"
    }

    static func list(_ items: [String]) -> String {
        items.isEmpty ? "[String]()" : "[\(items.map(lit).joined(separator: ", "))]"
    }

    /// A Swift string literal for any text.
    static func lit(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
