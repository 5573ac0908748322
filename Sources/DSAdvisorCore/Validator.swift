/// `dsadvisor validate`: the loader's structural checks plus those that need the engine or
/// the demo registry: every example ranks its pattern first, and every registered demo has a
/// catalog entry. Reports every problem, not just the first.
public struct Validator: Sendable {
    public struct Report: Sendable {
        public var base: KnowledgeBase?
        public var problems: [Diagnostic]
        /// Catalog demos not registered in this binary: allowed, listed for information.
        public var unbuiltDemos: [String]
        public var examplesRun: Int
        public var isValid: Bool { problems.isEmpty }
    }

    public var registeredDemos: Set<String>
    /// True for the built-in tree, which must name every demo the binary has. A custom tree
    /// may cover only some patterns.
    public var requiresEveryDemo: Bool

    public init(registeredDemos: Set<String>, requiresEveryDemo: Bool = false) {
        self.registeredDemos = registeredDemos
        self.requiresEveryDemo = requiresEveryDemo
    }

    public func validate(_ files: [SourceFile]) -> Report {
        let (base, problems) = KnowledgeBaseLoader.check(files)
        guard let base, problems.isEmpty else {
            return Report(base: base, problems: problems, unbuiltDemos: [], examplesRun: 0)
        }
        return validate(base)
    }

    public func validate(_ base: KnowledgeBase) -> Report {
        var problems: [Diagnostic] = []
        let catalogDemos = base.patterns.compactMap(\.demo)
        for demo in registeredDemos.sorted() where requiresEveryDemo && !catalogDemos.contains(demo) {
            problems.append(Diagnostic(nil, "demo '\(demo)' is registered but no catalog pattern names it"))
        }
        for pattern in base.patterns {
            if let demo = pattern.demo, !demo.isEmpty, demo.unicodeScalars.contains(where: { !("a"..."z").contains($0) && !("0"..."9").contains($0) && $0 != "-" }) {
                problems.append(Diagnostic(pattern.location, "pattern '\(pattern.id)': demo id '\(demo)' is not kebab-case"))
            }
        }
        for question in base.questions where question.id == "failures-tolerated" {
            for choice in question.choices {
                let digits = choice.id.prefix { $0.isNumber }
                if !digits.isEmpty, SizingAdvice.failures(from: choice.id) == nil {
                    problems.append(Diagnostic(question.location, "question 'failures-tolerated': option '\(choice.id)' must start with a number of failures within 1...\(SizingAdvice.failuresMax)"))
                }
            }
        }
        let (examplesRun, failures) = ExampleRunner(base: base).failures()
        problems += failures
        var unbuilt: [String] = []
        for demo in catalogDemos where !registeredDemos.contains(demo) && !unbuilt.contains(demo) { unbuilt.append(demo) }
        return Report(base: base, problems: problems, unbuiltDemos: unbuilt, examplesRun: examplesRun)
    }
}

/// Runs every pattern's `examples:` through the engine: each must rank its pattern first.
public struct ExampleRunner: Sendable {
    public struct Case: Sendable, CustomStringConvertible {
        public var pattern: String
        public var example: Example
        public var description: String {
            "\(pattern): " + example.answers.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        }
    }

    public let base: KnowledgeBase

    public init(base: KnowledgeBase) { self.base = base }

    public var cases: [Case] {
        base.patterns.flatMap { p in p.examples.map { Case(pattern: p.id, example: $0) } }
    }

    /// nil when the example ranks its pattern first, else why not.
    public func failure(_ c: Case) -> Diagnostic? {
        let advisor = Advisor(base: base)
        let result = advisor.recommend(c.example.answers, top: 3)
        guard let best = result.best, best.pattern.id != c.pattern else { return nil }
        let mine = result.ranked.first { $0.pattern.id == c.pattern }
        let rank = (result.ranked.firstIndex { $0.pattern.id == c.pattern } ?? 0) + 1
        let answers = c.example.answers.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
        return Diagnostic(c.example.location, "example {\(answers)} ranks '\(c.pattern)' #\(rank) with score \(mine?.score ?? 0); '\(best.pattern.id)' is first with \(best.score)")
    }

    public func failures() -> (run: Int, failures: [Diagnostic]) {
        let all = cases
        return (all.count, all.compactMap(failure))
    }
}
