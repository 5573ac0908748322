/// A failure the user can act on, with the sysexits code the CLI exits with.
public struct AdvisorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        /// EX_USAGE: a bad flag, value or id.
        case usage = 64
        /// EX_DATAERR: a knowledge base or answers file that does not load.
        case data = 65
        /// EX_NOINPUT: a file that is not there or cannot be read.
        case noInput = 66
        /// EX_UNAVAILABLE: something named in the catalog that is not built.
        case unavailable = 69
        /// EX_SOFTWARE: an invariant of ours broke.
        case software = 70
        /// EX_CANTCREAT: an output file that cannot be created, or is not a regular file.
        case cantCreate = 73
        /// EX_IOERR: a write that failed (a full disk, a closed stream).
        case ioError = 74
    }

    public var kind: Kind
    public var message: String
    /// Every problem found, each with its file, line and column, when there are several.
    public var diagnostics: [Diagnostic]

    public init(_ kind: Kind, _ message: String, diagnostics: [Diagnostic] = []) {
        self.kind = kind
        self.message = message
        self.diagnostics = diagnostics
    }

    public var exitCode: Int32 { kind.rawValue }

    public var description: String {
        diagnostics.isEmpty ? message : diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// One problem in a knowledge-base or answers file, in the compilers' `file:line:col:` form.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String

    public init(_ location: SourceLocation?, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String {
        guard let location else { return "error: \(message)" }
        return "\(location): error: \(message)"
    }
}
