/// How a demo prints: a human timeline, or the same events as NDJSON.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json
}

/// The printed record of a run, shared by every demo so they all read alike. Text is laid out
/// in 100 columns: time, node, kind, then the message, wrapped under itself. JSON is one object
/// per line with the same content. Nothing here reads a clock; times are virtual.
///
/// The first lines name the seed and every setting, so any run can be replayed from its output.
public final class Timeline {
    public static let width = 100
    public let format: OutputFormat
    /// Quiet runs print the header, warnings and summary, not every event.
    public let quiet: Bool
    public private(set) var eventCount = 0
    private let write: (String) -> Void
    private var pendingSummary: [(String, JSONValue)] = []
    /// A clock for the modes that measure speed; the CLI sets it for runs it prints (see `Stopwatch`).
    public var stopwatch: Stopwatch?

    public init(format: OutputFormat, quiet: Bool, write: @escaping (String) -> Void) {
        self.format = format
        self.quiet = quiet
        self.write = write
    }

    /// The version of the JSON Lines records this timeline writes (README: "Demo output").
    public static let schemaVersion = 2

    /// The run's identity: demo name, seed, and every setting that shapes it. In JSON the
    /// settings are an object of their own, so that no setting's name can collide with a
    /// record's own keys.
    public func header(demo: String, seed: UInt64, settings: [(String, JSONValue)]) {
        switch format {
        case .text:
            let parts = [("seed", JSONValue(seed))] + settings
            emitWrapped("== \(demo) ", parts.map { "\($0.0)=\($0.1.text)" }.joined(separator: " "), indent: 3)
        case .json:
            write(JSONValue.object([("type", "run"), ("schema", JSONValue(Timeline.schemaVersion)),
                                    ("demo", .string(demo)), ("seed", JSONValue(seed)),
                                    ("settings", .object(settings))]).serialized)
        }
    }

    /// One event of the run, at virtual time `time`, on `node` when it concerns one node.
    public func event(_ time: SimTime, node: NodeID? = nil, _ kind: String, _ message: String,
                      fields: [(String, JSONValue)] = []) {
        eventCount += 1
        guard !quiet else { return }
        switch format {
        case .text:
            let clock = pad(SimDuration(nanoseconds: time.nanoseconds).description, to: 12)
            let who = node.map { "n\($0)" } ?? ""
            emitWrapped("\(clock)  \(pad(who, to: 3, left: true))  \(pad(kind, to: 9, left: true)) ", message, indent: 30)
        case .json:
            var pairs: [(String, JSONValue)] = [("type", "event"), ("time", JSONValue(time.nanoseconds))]
            if let node { pairs.append(("node", JSONValue(node))) }
            pairs += [("kind", .string(kind)), ("message", .string(message))] + fields
            write(JSONValue.object(pairs).serialized)
        }
    }

    /// A section heading in text (a blank line and a title); a `section` object in JSON.
    public func section(_ title: String) {
        guard !quiet else { return }
        switch format {
        case .text: write(""); write("-- \(title)")
        case .json: write(JSONValue.object([("type", "section"), ("title", .string(title))]).serialized)
        }
    }

    /// A free-form line of prose (text) or note (JSON), always printed, even when quiet.
    public func note(_ message: String) {
        switch format {
        case .text: emitWrapped("", message, indent: 0)
        case .json: write(JSONValue.object([("type", "note"), ("message", .string(message))]).serialized)
        }
    }

    /// A table, always printed: aligned columns in text, one object per row in JSON.
    public func table(_ title: String, columns: [String], rows: [[JSONValue]]) {
        switch format {
        case .text:
            write("")
            write(title)
            let cells = [columns] + rows.map { $0.map(\.text) }
            let widths = columns.indices.map { c in cells.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
            for (r, row) in cells.enumerated() {
                let line = row.enumerated().map { c, cell in
                    c == 0 ? pad(cell, to: widths[c], left: true) : pad(cell, to: widths[c])
                }.joined(separator: "  ")
                write("  " + line)
                if r == 0 { write("  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
            }
        case .json:
            for row in rows {
                let pairs = zip(columns, row).map { ($0, $1) }
                write(JSONValue.object([("type", "row"), ("table", .string(title))] + pairs).serialized)
            }
        }
    }

    /// The closing summary's figures. They are held back and printed by `finish`, after
    /// everything else and together with the verdict, so the summary is always the last block.
    public func summary(_ rows: [(String, JSONValue)]) {
        pendingSummary += rows
    }

    /// Ends the run: the summary with its verdict first, then the finding behind a verdict
    /// other than PASS, with what it takes to replay the run.
    public func finish(_ outcome: DemoOutcome, replay: String) {
        let verdict = outcome.verdict
        let rows = [("verdict", JSONValue.string(verdict.rawValue))] + pendingSummary
        pendingSummary = []
        switch format {
        case .text:
            write("")
            write("Summary")
            let width = rows.map(\.0.count).max() ?? 0
            for (key, value) in rows {
                emitWrapped("  " + pad(key, to: width, left: true) + "  ", value.text, indent: width + 4)
            }
            if let finding = outcome.finding {
                write("")
                let title = "\(verdict.rawValue): "
                emitWrapped(title, "\(finding.description). This verdict means \(verdict.meaning).", indent: title.count)
                emitWrapped("replay: ", replay, indent: 8)
            }
        case .json:
            var pairs: [(String, JSONValue)] = [("type", "summary")] + rows
            pairs.append(("exit", JSONValue(verdict.exitCode)))
            if let finding = outcome.finding {
                pairs.append(("finding", .object([
                    ("invariant", .string(finding.invariant)), ("detail", .string(finding.detail)),
                    ("seed", JSONValue(finding.seed)), ("step", JSONValue(finding.step)),
                    ("time", JSONValue(finding.time.nanoseconds)),
                ])))
            }
            pairs.append(("replay", .string(replay)))
            write(JSONValue.object(pairs).serialized)
        }
    }

    /// Writes `prefix + message`, wrapping the message at word boundaries so that no line
    /// passes `width` columns; continuation lines start at column `indent`.
    private func emitWrapped(_ prefix: String, _ message: String, indent: Int) {
        var line = prefix
        var lineHasWord = false
        let room = Timeline.width
        for word in message.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > room {
                write(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        write(line)
    }
}

/// Pads `s` with spaces to `width` columns, on the left (right-aligned) by default.
func pad(_ s: String, to width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? s + fill : fill + s
}
