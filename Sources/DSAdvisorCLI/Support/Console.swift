import ArgumentParser
import DSAdvisorCore
import Foundation

/// Where the advisor commands write. Tests swap in a capture for one call with
/// `Console.$capture.withValue(…)`; otherwise text goes to stdout and stderr.
enum Console {
    @TaskLocal static var capture: OutputCapture?

    static func out(_ text: String) {
        if let capture { capture.append(out: text) } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func err(_ text: String) {
        if let capture { capture.append(err: text) } else {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Prints a failure as `dsadvisor: error: …`, one line per problem.
    static func report(_ error: AdvisorError) {
        if error.diagnostics.isEmpty {
            err("dsadvisor: error: \(error.message)\n")
        } else {
            for diagnostic in error.diagnostics { err("\(diagnostic)\n") }
        }
    }

    /// Colour only for a terminal, never with NO_COLOR set or --no-color.
    static func style(noColor: Bool) -> Style {
        if noColor || capture != nil { return .plain }
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return .plain }
        return Style(color: isatty(STDOUT_FILENO) != 0)
    }
}

/// Output captured in memory, for tests.
final class OutputCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    init() {}

    func append(out text: String) { lock.withLock { outText += text } }
    func append(err text: String) { lock.withLock { errText += text } }
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }
}

/// Runs a command body, turning an `AdvisorError` into its message and sysexits code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as AdvisorError {
        Console.report(error)
        throw ExitCode(error.exitCode)
    }
}
