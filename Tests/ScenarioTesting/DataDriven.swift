import Foundation

/// Protocol tests as readable text, in the manner of etcd-io/raft's `testdata/*.txt` and
/// cockroachdb/datadriven. A scenario file is a list of stanzas:
///
///     # why this stanza exists
///     partition n0 | n1 n2 n3 n4
///     ----
///     <the output the command must print>
///
/// A stanza is a command line (a command and its arguments), `----`, then the expected
/// output up to a blank line. `#` lines are comments and are kept. The handler runs each
/// command in order on one shared state and returns what it prints. With
/// `DSADVISOR_REWRITE=1`, the file is rewritten with the actual output, so a change in
/// behaviour is reviewed as a diff instead of edited by hand.
public struct ScenarioStanza: Sendable {
    /// 1-based line of the command in its file.
    public var line: Int
    public var command: String
    /// Words after the command; `key=value` words are also in `options`.
    public var arguments: [String]
    public var options: [String: String]
    public var expected: String
    /// The comment lines above the command, as written.
    var comments: [String]

    /// The whole command line as written.
    public var text: String { ([command] + arguments).joined(separator: " ") }

    /// `key=value`'s value, or `fallback`.
    public func option(_ key: String, _ fallback: String) -> String { options[key] ?? fallback }
}

public struct ScenarioFailure: Error, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var command: String
    public var expected: String
    public var actual: String

    public var description: String {
        "\(file):\(line): '\(command)' printed:\n\(actual)\nexpected:\n\(expected)\n"
            + "(rerun with DSADVISOR_REWRITE=1 to accept the new output, then review the diff)"
    }
}

public enum DataDriven {
    /// Every `*.txt` under `directory`, sorted by name.
    public static func files(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted().map { directory + "/" + $0 }
    }

    /// Parses `text` into stanzas; a malformed file is a thrown error naming the line.
    public static func parse(_ text: String, file: String) throws -> [ScenarioStanza] {
        var stanzas: [ScenarioStanza] = []
        var comments: [String] = []
        let lines = text.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                comments.append(line)
                continue
            }
            let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard index < lines.count, lines[index] == "----" else {
                throw ScenarioFailure(file: file, line: index, command: trimmed, expected: "----", actual: "(missing separator)")
            }
            index += 1
            var expected: [String] = []
            while index < lines.count, !lines[index].isEmpty {
                expected.append(lines[index])
                index += 1
            }
            var options: [String: String] = [:]
            for word in words.dropFirst() {
                if let equals = word.firstIndex(of: "=") {
                    options[String(word[..<equals])] = String(word[word.index(after: equals)...])
                }
            }
            stanzas.append(ScenarioStanza(line: index - expected.count - 1, command: words[0],
                                          arguments: Array(words.dropFirst()), options: options,
                                          expected: expected.joined(separator: "\n"), comments: comments))
            comments = []
        }
        return stanzas
    }

    /// Runs every stanza of `file` through `handler`; returns the stanzas whose output differs
    /// (empty when all match, or after a rewrite).
    public static func run(_ file: String, handler: (ScenarioStanza) throws -> String) throws -> [ScenarioFailure] {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let stanzas = try parse(text, file: file)
        var failures: [ScenarioFailure] = []
        var rewritten: [String] = []
        for stanza in stanzas {
            var actual = try handler(stanza)
            while actual.hasSuffix("\n") { actual.removeLast() }
            // A blank line ends a stanza's output, so one inside it is written as a lone dot.
            actual = actual.components(separatedBy: "\n").map { $0.isEmpty ? "." : $0 }.joined(separator: "\n")
            if actual != stanza.expected {
                failures.append(ScenarioFailure(file: file, line: stanza.line, command: stanza.text,
                                                expected: stanza.expected, actual: actual))
            }
            rewritten.append((stanza.comments + [stanza.text, "----", actual]).joined(separator: "\n"))
        }
        if ProcessInfo.processInfo.environment["DSADVISOR_REWRITE"] != nil {
            try (rewritten.joined(separator: "\n\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            return []
        }
        return failures
    }
}
