/// A demo, declared once in its pattern's module: what it is, its parameters (each bound to a
/// property of its options, with its range and help), the faults it can honour, the
/// invariants it checks, and how to run it. Everything the CLI shows or accepts for the demo
/// (help, validation, completion, the man page, the printed header, the replay line, `check`
/// and JSON) is derived from this value, so a default or a range is never stated twice.
public struct DemoDeclaration<Options: DemoOptions> {
    /// The registry key, also the catalog's `demo:` field and the subcommand's name.
    public var id: String
    /// One line for listings and help.
    public var title: String
    /// What a run shows, as paragraphs for help and the man page.
    public var story: String
    /// Command lines after `dsadvisor`, shown in help.
    public var examples: [String]
    public var parameters: [DemoParameter<Options>]
    /// What the run checks, for help and the man page.
    public var invariants: [DemoInvariant]
    /// Where `--inject`'s scripted faults go; nil when the demo cannot honour them.
    public var injections: WritableKeyPath<Options, [ScheduledFault]>?
    /// How many simulated nodes a run with these options has (for `--inject`'s node names).
    public var nodeCount: (Options) -> Int
    /// Settings the header prints that follow from the parameters (timeouts, derived sizes).
    public var details: (Options) -> [(String, JSONValue)]
    /// What is wrong with a combination of settings that each parameter's own range allows
    /// (an option the selected mode does not use, say), or nil; a usage error, exit 64.
    public var validate: (Options) -> String?
    /// Runs the demo. The harness has printed the header; the demo prints its timeline and
    /// summary and returns what it found.
    public var run: (Options, Timeline) -> DemoOutcome

    public init(id: String, title: String, story: String, examples: [String] = [],
                parameters: [DemoParameter<Options>], invariants: [DemoInvariant],
                injections: WritableKeyPath<Options, [ScheduledFault]>? = nil,
                nodeCount: @escaping (Options) -> Int = { _ in 0 },
                details: @escaping (Options) -> [(String, JSONValue)] = { _ in [] },
                validate: @escaping (Options) -> String? = { _ in nil },
                run: @escaping (Options, Timeline) -> DemoOutcome) {
        self.id = id
        self.title = title
        self.story = story
        self.examples = examples
        self.parameters = parameters
        self.invariants = invariants
        self.injections = injections
        self.nodeCount = nodeCount
        self.details = details
        self.validate = validate
        self.run = run
    }

    /// The parameters and injections typed in `words` applied to `Options.defaults`, or the first
    /// thing wrong with them. `words` holds only this demo's own parameters and `--inject`.
    public func options(from words: [String]) -> Result<Options, DemoUsageError> {
        var options = Options.defaults
        var injected: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--") else { return .failure(DemoUsageError("unexpected argument '\(word)'")) }
            var name = String(word.dropFirst(2))
            var inline: String?
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if name == "inject" {
                guard let text = inline ?? (index < words.count ? words[index] : nil) else {
                    return .failure(DemoUsageError("--inject needs a fault, such as '2.5s crash n2'"))
                }
                if inline == nil { index += 1 }
                injected.append(text)
                continue
            }
            guard let parameter = parameters.first(where: { $0.name == name }) else {
                return .failure(DemoUsageError("unknown option '--\(name)' for demo \(id)",
                                               unknown: name, known: parameters.map(\.name) + ["inject"]))
            }
            var value = inline ?? ""
            if !parameter.isFlag && inline == nil {
                guard index < words.count else { return .failure(DemoUsageError("--\(name) needs a value")) }
                value = words[index]
                index += 1
            }
            if let problem = parameter.apply(value, to: &options) { return .failure(DemoUsageError(problem)) }
        }
        guard !injected.isEmpty else { return validated(options) }
        guard let injections else {
            return .failure(DemoUsageError("demo \(id) cannot honour --inject: its faults come from its own story or --faults"))
        }
        var faults: [ScheduledFault] = []
        for text in injected {
            switch FaultScript.parse(text, nodeCount: nodeCount(options)) {
            case .success(let fault): faults.append(fault)
            case .failure(let error): return .failure(DemoUsageError(error.description))
            }
        }
        options[keyPath: injections] = FaultPlan(faults).faults
        return validated(options)
    }

    private func validated(_ options: Options) -> Result<Options, DemoUsageError> {
        if let problem = validate(options) { return .failure(DemoUsageError(problem)) }
        return .success(options)
    }

    /// The header's settings: every parameter, the injections, then the derived details.
    public func settings(_ options: Options) -> [(String, JSONValue)] {
        var settings = parameters.map { ($0.name, $0.render(options)) }
        if let injections, !options[keyPath: injections].isEmpty {
            settings.append(("inject", .array(options[keyPath: injections].map { .string(FaultScript.text($0)) })))
        }
        return settings + details(options)
    }

    /// The words after `dsadvisor demo ID` that reproduce `options`: the seed, then every
    /// parameter that differs from its default, then the injections.
    public func replayWords(_ options: Options) -> [String] {
        var words = ["--seed", String(options.seed)]
        for parameter in parameters { words += parameter.replayWords(options) }
        if let injections {
            for fault in options[keyPath: injections] { words += ["--inject", FaultScript.text(fault)] }
        }
        return words
    }
}

/// What a demo checks, as help and the man page list it.
public struct DemoInvariant: Sendable {
    public enum Kind: String, Sendable {
        /// Must hold after every step, faults or not.
        case safety
        /// Must be reached once faults stop, within a horizon computed from the run's settings.
        case liveness
    }

    public var name: String
    public var kind: Kind
    public var statement: String

    public init(_ name: String, _ kind: Kind, _ statement: String) {
        self.name = name
        self.kind = kind
        self.statement = statement
    }
}

/// A demo's command line was wrong: one line, exit 64.
public struct DemoUsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// For an unknown option: what was typed and the names it could have meant, so the CLI
    /// can suggest the nearest.
    public var unknown: String?
    public var known: [String]
    public init(_ message: String, unknown: String? = nil, known: [String] = []) {
        self.message = message
        self.unknown = unknown
        self.known = known
    }
    public var description: String { message }
}
