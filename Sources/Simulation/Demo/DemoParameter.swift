/// The settings of a demo run, as one value. Every stored property has its default written
/// once, at its declaration; `defaults` is `Self()`, which takes them all (and leaves the
/// memberwise initializer to the module's tests). The demo's declaration binds command-line
/// parameters to these properties by key path, so help, validation, the header, the replay
/// line and JSON all read the same default from here.
public protocol DemoOptions: SendableMetatype {
    /// Every property at its declared default.
    static var defaults: Self { get }
    var seed: UInt64 { get set }
}

/// One command-line parameter of a demo: `--name VALUE` (or `--name` for a flag), bound to a
/// property of the demo's options. Its range or its values are stated here and nowhere else.
public struct DemoParameter<Options: DemoOptions> {
    /// The flag's name without dashes: `nodes` for `--nodes`.
    public let name: String
    public let help: String
    /// What the value looks like in help: `n`, `ms`, `path`; nil for a flag.
    public let valueName: String?
    /// The allowed values, for help, completion and error messages; empty when free-form.
    public let values: [String]
    /// The allowed range as typed, `3...9`; nil when not numeric.
    public let range: String?
    /// Sweeps try the range's ends and random values inside it (`check --edges`).
    public let samples: [String]
    /// How the CI sweep treats this parameter (`check --edges`, `check --variants`).
    public var sweep = SweepRole.value
    /// Draws a random allowed value, for the sweep's random combinations; nil: pick a sample.
    var drawValue: ((inout SeededRNG) -> String)?
    /// The value is a path the CLI opens for writing before the run and fills with the
    /// outcome's artifact of this name afterwards (`DemoOutcome.artifacts`).
    public var isOutputFile = false
    /// Sets the property from the typed value; returns what is wrong with it, or nil.
    let assign: (inout Options, String) -> String?
    /// The property's value as the header and JSON print it.
    public let render: (Options) -> JSONValue

    public var isFlag: Bool { valueName == nil }

    /// The value of this parameter in `Options.defaults`.
    public var defaultValue: JSONValue { render(Options.defaults) }

    /// Sets the parameter on `options`, or says in one line why the value is not allowed.
    public func apply(_ text: String, to options: inout Options) -> String? {
        assign(&options, text).map { "--\(name) \($0)" }
    }

    /// The command-line words that reproduce this parameter's value in `options`, or nothing
    /// when it is the default.
    public func replayWords(_ options: Options) -> [String] {
        let value = render(options)
        guard value != defaultValue else { return [] }
        if isFlag { return ["--\(name)"] }
        return ["--\(name)", value.text]
    }

    public init(name: String, help: String, valueName: String?, values: [String] = [], range: String? = nil,
                samples: [String] = [], assign: @escaping (inout Options, String) -> String?,
                render: @escaping (Options) -> JSONValue) {
        self.name = name
        self.help = help
        self.valueName = valueName
        self.values = values
        self.range = range
        self.samples = samples
        self.assign = assign
        self.render = render
    }
}

/// What a parameter is to the sweeps that try a demo across its ranges.
public enum SweepRole: Sendable {
    /// An ordinary setting: try its range's ends and random values inside it.
    case value
    /// Selects a deliberately broken variant: kept out of the value sweeps, and each of its
    /// values other than `none` must be caught (`check --variants`).
    case brokenVariant
    /// Selects or tunes another mode of the demo (an experiment, a wall-clock benchmark): left
    /// to its own command line, never swept.
    case mode
}

extension DemoParameter {
    /// Marks the parameter as the switch for deliberately broken variants.
    public func asBrokenVariant() -> DemoParameter {
        var copy = self
        copy.sweep = .brokenVariant
        return copy
    }

    /// Marks the parameter as selecting another mode of the demo.
    public func asMode() -> DemoParameter {
        var copy = self
        copy.sweep = .mode
        return copy
    }

    /// A random allowed value: uniform in a numeric range, else one of the samples.
    public func draw(_ rng: inout SeededRNG) -> String? {
        if let drawValue { return drawValue(&rng) }
        return rng.pick(samples)
    }
}

extension DemoParameter {
    /// An integer within `range` (and optionally a few values outside it, such as 0 for "off").
    public static func integer<V: FixedWidthInteger & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<Options, V>, in range: ClosedRange<V>,
        also extra: [V] = [], valueName: String = "n", help: String
    ) -> DemoParameter {
        let rangeText = (extra.map { "\($0)" } + ["\(range.lowerBound)...\(range.upperBound)"]).joined(separator: " or ")
        var parameter = DemoParameter(
            name: name, help: help, valueName: valueName, range: rangeText,
            samples: extra.map { "\($0)" } + ["\(range.lowerBound)", "\(range.upperBound)"],
            assign: { options, text in
                guard let value = V(text), range.contains(value) || extra.contains(value) else {
                    return "must be \(extra.isEmpty ? "within " : "")\(rangeText), not '\(text)'"
                }
                options[keyPath: keyPath] = value
                return nil
            },
            render: { JSONValue($0[keyPath: keyPath]) })
        let low = Int64(clamping: range.lowerBound), high = Int64(clamping: range.upperBound)
        parameter.drawValue = { rng in "\(low + Int64(bitPattern: rng.below(UInt64(bitPattern: high &- low) &+ 1)))" }
        return parameter
    }

    /// A duration typed in whole milliseconds (`--timeout-ms 250`).
    public static func milliseconds(
        _ name: String, _ keyPath: WritableKeyPath<Options, SimDuration>, in range: ClosedRange<UInt64>,
        help: String
    ) -> DemoParameter {
        var parameter = DemoParameter(
            name: name, help: help, valueName: "ms", range: "\(range.lowerBound)...\(range.upperBound)",
            samples: ["\(range.lowerBound)", "\(range.upperBound)"],
            assign: { options, text in
                guard let value = UInt64(text), range.contains(value) else {
                    return "must be within \(range.lowerBound)...\(range.upperBound) (milliseconds), not '\(text)'"
                }
                options[keyPath: keyPath] = .milliseconds(value)
                return nil
            },
            render: { JSONValue($0[keyPath: keyPath].milliseconds) })
        parameter.drawValue = { rng in "\(range.lowerBound + rng.below(range.upperBound - range.lowerBound + 1))" }
        return parameter
    }

    /// One of an enumeration's raw values.
    public static func choice<E: CaseIterable & RawRepresentable>(
        _ name: String, _ keyPath: WritableKeyPath<Options, E>, valueName: String = "name", help: String
    ) -> DemoParameter where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        return DemoParameter(
            name: name, help: help, valueName: valueName, values: names, samples: names,
            assign: { options, text in
                guard let value = E(rawValue: text) else { return "must be one of \(names.joined(separator: ", ")), not '\(text)'" }
                options[keyPath: keyPath] = value
                return nil
            },
            render: { .string($0[keyPath: keyPath].rawValue) })
    }

    /// One of an enumeration's raw values, or `none` for nil (a deliberately broken variant, say).
    public static func optionalChoice<E: CaseIterable & RawRepresentable>(
        _ name: String, _ keyPath: WritableKeyPath<Options, E?>, valueName: String = "name", help: String
    ) -> DemoParameter where E.RawValue == String {
        let names = ["none"] + E.allCases.map(\.rawValue)
        return DemoParameter(
            name: name, help: help, valueName: valueName, values: names, samples: names,
            assign: { options, text in
                guard text == "none" || E(rawValue: text) != nil else {
                    return "must be one of \(names.joined(separator: ", ")), not '\(text)'"
                }
                options[keyPath: keyPath] = E(rawValue: text)
                return nil
            },
            render: { .string($0[keyPath: keyPath]?.rawValue ?? "none") })
    }

    /// A flag that sets a Boolean property to `value` (`--no-prevote` sets `preVote` to false).
    public static func flag(_ name: String, _ keyPath: WritableKeyPath<Options, Bool>, setsTo value: Bool = true,
                            help: String) -> DemoParameter {
        DemoParameter(
            name: name, help: help, valueName: nil, samples: [""],
            assign: { options, _ in
                options[keyPath: keyPath] = value
                return nil
            },
            render: { .bool($0[keyPath: keyPath] == value) })
    }

    /// Free text, such as a path; nil by default.
    public static func text(_ name: String, _ keyPath: WritableKeyPath<Options, String?>, valueName: String = "path",
                            help: String) -> DemoParameter {
        DemoParameter(
            name: name, help: help, valueName: valueName,
            assign: { options, text in
                guard !text.isEmpty else { return "needs a value" }
                options[keyPath: keyPath] = text
                return nil
            },
            render: { .optional($0[keyPath: keyPath]) })
    }

    /// A path the run's artifact of the same name is written to (`--history FILE`). The
    /// pattern only fills `DemoOutcome.artifacts`; the CLI opens and writes the file.
    public static func outputFile(_ name: String, _ keyPath: WritableKeyPath<Options, String?>, help: String) -> DemoParameter {
        var parameter = text(name, keyPath, valueName: "path", help: help)
        parameter.isOutputFile = true
        return parameter
    }

    /// A comma-separated list of integers, each within `range`.
    public static func integerList<V: FixedWidthInteger & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<Options, [V]>, in range: ClosedRange<V>, count: ClosedRange<Int>,
        help: String
    ) -> DemoParameter {
        let rangeText = "\(count.lowerBound)...\(count.upperBound) values, each within \(range.lowerBound)...\(range.upperBound)"
        return DemoParameter(
            name: name, help: help, valueName: "a,b,…", range: rangeText,
            samples: ["\(range.lowerBound)", "\(range.upperBound)"],
            assign: { options, text in
                let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { V(String($0)) }
                guard count.contains(parts.count), parts.allSatisfy({ $0.map(range.contains) ?? false }) else {
                    return "must be \(rangeText), not '\(text)'"
                }
                options[keyPath: keyPath] = parts.map { $0! }
                return nil
            },
            render: { .string($0[keyPath: keyPath].map { "\($0)" }.joined(separator: ",")) })
    }

    /// Anything else: `parse` turns the text into a value or nil, `format` prints it back.
    public static func custom<V>(
        _ name: String, _ keyPath: WritableKeyPath<Options, V>, valueName: String, syntax: String,
        values: [String] = [], samples: [String] = [], parse: @escaping (String) -> V?,
        format: @escaping (V) -> JSONValue, help: String
    ) -> DemoParameter {
        DemoParameter(
            name: name, help: help, valueName: valueName, values: values, range: syntax, samples: samples,
            assign: { options, text in
                guard let value = parse(text) else { return "must be \(syntax), not '\(text)'" }
                options[keyPath: keyPath] = value
                return nil
            },
            render: { format($0[keyPath: keyPath]) })
    }
}
