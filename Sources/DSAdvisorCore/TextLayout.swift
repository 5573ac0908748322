extension String {
    /// Left-aligned in `width` columns, with at least one space after.
    public func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    /// Wrapped to fit `width` columns after an indent of `indent` spaces; lines after the
    /// first carry that indent, the first is indented by the caller.
    public func wrapped(_ width: Int, indent: Int = 0) -> String {
        var lines: [String] = []
        var line = ""
        for word in split(separator: " ", omittingEmptySubsequences: true) {
            let limit = width - indent
            if !line.isEmpty, line.count + 1 + word.count > limit {
                lines.append(line)
                line = String(word)
            } else {
                line += line.isEmpty ? String(word) : " " + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return lines.enumerated().map { $0.offset == 0 ? $0.element : pad + $0.element }.joined(separator: "\n")
    }
}

extension String {
    /// The first sentence: up to the first ". " (or the whole text).
    public var firstSentence: String {
        guard let range = range(of: ". ") else { return self }
        return String(self[..<range.lowerBound]) + "."
    }
}
