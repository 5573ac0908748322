import Yams

/// Turns one composed YAML file into model values, collecting every problem with its
/// location instead of stopping at the first. Cross-file checks live in `KnowledgeBaseLoader`.
struct KnowledgeBaseParser {
    let document: YAMLDocument
    var diagnostics: [Diagnostic] = []
    var base = KnowledgeBase()

    init(document: YAMLDocument) {
        self.document = document
    }

    mutating func error(_ node: Node?, _ message: String) {
        diagnostics.append(Diagnostic(document.location(node), message))
    }

    // MARK: Generic readers

    /// The pairs of a mapping, with unknown and duplicate keys reported.
    mutating func fields(_ node: Node, what: String, allowed: [String]) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping")
            return [:]
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.text else {
                error(keyNode, "\(what): keys must be plain text")
                continue
            }
            if !allowed.contains(key) {
                error(keyNode, "\(what): unknown field '\(key)'\(Suggest.hint(key, among: allowed))")
            } else if result[key] != nil {
                error(keyNode, "\(what): field '\(key)' given twice")
            } else {
                result[key] = value
            }
        }
        return result
    }

    mutating func string(_ fields: [String: Node], _ key: String, in owner: Node, what: String,
                         required: Bool = true) -> String {
        guard let node = fields[key] else {
            if required { error(owner, "\(what): missing required field '\(key)'") }
            return ""
        }
        guard let text = node.text else {
            error(node, "\(what): '\(key)' must be text")
            return ""
        }
        return text
    }

    mutating func strings(_ fields: [String: Node], _ key: String, what: String) -> [String] {
        guard let node = fields[key] else { return [] }
        guard case .sequence(let sequence) = node else {
            error(node, "\(what): '\(key)' must be a list")
            return []
        }
        return sequence.compactMap { item in
            if let text = item.text { return text }
            error(item, "\(what): every entry of '\(key)' must be text")
            return nil
        }
    }

    mutating func list(_ node: Node?, what: String) -> [Node] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            error(node, "\(what) must be a list")
            return []
        }
        return Array(sequence)
    }

    mutating func id(_ fields: [String: Node], in owner: Node, what: String) -> String {
        let value = string(fields, "id", in: owner, what: what)
        if !value.isEmpty, !KnowledgeBaseParser.isKebabCase(value) {
            error(fields["id"], "\(what): id '\(value)' is not kebab-case ASCII")
        }
        return value
    }

    static func isKebabCase(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix("-") && !id.hasSuffix("-")
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    // MARK: The file

    mutating func parse() {
        guard let root = document.root else { return }
        let top = fields(root, what: "file", allowed: ["questions", "patterns", "rules", "warnings", "sizing"])
        for node in list(top["questions"], what: "questions") { parseQuestion(node) }
        for node in list(top["patterns"], what: "patterns") { parsePattern(node) }
        for node in list(top["rules"], what: "rules") { parseRule(node) }
        for node in list(top["warnings"], what: "warnings") { parseCaveat(node) }
        for node in list(top["sizing"], what: "sizing") { parseSizing(node) }
    }

    mutating func parseQuestion(_ node: Node) {
        let f = fields(node, what: "question", allowed: ["id", "prompt", "help", "options", "ask_if"])
        let id = id(f, in: node, what: "question")
        let what = "question '\(id)'"
        var choices: [Choice] = []
        for option in list(f["options"], what: "\(what): options") {
            let o = fields(option, what: "\(what) option", allowed: ["id", "label", "hint", "explain"])
            let choiceID = self.id(o, in: option, what: "\(what) option")
            choices.append(Choice(
                id: choiceID,
                label: string(o, "label", in: option, what: "option '\(choiceID)'"),
                hint: string(o, "hint", in: option, what: "option '\(choiceID)'", required: false),
                explain: string(o, "explain", in: option, what: "option '\(choiceID)'", required: false)))
        }
        if f["options"] == nil { error(node, "\(what): missing required field 'options'") }
        base.questions.append(Question(
            id: id,
            prompt: string(f, "prompt", in: node, what: what),
            help: string(f, "help", in: node, what: what, required: false),
            choices: choices,
            askIf: f["ask_if"].flatMap { condition($0, what: "\(what): ask_if") },
            location: document.location(node)))
    }

    mutating func parsePattern(_ node: Node) {
        let f = fields(node, what: "pattern", allowed: [
            "id", "name", "category", "summary", "use_when", "avoid_when", "tradeoffs",
            "production", "reading", "demo", "performance", "examples",
        ])
        let id = id(f, in: node, what: "pattern")
        let what = "pattern '\(id)'"
        let category = string(f, "category", in: node, what: what)
        if !category.isEmpty, !Pattern.categories.contains(category) {
            error(f["category"], "\(what): unknown category '\(category)'; one of \(Pattern.categories.joined(separator: ", "))")
        }
        var production: [ProductionUse] = []
        for item in list(f["production"], what: "\(what): production") {
            let p = fields(item, what: "\(what) production entry", allowed: ["system", "note"])
            production.append(ProductionUse(
                system: string(p, "system", in: item, what: "\(what) production entry"),
                note: string(p, "note", in: item, what: "\(what) production entry", required: false)))
        }
        var reading: [Reading] = []
        for item in list(f["reading"], what: "\(what): reading") {
            let r = fields(item, what: "\(what) reading entry", allowed: ["title", "authors", "year", "url"])
            let year = string(r, "year", in: item, what: "\(what) reading entry", required: false)
            if !year.isEmpty, Int(year) == nil { error(r["year"], "\(what): year '\(year)' is not a number") }
            reading.append(Reading(
                title: string(r, "title", in: item, what: "\(what) reading entry"),
                authors: string(r, "authors", in: item, what: "\(what) reading entry", required: false),
                year: Int(year),
                url: string(r, "url", in: item, what: "\(what) reading entry", required: false)))
        }
        var demo: String?
        if let demoNode = f["demo"], !demoNode.isNull {
            demo = string(f, "demo", in: node, what: what)
        }
        var examples: [Example] = []
        for item in list(f["examples"], what: "\(what): examples") {
            let e = fields(item, what: "\(what) example", allowed: ["answers", "note"])
            guard let answersNode = e["answers"] else {
                error(item, "\(what) example: missing required field 'answers'")
                continue
            }
            examples.append(Example(answers: answerPairs(answersNode, what: "\(what) example"),
                                    location: document.location(item)))
        }
        base.patterns.append(Pattern(
            id: id, name: string(f, "name", in: node, what: what), category: category,
            summary: string(f, "summary", in: node, what: what),
            useWhen: strings(f, "use_when", what: what), avoidWhen: strings(f, "avoid_when", what: what),
            tradeoffs: strings(f, "tradeoffs", what: what), production: production, reading: reading,
            demo: demo, performance: performance(f["performance"], owner: node, what: what),
            examples: examples, location: document.location(node)))
    }

    mutating func performance(_ node: Node?, owner: Node, what: String) -> Performance {
        guard let node else {
            error(owner, "\(what): missing required field 'performance'")
            return Performance()
        }
        let p = fields(node, what: "\(what) performance", allowed: Performance.characteristics)
        var values: [String: String] = [:]
        for name in Performance.characteristics {
            let value = string(p, name, in: node, what: "\(what) performance")
            let scale = Performance.scale(of: name)
            if !value.isEmpty, !scale.contains(value) {
                error(p[name], "\(what): \(name) '\(value)' is not one of \(scale.joined(separator: ", "))")
            }
            values[name] = value.isEmpty ? "n/a" : value
        }
        return Performance(consistency: values["consistency"] ?? "n/a", latency: values["latency"] ?? "n/a",
                           throughput: values["throughput"] ?? "n/a", scalability: values["scalability"] ?? "n/a",
                           faultTolerance: values["fault-tolerance"] ?? "n/a")
    }

    /// `{question: choice, ...}` keeping the written order; checked against the questions later.
    mutating func answerPairs(_ node: Node, what: String) -> [(String, String)] {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what): answers must be a mapping of question to option")
            return []
        }
        var pairs: [(String, String)] = []
        for (key, value) in mapping {
            guard let question = key.text, let choice = value.text else {
                error(value, "\(what): answers must map a question id to an option id")
                continue
            }
            if pairs.contains(where: { $0.0 == question }) {
                error(key, "\(what): question '\(question)' answered twice")
                continue
            }
            pairs.append((question, choice))
            answerMarks.append((question, choice, document.location(value)))
        }
        return pairs
    }

    /// Where each example answer was written, for the cross-reference check.
    var answerMarks: [(String, String, SourceLocation?)] = []
    /// Where each condition fact was written, for the cross-reference check.
    var conditionMarks: [(fact: String, value: String?, location: SourceLocation?, factLocation: SourceLocation?)] = []

    mutating func parseRule(_ node: Node) {
        let f = fields(node, what: "rule", allowed: ["id", "when", "effects"])
        let id = id(f, in: node, what: "rule")
        let what = "rule '\(id)'"
        let when = f["when"].flatMap { condition($0, what: "\(what): when") }
        if f["when"] == nil { error(node, "\(what): missing required field 'when'") }
        var effects: [Effect] = []
        for item in list(f["effects"], what: "\(what): effects") {
            let e = fields(item, what: "\(what) effect", allowed: ["pattern", "score", "reason"])
            let pattern = string(e, "pattern", in: item, what: "\(what) effect")
            let scoreText = string(e, "score", in: item, what: "\(what) effect")
            var score = Int(scoreText.hasPrefix("+") ? String(scoreText.dropFirst()) : scoreText)
            if score == nil, !scoreText.isEmpty { error(e["score"], "\(what): score '\(scoreText)' is not a whole number") }
            // Sums of scores must not overflow, however many rules fire.
            if let value = score, !Effect.scoreRange.contains(value) {
                error(e["score"], "\(what): score \(value) is outside \(Effect.scoreRange.lowerBound)...\(Effect.scoreRange.upperBound)")
                score = nil
            }
            effectMarks.append((pattern, document.location(e["pattern"] ?? item)))
            effects.append(Effect(pattern: pattern, score: score ?? 0,
                                  reason: string(e, "reason", in: item, what: "\(what) effect")))
        }
        if f["effects"] == nil { error(node, "\(what): missing required field 'effects'") }
        base.rules.append(Rule(id: id, when: when ?? .all([]), effects: effects, location: document.location(node)))
    }

    /// Where each effect's pattern id was written.
    var effectMarks: [(String, SourceLocation?)] = []

    mutating func parseCaveat(_ node: Node) {
        let f = fields(node, what: "warning", allowed: ["id", "severity", "when", "message"])
        let id = id(f, in: node, what: "warning")
        let what = "warning '\(id)'"
        let severityText = string(f, "severity", in: node, what: what)
        let severity = Severity(rawValue: severityText)
        if severity == nil, !severityText.isEmpty {
            error(f["severity"], "\(what): severity '\(severityText)' is not one of info, caution, danger")
        }
        let when = f["when"].flatMap { condition($0, what: "\(what): when") }
        if f["when"] == nil { error(node, "\(what): missing required field 'when'") }
        base.caveats.append(Caveat(id: id, severity: severity ?? .info, when: when ?? .all([]),
                                   message: string(f, "message", in: node, what: what),
                                   location: document.location(node)))
    }

    mutating func parseSizing(_ node: Node) {
        let f = fields(node, what: "sizing rule", allowed: ["when", "model"])
        let modelText = string(f, "model", in: node, what: "sizing rule")
        let model = SizingModel(rawValue: modelText)
        if model == nil, !modelText.isEmpty {
            error(f["model"], "sizing rule: model '\(modelText)' is not one of crash, byzantine, quorum")
        }
        let when = f["when"].flatMap { condition($0, what: "sizing rule: when") }
        if f["when"] == nil { error(node, "sizing rule: missing required field 'when'") }
        base.sizing.append(SizingRule(when: when ?? .all([]), model: model ?? .crash, location: document.location(node)))
    }

    // MARK: Conditions

    mutating func condition(_ node: Node, what: String) -> Condition? {
        let f = fields(node, what: what, allowed: ["fact", "is", "in", "answered", "all", "any", "not"])
        let keys = Set(f.keys)
        if keys.contains("fact") {
            guard let fact = f["fact"]?.text else {
                error(f["fact"], "\(what): fact must be a question id")
                return nil
            }
            let location = document.location(f["fact"])
            if let value = f["is"], keys.count == 2 {
                guard let text = value.text else { error(value, "\(what): 'is' must be an option id"); return nil }
                conditionMarks.append((fact, text, document.location(value), location))
                return .equals(fact: fact, value: text)
            }
            if let value = f["in"], keys.count == 2 {
                guard case .sequence(let sequence) = value, !sequence.isEmpty else {
                    error(value, "\(what): 'in' must be a non-empty list of option ids")
                    return nil
                }
                var values: [String] = []
                for item in sequence {
                    guard let text = item.text else { error(item, "\(what): 'in' holds option ids"); continue }
                    conditionMarks.append((fact, text, document.location(item), location))
                    values.append(text)
                }
                return .oneOf(fact: fact, values: values)
            }
            if let value = f["answered"], keys.count == 2 {
                guard let text = value.text, text == "true" || text == "false" else {
                    error(value, "\(what): 'answered' must be true or false")
                    return nil
                }
                conditionMarks.append((fact, nil, location, location))
                return .answered(fact: fact, text == "true")
            }
            error(node, "\(what): a fact needs exactly one of 'is', 'in' or 'answered'")
            return nil
        }
        guard keys.count == 1, let key = keys.first, let inner = f[key] else {
            error(node, "\(what): a condition is one of {fact, is|in|answered}, {all}, {any}, {not}")
            return nil
        }
        switch key {
        case "not":
            return condition(inner, what: what).map(Condition.not)
        case "all", "any":
            guard case .sequence(let sequence) = inner, !sequence.isEmpty else {
                error(inner, "\(what): '\(key)' must be a non-empty list of conditions")
                return nil
            }
            let parts = sequence.compactMap { condition($0, what: what) }
            return key == "all" ? .all(parts) : .any(parts)
        default:
            error(node, "\(what): '\(key)' needs 'fact'")
            return nil
        }
    }
}
