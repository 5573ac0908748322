import ArgumentParser
import DSAdvisorCore

/// Options every advisor command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A knowledge-base file or folder of *.yaml to use instead of the built-in one.",
        valueName: "path"), completion: .file())
    var tree: String?

    @Flag(name: .long, help: "Never colour the output (also: NO_COLOR=1).")
    var noColor = false

    /// The built-in knowledge base, or the one at `--tree`.
    func knowledgeBase() throws(AdvisorError) -> KnowledgeBase {
        guard let tree else { return .embedded }
        return try KnowledgeBaseLoader.load(path: tree)
    }

    var style: Style { Console.style(noColor: noColor) }
}
