import Simulation

/// The help page of a demo, written from its declaration: options with their ranges and
/// defaults, the options every demo shares, the invariants it checks, the verdicts.
enum DemoHelp {
    /// What `dsadvisor demo NAME --help` prints.
    static func page(_ demo: AnyDemo) -> String {
        "OVERVIEW: \(demo.title)\n\nUSAGE: \(usage(demo))\n\n" + discussion(demo)
    }

    static func usage(_ demo: AnyDemo) -> String { "dsadvisor demo \(demo.id) [<options>]" }

    /// Everything but the overview and usage: also the discussion ArgumentParser shows in
    /// `dsadvisor help demo NAME` and writes into the man page.
    static func discussion(_ demo: AnyDemo) -> String {
        var out = demo.story.components(separatedBy: "\n").map { wrap($0, width: 100) }.joined(separator: "\n")
            + "\n\nOPTIONS:\n"
        out += table(demo.parameters.map(row))
        out += "\nOPTIONS EVERY DEMO TAKES:\n" + table(common(demo))
        out += "\nINVARIANTS (safety: after every step; liveness: once faults stop, within the run's horizon):\n"
        out += table(demo.invariants.map { ("\($0.kind.rawValue) \($0.name)", $0.statement) })
        out += "\n" + wrap("VERDICTS: " + DemoVerdict.allCases.map { "\($0.rawValue) (exit \($0.exitCode))" }
            .joined(separator: ", ") + "; a usage error exits 64.", width: 100)
        if !demo.examples.isEmpty {
            out += "\n\nEXAMPLES:\n" + demo.examples.map { "  dsadvisor \($0)" }.joined(separator: "\n")
        }
        return out
    }

    static func row(_ parameter: DemoParameterInfo) -> (String, String) {
        let name = "--\(parameter.name)" + (parameter.valueName.map { " <\($0)>" } ?? "")
        var help = parameter.help
        if parameter.sweep == .brokenVariant { help += " (A deliberately broken build: its checker must catch it.)" }
        if !parameter.values.isEmpty { help += " One of: \(parameter.values.joined(separator: ", "))." }
        if let range = parameter.range { help += " Range: \(range)." }
        // An optional value that is off by default ("-") has no default worth printing.
        if !parameter.isFlag && parameter.defaultText != "-" { help += " (default: \(parameter.defaultText))" }
        return (name, help)
    }

    static func common(_ demo: AnyDemo) -> [(String, String)] {
        var rows = DemoSharedOptions.help
        if demo.acceptsInjections {
            rows.append(("--inject <fault>", "A scripted fault, repeatable: '2.5s crash n2', '4.5s restart n2', "
                + "'3s partition n0,n1|n2,n3,n4', '3.2s isolate n1', '4s heal', '1s delay n0->n3 1500ms', '1s cut n0->n3'."))
        }
        return rows
    }

    /// `text` wrapped at word boundaries so no line passes `width` columns.
    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// Two columns; the second wrapped at 100 columns under itself.
    static func table(_ rows: [(String, String)]) -> String {
        let width = 26
        var out = ""
        for (name, help) in rows {
            var line = "  " + name.padding(width - 2)
            if name.count > width - 3 { out += "  \(name)\n"; line = String(repeating: " ", count: width) }
            var used = line.count
            var first = true
            for word in help.split(separator: " ") {
                if !first && used + 1 + word.count > 100 {
                    out += line + "\n"
                    line = String(repeating: " ", count: width)
                    used = width
                    first = true
                }
                line += (first ? "" : " ") + word
                used += (first ? 0 : 1) + word.count
                first = false
            }
            out += line + "\n"
        }
        return out
    }
}
