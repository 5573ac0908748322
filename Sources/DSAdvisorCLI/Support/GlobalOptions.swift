import ArgumentParser
import DSAdvisorCore

/// Options every advisor command shares. The root command declares them too, so they may come
/// before or after the subcommand's name (`dsadvisor --tree A recommend --tree B`): the root
/// parses them wherever they are, in order, and ArgumentParser hands the same decoded value
/// to the subcommand's `@OptionGroup` of this type.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A knowledge-base file or folder of *.yaml to use instead of the built-in one. Repeat it to merge several, in order (a duplicate id is an error).",
        valueName: "path"), completion: .file())
    var tree: [String] = []

    @Flag(name: .long, help: "Never colour the output (also: NO_COLOR=1).")
    var noColor = false

    /// The built-in knowledge base, or the union of the `--tree` paths in order, checked as one.
    func knowledgeBase() throws(AdvisorError) -> KnowledgeBase {
        guard !tree.isEmpty else { return .embedded }
        return try KnowledgeBaseLoader.load(sourceFiles())
    }

    /// Every file of every `--tree` path, in command-line order, each folder in name order.
    func sourceFiles() throws(AdvisorError) -> [SourceFile] {
        var files: [SourceFile] = []
        for path in tree { files += try SourceFile.readTree(path) }
        return files
    }

    var style: Style { Console.style(noColor: noColor) }
}
