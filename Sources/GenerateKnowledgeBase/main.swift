import Foundation
import KnowledgeBase

// Build-time generator: reads trees/*.yaml with the same loader `--tree` uses and writes the
// knowledge base as Swift literals, so the binary starts without parsing YAML. A tree that
// does not load fails the build with file:line:col errors.
//
// usage: GenerateKnowledgeBase OUTPUT.swift INPUT.yaml...

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: GenerateKnowledgeBase OUTPUT.swift INPUT.yaml...\n".utf8))
    exit(64)
}
let inputs = arguments.dropFirst().sorted { ($0 as NSString).lastPathComponent < ($1 as NSString).lastPathComponent }

do {
    var files: [SourceFile] = []
    for path in inputs {
        var file = try SourceFile.read(path)
        // Locations read `trees/patterns.yaml`, not a path on the build machine.
        let url = URL(fileURLWithPath: path)
        file.name = url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
        files.append(file)
    }
    let base = try KnowledgeBaseLoader.load(files)
    let source = SwiftLiteralWriter.source(for: base)
    // Leave the file alone when nothing changed, so dependants are not rebuilt.
    if (try? String(contentsOfFile: output, encoding: .utf8)) != source {
        try source.write(toFile: output, atomically: true, encoding: .utf8)
    }
} catch let error as AdvisorError {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    exit(error.exitCode)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
