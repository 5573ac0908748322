/// Where `dsadvisor ask` reads answers and writes prompts: a terminal, a pipe, or a script in
/// a test.
public protocol Prompter {
    /// A person at a terminal (hints and key help shown) rather than a script.
    var isInteractive: Bool { get }
    /// Writes and flushes, so a prompt is visible before the read.
    mutating func write(_ text: String)
    /// The next line without its newline, or nil at end of input.
    mutating func readLine() -> String?
}

/// A `Prompter` fed from a list of lines, for tests.
public struct ScriptedPrompter: Prompter {
    public var lines: [String]
    public var output = ""
    public var isInteractive: Bool

    public init(_ lines: [String], interactive: Bool = false) {
        self.lines = lines
        self.isInteractive = interactive
    }

    public mutating func write(_ text: String) { output += text }

    public mutating func readLine() -> String? {
        lines.isEmpty ? nil : lines.removeFirst()
    }
}

/// The interactive walk through the decision tree: one question at a time, follow-ups only
/// when their ask_if holds. Keys: a number or slug answers, `?N`/`? slug` explains an option,
/// `?` explains the question, `s` or an empty line skips, `b` goes back, `q` quits. At end of
/// input it stops and keeps what it has.
public struct Interview {
    public enum Ending: Sendable, Equatable {
        /// Every applicable question was offered.
        case finished
        /// Input ended early.
        case endOfInput
        /// The user typed `q`.
        case quit
    }

    public let base: KnowledgeBase
    public let style: Style

    public init(base: KnowledgeBase, style: Style = .plain) {
        self.base = base
        self.style = style
    }

    public func run(_ prompter: inout some Prompter) -> (answers: [(String, String)], ending: Ending) {
        var answers: [String: String] = [:]
        var history: [Int] = []
        var index = 0
        let questions = base.questions
        func ordered() -> [(String, String)] { questions.compactMap { q in answers[q.id].map { (q.id, $0) } } }

        ask: while index < questions.count {
            let question = questions[index]
            if let askIf = question.askIf, !askIf.holds(for: answers) {
                index += 1
                continue
            }
            let applicable = questions.filter { $0.askIf?.holds(for: answers) ?? true }
            let position = (applicable.firstIndex { $0.id == question.id } ?? 0) + 1
            prompter.write(display(question, position: position, total: applicable.count, interactive: prompter.isInteractive))
            while true {
                prompter.write(prompter.isInteractive ? style.bold("> ") : "> ")
                guard let raw = prompter.readLine() else {
                    prompter.write("\n")
                    return (ordered(), .endOfInput)
                }
                if !prompter.isInteractive { prompter.write(raw + "\n") }
                let line = raw.trimmed
                switch interpret(line, for: question) {
                case .quit:
                    return (ordered(), .quit)
                case .back:
                    guard let previous = history.popLast() else {
                        prompter.write("  (this is the first question)\n")
                        continue
                    }
                    index = previous
                    for q in questions[index...] { answers[q.id] = nil }
                    continue ask
                case .skip:
                    history.append(index)
                    index += 1
                    continue ask
                case .answer(let choice):
                    answers[question.id] = choice.id
                    history.append(index)
                    index += 1
                    continue ask
                case .explainQuestion:
                    prompter.write(explanation(of: question))
                case .explain(let choice):
                    prompter.write("  \(style.bold(choice.label)): " + (choice.explain.isEmpty ? choice.hint : choice.explain).wrapped(88, indent: 4) + "\n")
                case .invalid(let message):
                    prompter.write("  \(message)\n")
                }
            }
        }
        return (ordered(), .finished)
    }

    enum Reply {
        case answer(Choice), skip, back, quit, explainQuestion, explain(Choice), invalid(String)
    }

    func interpret(_ line: String, for question: Question) -> Reply {
        let notSure = question.choices.count + 1
        switch line.lowercased() {
        case "", "s", "skip", String(notSure), "not sure", "not-sure": return .skip
        case "b", "back": return .back
        case "q", "quit", "exit": return .quit
        case "?", "help": return .explainQuestion
        default: break
        }
        if line.hasPrefix("?") {
            let target = line.dropFirst().trimmed
            if let choice = choice(String(target), in: question) { return .explain(choice) }
            return .invalid("no option '\(target)' to explain; try ?1 to ?\(question.choices.count)")
        }
        if let choice = choice(line, in: question) { return .answer(choice) }
        let ids = question.choices.map(\.id)
        return .invalid("'\(line)' is not an option: type 1-\(notSure), a name (\(ids.joined(separator: ", ")))\(Suggest.hint(line, among: ids)), ? for help, s to skip, b back, q quit")
    }

    func choice(_ text: String, in question: Question) -> Choice? {
        if let number = Int(text), number >= 1, number <= question.choices.count { return question.choices[number - 1] }
        return question.choice(text.lowercased()) ?? question.choices.first { $0.label.lowercased() == text.lowercased() }
    }

    func display(_ q: Question, position: Int, total: Int, interactive: Bool) -> String {
        var out = "\n" + style.dim("\(position)/\(total)") + " " + style.bold(q.prompt) + "\n"
        if interactive, !q.help.isEmpty { out += "    " + style.dim(q.help.firstSentence) + "\n" }
        let width = (q.choices.map(\.label.count).max() ?? 0) + 2
        for (i, c) in q.choices.enumerated() {
            out += "  \(String(i + 1).leftPadded(2))) " + c.label.padded(width) + style.dim(c.hint.isEmpty ? "" : "► \(c.hint)") + "\n"
        }
        out += "  \(String(q.choices.count + 1).leftPadded(2))) " + style.dim("Not sure (skip)") + "\n"
        if interactive { out += style.dim("  number or name · ?N explains · s skip · b back · q quit") + "\n" }
        return out
    }

    func explanation(of q: Question) -> String {
        var out = q.help.isEmpty ? "" : "  " + q.help.wrapped(88, indent: 2) + "\n"
        for (i, c) in q.choices.enumerated() {
            out += "  \(i + 1)) \(style.bold(c.label)): " + (c.explain.isEmpty ? c.hint : c.explain).wrapped(84, indent: 6) + "\n"
        }
        return out
    }
}

extension StringProtocol {
    var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
