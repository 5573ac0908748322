/// Loads a knowledge base from its YAML files and checks it as a whole: ids unique, every
/// reference known, every option inside its question, follow-ups after the questions they
/// depend on and reachable. All problems are reported together, each with file:line:col.
public enum KnowledgeBaseLoader {
    /// Loads and checks; throws `AdvisorError(.data)` with every diagnostic.
    public static func load(_ files: [SourceFile]) throws(AdvisorError) -> KnowledgeBase {
        let (base, diagnostics) = check(files)
        guard diagnostics.isEmpty, let base else {
            throw AdvisorError(.data, "the knowledge base does not load", diagnostics: diagnostics)
        }
        return base
    }

    /// Loads a file or folder of YAML, with the size and alias limits of `SourceFile`.
    public static func load(path: String) throws(AdvisorError) -> KnowledgeBase {
        try load(SourceFile.readTree(path))
    }

    /// Every problem in the files; the knowledge base is nil when a file did not parse.
    public static func check(_ files: [SourceFile]) -> (KnowledgeBase?, [Diagnostic]) {
        var base = KnowledgeBase()
        var diagnostics: [Diagnostic] = []
        var conditionMarks: [(fact: String, value: String?, location: SourceLocation?, factLocation: SourceLocation?)] = []
        var answerMarks: [(String, String, SourceLocation?)] = []
        var effectMarks: [(String, SourceLocation?)] = []
        var parsedAll = true
        for file in files {
            let document: YAMLDocument
            do {
                document = try YAMLDocument(file)
            } catch {
                diagnostics += error.diagnostics.isEmpty ? [Diagnostic(nil, error.message)] : error.diagnostics
                parsedAll = false
                continue
            }
            var parser = KnowledgeBaseParser(document: document)
            parser.parse()
            diagnostics += parser.diagnostics
            base.questions += parser.base.questions
            base.patterns += parser.base.patterns
            base.rules += parser.base.rules
            base.caveats += parser.base.caveats
            base.sizing += parser.base.sizing
            conditionMarks += parser.conditionMarks
            answerMarks += parser.answerMarks
            effectMarks += parser.effectMarks
        }
        diagnostics += duplicates(base.questions.map { ($0.id, $0.location) }, what: "question")
        diagnostics += duplicates(base.patterns.map { ($0.id, $0.location) }, what: "pattern")
        diagnostics += duplicates(base.rules.map { ($0.id, $0.location) }, what: "rule")
        diagnostics += duplicates(base.caveats.map { ($0.id, $0.location) }, what: "warning")
        for question in base.questions {
            diagnostics += duplicates(question.choices.map { ($0.id, question.location) },
                                      what: "option of question '\(question.id)'")
        }
        var unknownFacts: Set<String> = []
        for (fact, value, location, factLocation) in conditionMarks {
            if base.question(fact) == nil {
                // One report per place the unknown question is named.
                if unknownFacts.insert("\(fact)@\(factLocation?.description ?? "")").inserted {
                    diagnostics += reference(fact, nil, at: factLocation, in: base)
                }
            } else {
                diagnostics += reference(fact, value, at: location, in: base)
            }
        }
        for (fact, value, location) in answerMarks {
            diagnostics += reference(fact, value, at: location, in: base)
        }
        let patternIDs = base.patterns.map(\.id)
        for (pattern, location) in effectMarks where !pattern.isEmpty && !patternIDs.contains(pattern) {
            diagnostics.append(Diagnostic(location, "unknown pattern '\(pattern)'\(Suggest.hint(pattern, among: patternIDs))"))
        }
        diagnostics += followUpProblems(base)
        return (parsedAll ? base : nil, diagnostics)
    }

    /// Reported at the later definition, naming the first: with several `--tree` paths the
    /// two may be in different files.
    static func duplicates(_ items: [(String, SourceLocation?)], what: String) -> [Diagnostic] {
        var first: [String: SourceLocation?] = [:]
        var found: [Diagnostic] = []
        for (id, location) in items where !id.isEmpty {
            guard let earlier = first[id] else {
                first[id] = location
                continue
            }
            let whereFirst = earlier.flatMap { $0 == location ? nil : " (first defined at \($0))" } ?? ""
            found.append(Diagnostic(location, "duplicate \(what) id '\(id)'\(whereFirst)"))
        }
        return found
    }

    static func reference(_ fact: String, _ value: String?, at location: SourceLocation?,
                          in base: KnowledgeBase) -> [Diagnostic] {
        guard let question = base.question(fact) else {
            return [Diagnostic(location, "unknown question '\(fact)'\(Suggest.hint(fact, among: base.questions.map(\.id)))")]
        }
        guard let value, question.choice(value) == nil else { return [] }
        let ids = question.choices.map(\.id)
        return [Diagnostic(location, "'\(value)' is not an option of question '\(fact)' (\(ids.joined(separator: ", ")))\(Suggest.hint(value, among: ids))")]
    }

    /// A follow-up must come after the questions its `ask_if` names, and some answers to them
    /// must make it hold; otherwise nobody is ever asked it.
    static func followUpProblems(_ base: KnowledgeBase) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for (index, question) in base.questions.enumerated() {
            guard let condition = question.askIf else { continue }
            let earlier = base.questions[..<index].map(\.id)
            let facts = Array(Set(condition.facts)).sorted()
            for fact in facts where !earlier.contains(fact) && base.question(fact) != nil {
                found.append(Diagnostic(question.location, "question '\(question.id)': ask_if refers to '\(fact)', which is not asked before it"))
            }
            if facts.allSatisfy({ base.question($0) != nil }),
               !satisfiable(condition, facts: facts, in: base) {
                found.append(Diagnostic(question.location, "question '\(question.id)' is unreachable: no answers make its ask_if hold"))
            }
        }
        return found
    }

    /// Tries every combination of answers (or none) to the facts the condition names.
    static func satisfiable(_ condition: Condition, facts: [String], in base: KnowledgeBase) -> Bool {
        let domains: [[String?]] = facts.map { fact in [nil] + (base.question(fact)?.choices.map(\.id) ?? []) }
        let total = domains.reduce(1) { $0 * max($1.count, 1) }
        guard total <= 100_000 else { return true }
        for combination in 0..<total {
            var rest = combination
            var answers: [String: String] = [:]
            for (fact, domain) in zip(facts, domains) {
                if let value = domain[rest % domain.count] { answers[fact] = value }
                rest /= domain.count
            }
            if condition.holds(for: answers) { return true }
        }
        return false
    }
}
