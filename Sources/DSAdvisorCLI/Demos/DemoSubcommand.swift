import ArgumentParser
import DSAdvisorCore
import Simulation

/// `dsadvisor demo NAME …` for a demo declared in its pattern's module. ArgumentParser only
/// names the command and hands over the words; the declaration parses and validates them, so
/// the demo's parameters are described in one place (see `DemoDeclaration`).
struct DemoSubcommand<Definition: DemoDefinition>: ParsableCommand {
    static var demo: AnyDemo { AnyDemo(Definition.self) }

    static var configuration: CommandConfiguration {
        let demo = demo
        return CommandConfiguration(
            commandName: demo.id, abstract: demo.title, usage: DemoHelp.usage(demo),
            discussion: DemoHelp.discussion(demo),
            // The declaration's own help page lists the demo's options; ArgumentParser's would not.
            helpNames: [])
    }

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("The demo's options, listed below.", valueName: "options"),
              completion: .custom { words, index, _ in DemoCompletion.candidates(Self.demo, words: words, index: index) })
    var words: [String] = []

    func run() throws {
        try reportingErrors { try DemoExecution.run(Self.demo, words: words) }
    }
}

/// Runs a demo from its command line and turns its verdict into the exit code.
enum DemoExecution {
    static func run(_ demo: AnyDemo, words: [String]) throws {
        let (shared, own) = try DemoSharedOptions.split(words)
        if shared.help {
            Console.out(DemoHelp.page(demo) + "\n")
            return
        }
        var prepared = try demo.prepared(own)
        prepared.seed = shared.seed
        let verdict = try run(prepared, shared: shared)
        if verdict != .pass { throw ExitCode(verdict.exitCode) }
    }

    /// Prints the run to stdout, a block at a time, and writes its artifacts to the files
    /// named on the command line, which are opened before the run so a bad path fails at once.
    static func run(_ prepared: PreparedDemo, shared: DemoSharedOptions) throws -> DemoVerdict {
        let traceFile = try shared.trace.map { path throws(AdvisorError) in try OutputFile(path, for: "--trace") }
        var files: [(parameter: String, file: OutputFile)] = []
        for (parameter, path) in prepared.outputFiles {
            files.append((parameter, try OutputFile(path, for: "--\(parameter)")))
        }
        var buffer = ""
        let timeline = Timeline(format: shared.format, quiet: shared.quiet) { line in
            buffer += line
            buffer += "\n"
            if buffer.utf8.count >= 1 << 16 {
                Console.out(buffer)
                buffer = ""
            }
        }
        timeline.stopwatch = .system
        let recorder = traceFile == nil ? nil : TraceRecorder()
        let outcome = TraceRecorder.$current.withValue(recorder) { prepared.run(on: timeline) }
        Console.out(buffer)
        if let traceFile, let recorder { try writeTrace(recorder, of: prepared, outcome: outcome, to: traceFile) }
        for (parameter, file) in files {
            let lines = outcome.artifacts.filter { $0.parameter == parameter }.flatMap(\.lines)
            try file.write(lines.map { $0 + "\n" }.joined())
        }
        return outcome.verdict
    }
}

extension DemoExecution {
    /// The trace file: a first line naming the run, every record, a last line with the verdict.
    static func writeTrace(_ recorder: TraceRecorder, of prepared: PreparedDemo, outcome: DemoOutcome,
                           to file: OutputFile) throws(AdvisorError) {
        let head = JSONValue.object([
            ("type", "trace"), ("schema", JSONValue(TraceRecorder.schemaVersion)), ("demo", .string(prepared.id)),
            ("seed", JSONValue(prepared.seed)), ("settings", .object(prepared.settings)),
            ("replay", .string(prepared.replayCommand)),
        ])
        var text = head.serialized + "\n"
        for line in recorder.lines {
            text += line
            text += "\n"
            if text.utf8.count >= 1 << 16 {
                try file.write(text)
                text = ""
            }
        }
        let verdict = outcome.verdict
        text += JSONValue.object([("type", "verdict"), ("verdict", .string(verdict.rawValue)),
                                  ("exit", JSONValue(verdict.exitCode)),
                                  ("finding", .optional(outcome.finding?.description))]).serialized + "\n"
        try file.write(text)
    }
}

/// Shell completion for a demo's options, from its declaration: option names, and after an
/// option with enumerated values, those values.
enum DemoCompletion {
    static func candidates(_ demo: AnyDemo, words: [String], index: Int) -> [String] {
        let previous = index > 0 && index - 1 < words.count ? words[index - 1] : ""
        if previous == "--format" { return OutputFormat.allCases.map(\.rawValue) }
        if previous.hasPrefix("--"), let parameter = demo.parameters.first(where: { "--\($0.name)" == previous }),
           !parameter.isFlag {
            return parameter.values
        }
        return demo.parameters.map { "--\($0.name)" } + ["--seed", "--format", "--quiet", "--trace", "--help"]
            + (demo.acceptsInjections ? ["--inject"] : [])
    }
}
