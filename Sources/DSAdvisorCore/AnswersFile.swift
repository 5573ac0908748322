/// An answers file: a YAML mapping from question id to option id, the same keys as the
/// `recommend` flags. Read with the knowledge base's size and alias limits.
public enum AnswersFile {
    /// Reads and checks the file against `base`; problems are data errors (65) with
    /// file:line:col, a missing file is 66.
    public static func load(_ path: String, base: KnowledgeBase) throws(AdvisorError) -> [(String, String)] {
        try parse(SourceFile.read(path), base: base)
    }

    public static func parse(_ file: SourceFile, base: KnowledgeBase) throws(AdvisorError) -> [(String, String)] {
        let document = try YAMLDocument(file)
        guard let root = document.root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw AdvisorError(.data, "", diagnostics: [Diagnostic(document.location(root), "an answers file is a mapping of question id to option id")])
        }
        var pairs: [(String, String)] = []
        var problems: [Diagnostic] = []
        for (key, value) in mapping {
            guard let questionID = key.scalar?.string, let choiceID = value.scalar?.string else {
                problems.append(Diagnostic(document.location(key), "each entry maps a question id to an option id"))
                continue
            }
            guard let question = base.question(questionID) else {
                let ids = base.questions.map(\.id)
                problems.append(Diagnostic(document.location(key), "unknown question '\(questionID)'\(Suggest.hint(questionID, among: ids))"))
                continue
            }
            guard question.choice(choiceID) != nil else {
                let ids = question.choices.map(\.id)
                problems.append(Diagnostic(document.location(value), "'\(choiceID)' is not an option of '\(questionID)'; valid values: \(ids.joined(separator: ", "))\(Suggest.hint(choiceID, among: ids))"))
                continue
            }
            if pairs.contains(where: { $0.0 == questionID }) {
                problems.append(Diagnostic(document.location(key), "'\(questionID)' answered twice"))
                continue
            }
            pairs.append((questionID, choiceID))
        }
        guard problems.isEmpty else { throw AdvisorError(.data, "bad answers file", diagnostics: problems) }
        return pairs
    }
}
