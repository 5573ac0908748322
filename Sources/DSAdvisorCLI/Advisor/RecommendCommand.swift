import ArgumentParser
import DSAdvisorCore

/// `dsadvisor recommend`: answers from flags and/or a file, ranked patterns out.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Rank distributed-systems patterns for your answers, with reasons.",
        discussion: """
            Every flag is optional; each answers one question of the decision tree (see \
            'dsadvisor tree'). With none, you get a general answer and the questions that \
            would sharpen it. A custom --tree's own questions work as --<question-id> VALUE.

            Examples:
              dsadvisor recommend --consistency strong
              dsadvisor recommend --consistency eventual --scaling write-heavy --deployment multi-region
              dsadvisor recommend --fault-tolerance byzantine --failures-tolerated 2 --explain
              dsadvisor recommend --answers examples/shopping-cart.yaml --format markdown
              dsadvisor recommend --consistency strong --format adr > docs/adr/0001-consensus.md
              dsadvisor recommend --latency real-time --prioritize latency,throughput --top 3
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: QuestionFlags.help("consistency")) var consistency: String?
    @Option(help: QuestionFlags.help("fault-tolerance")) var faultTolerance: String?
    @Option(help: QuestionFlags.help("failures-tolerated")) var failuresTolerated: String?
    @Option(help: QuestionFlags.help("data-model")) var dataModel: String?
    @Option(help: QuestionFlags.help("communication")) var communication: String?
    @Option(help: QuestionFlags.help("delivery")) var delivery: String?
    @Option(help: QuestionFlags.help("scaling")) var scaling: String?
    @Option(help: QuestionFlags.help("latency")) var latency: String?
    @Option(help: QuestionFlags.help("network")) var network: String?
    @Option(help: QuestionFlags.help("deployment")) var deployment: String?

    @Option(name: .customLong("answers"), help: ArgumentHelp(
        "A YAML file of answers (question id: option id); flags override it.", valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var answersFile: String?

    @Option(help: ArgumentHelp(
        "Characteristics that matter most, first weighs most: \(Performance.characteristics.joined(separator: ",")).",
        valueName: "list"))
    var prioritize: String?

    @Option(help: "How many patterns to show.")
    var top = 5

    @Flag(help: "Show which rules fired and how each moved the scores.")
    var explain = false

    @Option(help: "Output format: text, json, markdown or adr (an Architecture Decision Record).")
    var format: RecommendationRenderer.Format = .text

    @Flag(help: "Run the top pattern's demo afterwards.")
    var demo = false

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var otherAnswers: [String] = []

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard !demo || format == .text else {
            throw ValidationError("--demo prints the demo's timeline after the recommendation: use it with --format text, or run 'dsadvisor demo ID --format json' on its own")
        }
    }

    /// The declared flags, in question order, as `(question id, value)`.
    var declaredAnswers: [(String, String)] {
        [("consistency", consistency), ("fault-tolerance", faultTolerance), ("failures-tolerated", failuresTolerated),
         ("data-model", dataModel), ("communication", communication), ("delivery", delivery), ("scaling", scaling),
         ("latency", latency), ("network", network), ("deployment", deployment)]
            .compactMap { id, value in value.map { (id, $0) } }
    }

    func run() throws {
        try reportingErrors {
            let base = try global.knowledgeBase()
            let advisor = Advisor(base: base)
            var pairs = try answersFile.map { path throws(AdvisorError) in try AnswersFile.load(path, base: base) } ?? []
            for (id, value) in declaredAnswers + (try QuestionFlags.parse(otherAnswers)) {
                pairs.removeAll { $0.0 == id }
                pairs.append((id, value))
            }
            let answers = try advisor.validate(pairs)
            let priorities = try Advisor.validatePriorities(
                (prioritize ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            let recommendation = advisor.recommend(answers, priorities: priorities, top: top)
            let renderer = RecommendationRenderer(base: base, style: format == .text ? global.style : .plain,
                                                  builtDemos: DemoLauncher.builtDemos, explain: explain)
            Console.out(renderer.render(recommendation, as: format))
            if demo, let best = recommendation.best {
                Console.out("\n")
                try DemoLauncher.run(best.pattern)
            }
        }
    }
}
