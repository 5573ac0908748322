import ArgumentParser
import DSAdvisorCore

/// `dsadvisor patterns`
struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "List every pattern in the catalog and whether its demo is built.",
        discussion: """
            Examples:
              dsadvisor patterns
              dsadvisor patterns --tree my-trees/
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let renderer = CatalogRenderer(base: try global.knowledgeBase(), style: global.style, builtDemos: DemoLauncher.builtDemos)
            Console.out(renderer.list())
        }
    }
}

/// Finds a pattern by id, or fails with EX_USAGE and the nearest id.
func findPattern(_ id: String, in base: KnowledgeBase) throws(AdvisorError) -> Pattern {
    if let pattern = base.pattern(id) { return pattern }
    let ids = base.patterns.map(\.id)
    throw AdvisorError(.usage, "unknown pattern '\(id)'\(Suggest.hint(id, among: ids)) (see 'dsadvisor patterns')")
}

/// `dsadvisor show ID`
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a pattern's full card: trade-offs, performance, production use, reading, demo.",
        discussion: """
            Examples:
              dsadvisor show raft
              dsadvisor show saga --no-color
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pattern id (see 'dsadvisor patterns').")
    var id: String

    func run() throws {
        try reportingErrors {
            let base = try global.knowledgeBase()
            let renderer = CatalogRenderer(base: base, style: global.style, builtDemos: DemoLauncher.builtDemos)
            Console.out(renderer.card(try findPattern(id, in: base)))
        }
    }
}

/// `dsadvisor compare ID ID…`
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare patterns' performance characteristics side by side.",
        discussion: """
            Examples:
              dsadvisor compare raft quorum-kv
              dsadvisor compare circuit-breaker saga message-queue
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Two or more pattern ids.")
    var ids: [String]

    func validate() throws {
        guard ids.count >= 2 else { throw ValidationError("compare needs at least two pattern ids") }
    }

    func run() throws {
        try reportingErrors {
            let base = try global.knowledgeBase()
            var patterns: [Pattern] = []
            for id in ids { patterns.append(try findPattern(id, in: base)) }
            Console.out(CatalogRenderer(base: base, style: global.style).compare(patterns))
        }
    }
}

extension CatalogRenderer.TreeFormat: ExpressibleByArgument {}

/// `dsadvisor tree`
struct TreeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Print the decision tree: questions, options and the patterns the rules point to.",
        discussion: """
            Examples:
              dsadvisor tree
              dsadvisor tree --format dot | dot -Tsvg > tree.svg
              dsadvisor tree --format mermaid
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "text, dot (Graphviz) or mermaid.")
    var format: CatalogRenderer.TreeFormat = .text

    func run() throws {
        try reportingErrors {
            let renderer = CatalogRenderer(base: try global.knowledgeBase(), style: format == .text ? global.style : .plain)
            Console.out(renderer.tree(format))
        }
    }
}

/// `dsadvisor validate [PATH…]`
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a knowledge base: references, duplicates, follow-ups, demos and examples.",
        discussion: """
            Reports every problem with file:line:col and exits 65 when there is one. Several \
            paths (or --tree options) are merged in order and checked as one knowledge base, \
            as 'recommend --tree A --tree B' would use it. Without a path it checks the \
            built-in knowledge base.

            Examples:
              dsadvisor validate trees/
              dsadvisor validate my-tree.yaml
              dsadvisor validate trees examples/custom-tree
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Knowledge-base files or folders, merged in order.", valueName: "path"),
              completion: .file())
    var paths: [String] = []

    func run() throws {
        try reportingErrors {
            var options = global
            options.tree += paths
            let validator = Validator(registeredDemos: DemoLauncher.builtDemos, requiresEveryDemo: options.tree.isEmpty)
            let report = options.tree.isEmpty ? validator.validate(KnowledgeBase.embedded)
                                              : validator.validate(try options.sourceFiles())
            for problem in report.problems { Console.err("\(problem)\n") }
            let name = options.tree.isEmpty ? "the built-in knowledge base" : options.tree.joined(separator: " + ")
            guard report.isValid, let base = report.base else {
                throw AdvisorError(.data, "\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") in \(name)")
            }
            Console.out("ok: \(base.questions.count) questions, \(base.patterns.count) patterns, \(base.rules.count) rules, \(base.caveats.count) warnings; \(report.examplesRun) examples rank their pattern first\n")
            if !report.unbuiltDemos.isEmpty {
                Console.out("demos not built yet: \(report.unbuiltDemos.joined(separator: ", "))\n")
            }
        }
    }
}
