import Simulation

/// Text for the catalog commands: `patterns`, `show`, `compare` and `tree`.
public struct CatalogRenderer: Sendable {
    public enum TreeFormat: String, Sendable, CaseIterable {
        case text, dot, mermaid
    }

    public var base: KnowledgeBase
    public var style: Style
    public var builtDemos: Set<String>

    public init(base: KnowledgeBase, style: Style = .plain, builtDemos: Set<String> = []) {
        self.base = base
        self.style = style
        self.builtDemos = builtDemos
    }

    func demoStatus(_ pattern: Pattern) -> String {
        guard let demo = pattern.demo else { return "no demo" }
        return builtDemos.contains(demo) ? "demo \(demo)" : "demo \(demo) (not built yet)"
    }

    /// One line per pattern: id, name, category and demo availability.
    public func list() -> String {
        let idWidth = (base.patterns.map(\.id.count).max() ?? 0) + 2
        let nameWidth = (base.patterns.map(\.name.count).max() ?? 0) + 2
        var out = ""
        for p in base.patterns {
            out += style.bold(p.id.padded(idWidth)) + p.name.padded(nameWidth) + p.category.padded(14) + style.dim(demoStatus(p)) + "\n"
        }
        return out
    }

    /// The full card of one pattern.
    public func card(_ p: Pattern) -> String {
        var out = style.bold(p.name) + "  [\(p.id)]  \(p.category)\n\n"
        out += p.summary.wrapped(92) + "\n"
        func section(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            out += "\n" + style.bold(title) + "\n"
            for item in items { out += "  - " + item.wrapped(92, indent: 4) + "\n" }
        }
        section("Use when", p.useWhen)
        section("Avoid when", p.avoidWhen)
        section("Trade-offs", p.tradeoffs)
        out += "\n" + style.bold("Performance") + "\n"
        for (name, value) in p.performance.row { out += "  " + name.padded(17) + value + "\n" }
        section("In production", p.production.map { $0.note.isEmpty ? $0.system : "\($0.system): \($0.note)" })
        section("Reading", p.reading.map { r in
            var line = r.title
            if !r.authors.isEmpty { line += " (\(r.authors)\(r.year.map { ", \($0)" } ?? ""))" } else if let year = r.year { line += " (\(year))" }
            if !r.url.isEmpty { line += " \(r.url)" }
            return line
        })
        section("Examples (answers that rank it first)", p.examples.map { example in
            "dsadvisor recommend " + example.answers.map { "--\($0.0) \($0.1)" }.joined(separator: " ")
        })
        out += "\n" + style.bold("Demo") + "\n  "
        if let demo = p.demo {
            out += "dsadvisor demo \(demo)" + (builtDemos.contains(demo) ? "" : "   (not built yet)") + "\n"
        } else {
            out += "none\n"
        }
        return out
    }

    /// The performance table, one column per pattern.
    public func compare(_ patterns: [Pattern]) -> String {
        let labelWidth = 17
        let widths = patterns.map { p in max(p.id.count, p.performance.row.map(\.1.count).max() ?? 0) + 2 }
        var out = "".padded(labelWidth)
        for (p, w) in zip(patterns, widths) { out += style.bold(p.id.padded(w)) }
        out += "\n"
        for name in Performance.characteristics {
            out += name.padded(labelWidth)
            for (p, w) in zip(patterns, widths) { out += (p.performance.value(of: name) ?? "n/a").padded(w) }
            out += "\n"
        }
        out += "demo".padded(labelWidth) + zip(patterns, widths).map { p, w in (p.demo ?? "-").padded(w) }.joined() + "\n"
        out += "\n" + patterns.map { "\($0.id): \($0.name)" }.joined(separator: "\n") + "\n"
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
    }

    /// Patterns that the rules mentioning `question = choice` raise.
    public func patternsRaised(by question: String, _ choice: String) -> [String] {
        var ids: [String] = []
        for rule in base.rules where rule.when.comparedValues.contains(where: { $0 == (question, choice) }) {
            for effect in rule.effects where effect.score > 0 && !ids.contains(effect.pattern) { ids.append(effect.pattern) }
        }
        return base.patterns.map(\.id).filter(ids.contains)
    }

    public func tree(_ format: TreeFormat) -> String {
        switch format {
        case .text: treeText()
        case .dot: treeDot()
        case .mermaid: treeMermaid()
        }
    }

    func treeText() -> String {
        var out = ""
        for (index, q) in base.questions.enumerated() {
            out += style.bold("\(index + 1). \(q.prompt)") + "  (--\(q.id))"
            if let askIf = q.askIf { out += style.dim("  asked if \(askIf.yaml)") }
            out += "\n"
            for (i, c) in q.choices.enumerated() {
                let branch = i == q.choices.count - 1 ? "└──" : "├──"
                var line = "   \(branch) \(c.id)"
                if !c.hint.isEmpty { line = line.padded(26) + "► \(c.hint)" }
                let raised = patternsRaised(by: q.id, c.id)
                if !raised.isEmpty { line += style.dim("  ⇒ \(raised.joined(separator: ", "))") }
                out += line + "\n"
            }
        }
        return out
    }

    func dotID(_ parts: String...) -> String { "\"" + parts.joined(separator: ":") + "\"" }

    func treeDot() -> String {
        var out = "digraph dsadvisor {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n"
        for q in base.questions {
            out += "  \(dotID("q", q.id)) [shape=box, style=bold, label=\(JSONValue.quoted(q.prompt))];\n"
            for c in q.choices {
                out += "  \(dotID("o", q.id, c.id)) [shape=ellipse, label=\(JSONValue.quoted(c.label))];\n"
                out += "  \(dotID("q", q.id)) -> \(dotID("o", q.id, c.id));\n"
                for id in patternsRaised(by: q.id, c.id) { out += "  \(dotID("o", q.id, c.id)) -> \(dotID("p", id));\n" }
            }
            if let askIf = q.askIf {
                for (fact, value) in askIf.comparedValues {
                    out += "  \(dotID("o", fact, value)) -> \(dotID("q", q.id)) [style=dashed, label=\"then ask\"];\n"
                }
            }
        }
        for p in base.patterns {
            out += "  \(dotID("p", p.id)) [shape=component, color=darkgreen, label=\(JSONValue.quoted(p.name))];\n"
        }
        return out + "}\n"
    }

    func mermaidID(_ parts: String...) -> String {
        parts.joined(separator: "_").map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    func treeMermaid() -> String {
        var out = "flowchart LR\n"
        func label(_ text: String) -> String { "\"" + text.replacingOccurrences("\"", with: "#quot;") + "\"" }
        for q in base.questions {
            out += "  \(mermaidID("q", q.id))[\(label(q.prompt))]\n"
            for c in q.choices {
                out += "  \(mermaidID("q", q.id)) --> \(mermaidID("o", q.id, c.id))(\(label(c.label)))\n"
                for id in patternsRaised(by: q.id, c.id) { out += "  \(mermaidID("o", q.id, c.id)) --> \(mermaidID("p", id))\n" }
            }
            if let askIf = q.askIf {
                for (fact, value) in askIf.comparedValues {
                    out += "  \(mermaidID("o", fact, value)) -. then ask .-> \(mermaidID("q", q.id))\n"
                }
            }
        }
        for p in base.patterns { out += "  \(mermaidID("p", p.id))[[\(label(p.name))]]\n" }
        return out
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
