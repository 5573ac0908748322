import Yams

/// Composes one YAML file into a `Node` tree and refuses what a knowledge base never needs
/// and an attacker would use: anchors and aliases (the "billion laughs" bomb) and trees
/// beyond a node budget. Every later error points at a node's mark.
public struct YAMLDocument {
    /// Most nodes one file may hold; the default tree has a few thousand.
    public static let nodeCountMax = 100_000

    public let file: String
    public let root: Node?

    public init(_ source: SourceFile) throws(AdvisorError) {
        file = source.name
        if let hit = AliasScanner.firstAnchorOrAlias(in: source.text) {
            throw AdvisorError(.data, "", diagnostics: [
                Diagnostic(SourceLocation(file: source.name, line: hit.line, column: hit.column),
                           "anchors and aliases are not allowed (found '\(hit.token)')"),
            ])
        }
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: source.text)
        } catch let error as YamlError {
            throw AdvisorError(.data, "", diagnostics: [YAMLDocument.diagnostic(for: error, file: source.name)])
        } catch {
            throw AdvisorError(.data, "\(source.name): \(error)")
        }
        root = composed
        if let composed {
            var count = 0
            try check(composed, count: &count)
        }
    }

    /// The location of a node in this file.
    public func location(_ node: Node?) -> SourceLocation? {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// Depth-first walk with a node budget: a second line of defence should an alias slip
    /// past `AliasScanner` (Yams drops anchors after composing, so they are checked too).
    private func check(_ node: Node, count: inout Int) throws(AdvisorError) {
        count += 1
        if count > YAMLDocument.nodeCountMax {
            throw AdvisorError(.data, "", diagnostics: [
                Diagnostic(location(node), "more than \(YAMLDocument.nodeCountMax) YAML nodes"),
            ])
        }
        if let anchor = node.anchor {
            throw AdvisorError(.data, "", diagnostics: [
                Diagnostic(location(node), "anchors and aliases are not allowed (found '&\(anchor.rawValue)')"),
            ])
        }
        switch node {
        case .scalar, .alias: break
        case .sequence(let sequence):
            for item in sequence { try check(item, count: &count) }
        case .mapping(let mapping):
            for (key, value) in mapping {
                try check(key, count: &count)
                try check(value, count: &count)
            }
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return Diagnostic(SourceLocation(file: file, line: mark.line, column: mark.column),
                              "malformed YAML: \(text)")
        case let .reader(problem, offset, _, _):
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1),
                              "malformed YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            let firstLine = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "malformed YAML: \(firstLine)")
        }
    }
}

extension Node {
    /// The scalar text exactly as written (no YAML 1.1 booleans or octals).
    var text: String? { scalar?.string }

    /// A plain `null`, `~` or empty scalar.
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
