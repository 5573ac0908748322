import DSAdvisorCore
import Simulation

/// The options every demo takes, handled by the harness rather than the demo: the seed, the
/// output format, quietness. Everything else on the line belongs to the demo's declaration.
struct DemoSharedOptions {
    var seed: UInt64 = 1
    var format = OutputFormat.text
    var quiet = false
    var help = false
    /// Where to write the message-level trace (JSON Lines), if anywhere.
    var trace: String?

    static let help: [(String, String)] = [
        ("--seed <n>", "Seed of the run, 0...18446744073709551615; the same seed prints the same bytes. (default: 1)"),
        ("--format <format>", "text, or json: one object per line (JSON Lines). (default: text)"),
        ("--quiet", "Print only the header, tables and summary, not every event."),
        ("--trace <path>", "Write every message, timer, fault, write and node state of the run to this file, one JSON object per line (README: Trace files)."),
        ("-h, --help", "Show this help."),
    ]

    /// Takes the shared options out of `words`; what is left is the demo's. `seedAllowed`
    /// is false for `check`, which chooses the seeds itself.
    static func split(_ words: [String], seedAllowed: Bool = true) throws(AdvisorError) -> (DemoSharedOptions, [String]) {
        var shared = DemoSharedOptions()
        var rest: [String] = []
        var index = 0
        func value(_ name: String, _ inline: String?) throws(AdvisorError) -> String {
            if let inline { return inline }
            guard index < words.count else { throw AdvisorError(.usage, "\(name) needs a value") }
            index += 1
            return words[index - 1]
        }
        while index < words.count {
            var word = words[index]
            index += 1
            var inline: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                inline = String(word[word.index(after: equals)...])
                word = String(word[..<equals])
            }
            switch word {
            case "--seed":
                guard seedAllowed else {
                    throw AdvisorError(.usage, "--seed is not a demo option for check: give the seeds with --seeds FIRST..LAST")
                }
                let text = try value(word, inline)
                guard let seed = UInt64(text) else {
                    throw AdvisorError(.usage, "--seed must be a whole number within 0...18446744073709551615, not '\(text)'")
                }
                shared.seed = seed
            case "--format":
                let text = try value(word, inline)
                guard let format = OutputFormat(rawValue: text) else {
                    throw AdvisorError(.usage, "--format must be text or json, not '\(text)'")
                }
                shared.format = format
            case "--quiet": shared.quiet = true
            case "--trace":
                let path = try value(word, inline)
                guard !path.isEmpty else { throw AdvisorError(.usage, "--trace needs a path") }
                shared.trace = path
            case "-h", "--help": shared.help = true
            default:
                rest.append(inline.map { "\(word)=\($0)" } ?? word)
                // A value that starts with dashes stays with its option.
                if inline == nil, word.hasPrefix("--"), index < words.count, !words[index].hasPrefix("--") {
                    rest.append(words[index])
                    index += 1
                }
            }
        }
        return (shared, rest)
    }
}

extension AnyDemo {
    /// The demo's own words applied to its defaults, or a usage error naming the nearest option.
    func prepared(_ words: [String]) throws(AdvisorError) -> PreparedDemo {
        switch prepare(words) {
        case .success(let prepared): return prepared
        case .failure(let error):
            let hint = error.unknown.map { typed in
                Suggest.nearest(typed, among: error.known + ["seed", "format", "quiet"]).map { "; did you mean '--\($0)'?" } ?? ""
            } ?? ""
            throw AdvisorError(.usage, error.message + hint)
        }
    }
}
