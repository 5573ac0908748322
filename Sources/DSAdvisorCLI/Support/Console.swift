import ArgumentParser
import DSAdvisorCore
import Foundation

/// Where the commands write. Tests swap in a capture for one call with
/// `Console.$capture.withValue(…)`; otherwise text goes to stdout and stderr through checked
/// writes: a full disk, a closed stream or a broken pipe ends the command with one line and
/// EX_IOERR (74) instead of a trap.
enum Console {
    @TaskLocal static var capture: OutputCapture?

    static func out(_ text: String) {
        if let capture { capture.append(out: text) } else if !OutputStream.write(text, to: STDOUT_FILENO) {
            failWriting("standard output")
        }
    }

    static func err(_ text: String) {
        if let capture { capture.append(err: text) } else {
            // Nowhere left to report a failure to write the report itself.
            _ = OutputStream.write(text, to: STDERR_FILENO)
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

    /// A write to stdout failed: say so once on stderr and exit 74.
    static func failWriting(_ what: String) -> Never {
        let reason = String(cString: strerror(errno))
        _ = OutputStream.write("dsadvisor: error: cannot write to \(what): \(reason)\n", to: STDERR_FILENO)
        exit(AdvisorError.Kind.ioError.rawValue)
    }

    /// Colour only for a terminal, never with NO_COLOR set or --no-color.
    static func style(noColor: Bool) -> Style {
        if noColor || capture != nil { return .plain }
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return .plain }
        return Style(color: isatty(STDOUT_FILENO) != 0)
    }
}

/// Whole writes to a file descriptor, retried after short writes and interrupts.
enum OutputStream {
    /// False when the descriptor refused the bytes (ENOSPC, EBADF, EPIPE with SIGPIPE ignored…).
    static func write(_ text: String, to descriptor: Int32) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        bytes.removeAll()
        return true
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
