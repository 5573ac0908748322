import DSAdvisorCore
import Foundation

/// The small knowledge base under Fixtures/tree, independent of the real content in trees/.
enum Fixture {
    static let treePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tree").path

    static let base: KnowledgeBase = {
        do { return try KnowledgeBaseLoader.load(path: treePath) } catch { fatalError("fixture does not load: \(error)") }
    }()

    /// The fixture's questions plus the given YAML, as separate files.
    static func check(_ yaml: String, name: String = "extra.yaml") -> [Diagnostic] {
        let questions = (try? SourceFile.read(treePath + "/questions.yaml"))!
        return KnowledgeBaseLoader.check([questions, SourceFile(name: name, text: yaml)]).1
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dsadvisor-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
