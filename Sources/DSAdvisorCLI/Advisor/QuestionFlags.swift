import ArgumentParser
import DSAdvisorCore

/// Help for the declared question flags, taken from the built-in tree so it never drifts.
enum QuestionFlags {
    /// ArgumentParser builds a command's options several times per run; the help of the
    /// built-in questions is computed once.
    static func help(_ id: String) -> ArgumentHelp {
        builtInHelp[id] ?? ArgumentHelp("Answer to the question '\(id)' of a custom tree.", valueName: id)
    }

    private static let builtInHelp: [String: ArgumentHelp] = Dictionary(
        KnowledgeBase.embedded.questions.map { ($0.id, help(for: $0)) }, uniquingKeysWith: { first, _ in first })

    private static func help(for question: Question) -> ArgumentHelp {
        let values = question.choices.map(\.id).joined(separator: "|")
        let followUp = question.isFollowUp ? " Follow-up: counts when \(question.askIf!.yaml)." : ""
        return ArgumentHelp("\(question.prompt) (\(values))\(followUp)", valueName: "value")
    }

    /// `--question value` and `--question=value` pairs from arguments ArgumentParser did not
    /// know, so that a custom tree's own questions work as flags too.
    static func parse(_ arguments: [String]) throws(AdvisorError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw AdvisorError(.usage, "unexpected argument '\(argument)'; answers are given as --question value")
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                pairs.append((String(body[..<equals]), String(body[body.index(after: equals)...])))
                index += 1
            } else {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                    throw AdvisorError(.usage, "missing value for '\(argument)'")
                }
                pairs.append((String(body), arguments[index + 1]))
                index += 2
            }
        }
        return pairs
    }
}

extension RecommendationRenderer.Format: ExpressibleByArgument {}
