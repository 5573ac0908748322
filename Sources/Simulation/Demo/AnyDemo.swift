/// A pattern module's demo: a namespace that owns its declaration.
public protocol DemoDefinition: SendableMetatype {
    associatedtype Options: DemoOptions
    static var declaration: DemoDeclaration<Options> { get }
}

/// A demo with its options type hidden, for the registry and the CLI.
public struct AnyDemo {
    public let id: String
    public let title: String
    public let story: String
    public let examples: [String]
    public let parameters: [DemoParameterInfo]
    public let invariants: [DemoInvariant]
    public let acceptsInjections: Bool
    /// Applies this demo's own words (parameters and `--inject`) to its default options.
    public let prepare: ([String]) -> Result<PreparedDemo, DemoUsageError>

    public init<D: DemoDefinition>(_ definition: D.Type) {
        let declaration = D.declaration
        id = declaration.id
        title = declaration.title
        story = declaration.story
        examples = declaration.examples
        parameters = declaration.parameters.map(DemoParameterInfo.init)
        invariants = declaration.invariants
        acceptsInjections = declaration.injections != nil
        prepare = { words in declaration.options(from: words).map { PreparedDemo(declaration, $0) } }
    }
}

/// What help, completion and the edge sweep need to know of a parameter.
public struct DemoParameterInfo {
    public let name: String
    public let help: String
    public let valueName: String?
    public let values: [String]
    public let range: String?
    public let defaultText: String
    public let samples: [String]
    public let isOutputFile: Bool
    public let sweep: SweepRole
    /// A random allowed value (see `DemoParameter.draw`).
    public let draw: (inout SeededRNG) -> String?
    public var isFlag: Bool { valueName == nil }

    /// The words that set this parameter to `value` (just the flag for a flag).
    public func words(_ value: String) -> [String] { isFlag ? ["--\(name)"] : ["--\(name)", value] }

    init<O>(_ parameter: DemoParameter<O>) {
        name = parameter.name
        help = parameter.help
        valueName = parameter.valueName
        values = parameter.values
        range = parameter.range
        defaultText = parameter.isFlag ? "" : parameter.defaultValue.text
        samples = parameter.samples
        isOutputFile = parameter.isOutputFile
        sweep = parameter.sweep
        draw = { parameter.draw(&$0) }
    }
}

/// A demo with its options settled, ready to run at any seed.
public struct PreparedDemo {
    public let id: String
    public var seed: UInt64 = 1
    /// The output-file parameters that were given: (parameter name, path).
    public let outputFiles: [(parameter: String, path: String)]
    private let settingsAt: (UInt64) -> [(String, JSONValue)]
    private let replayAt: (UInt64) -> [String]
    private let runAt: (UInt64, Timeline) -> DemoOutcome

    init<O>(_ declaration: DemoDeclaration<O>, _ options: O) {
        id = declaration.id
        func seeded(_ seed: UInt64) -> O {
            var copy = options
            copy.seed = seed
            return copy
        }
        outputFiles = declaration.parameters.filter(\.isOutputFile).compactMap { parameter in
            guard case .string(let path) = parameter.render(options) else { return nil }
            return (parameter.name, path)
        }
        settingsAt = { declaration.settings(seeded($0)) }
        replayAt = { declaration.replayWords(seeded($0)) }
        runAt = { declaration.run(seeded($0), $1) }
    }

    /// The header's settings at this seed.
    public var settings: [(String, JSONValue)] { settingsAt(seed) }

    /// The command that replays this run exactly.
    public var replayCommand: String {
        (["dsadvisor", "demo", id] + replayAt(seed)).map(Self.shellQuoted).joined(separator: " ")
    }

    /// Prints the header, runs the demo, and closes the timeline with the summary and verdict.
    public func run(on timeline: Timeline) -> DemoOutcome {
        timeline.header(demo: id, seed: seed, settings: settings)
        let outcome = runAt(seed, timeline)
        timeline.finish(outcome, replay: replayCommand)
        return outcome
    }

    /// Runs the demo without printing anything; for sweeps.
    public func runQuietly() -> DemoOutcome {
        runAt(seed, Timeline(format: .text, quiet: true, write: { _ in }))
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingQuotes() + "'"
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    }
}
