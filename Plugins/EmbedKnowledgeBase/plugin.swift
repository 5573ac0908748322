import Foundation
import PackagePlugin

/// Compiles `trees/*.yaml` into the target as Swift literals (see GenerateKnowledgeBase), so
/// the knowledge base has one copy, in `trees/`, and the binary needs no files at run time.
@main
struct EmbedKnowledgeBase: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let trees = context.package.directoryURL.appending(path: "trees")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: trees.path())) ?? []
        let inputs = names.filter { $0.hasSuffix(".yaml") }.sorted().map { trees.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKnowledgeBase.swift")
        let generator = try context.tool(named: "GenerateKnowledgeBase")
        return [
            .buildCommand(
                displayName: "Embedding the knowledge base from trees/",
                executable: generator.url,
                arguments: [output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
