import ArgumentParser
import DSAdvisorCore
import Foundation

/// `dsadvisor ask`: the decision tree one question at a time.
struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Walk the decision tree question by question, then get a recommendation.",
        discussion: """
            Answer with a number or a name; ?N (or '? strong') explains an option, ? the \
            question, s or an empty line skips, b goes back, q quits. Follow-up questions \
            appear only when they matter. At the end you get the recommendation, the \
            equivalent 'dsadvisor recommend' command line and an offer to run the top demo.

            When standard input is not a terminal, one answer is read per line, so the walk \
            can be scripted; at end of input it recommends from what it has.

            Examples:
              dsadvisor ask
              printf 'strong\\nfail-recovery\\n1\\n' | dsadvisor ask
              dsadvisor ask --top 3 < my-answers.txt
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many patterns to show at the end.")
    var top = 5

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            var prompter = StandardPrompter(style: global.style)
            try walk(base: global.knowledgeBase(), prompter: &prompter, style: global.style)
        }
    }

    /// The walk and its ending, on any prompter (tests pass a scripted one).
    func walk(base: KnowledgeBase, prompter: inout some Prompter, style: Style) throws {
        let interview = Interview(base: base, style: style)
        let (answers, ending) = interview.run(&prompter)
        if ending == .quit {
            prompter.write("Bye. Nothing recommended.\n")
            return
        }
        let recommendation = Advisor(base: base).recommend(answers, top: top)
        let renderer = RecommendationRenderer(base: base, style: style, builtDemos: DemoLauncher.builtDemos)
        prompter.write("\n" + renderer.render(recommendation, as: .text))
        prompter.write("\nThe same from the command line:\n  \(RecommendationRenderer.commandLine(recommendation, trees: global.tree))\n")
        guard ending == .finished, let best = recommendation.best?.pattern, let demo = best.demo,
              DemoLauncher.builtDemos.contains(demo) else { return }
        prompter.write("\nRun the \(best.name) demo now? [y/N] ")
        guard let reply = prompter.readLine(), ["y", "yes"].contains(reply.lowercased().trimmingCharacters(in: .whitespaces)) else {
            prompter.write("\n")
            return
        }
        if !prompter.isInteractive { prompter.write(reply + "\n") }
        try DemoLauncher.run(best)
    }
}

/// Standard input and output. Output goes through `Console` (unbuffered), so each prompt is
/// visible before the read; at a closed or exhausted stdin `readLine` returns nil.
struct StandardPrompter: Prompter {
    let isInteractive = isatty(STDIN_FILENO) != 0
    var style: Style

    mutating func write(_ text: String) { Console.out(text) }

    mutating func readLine() -> String? { Swift.readLine(strippingNewline: true) }
}
