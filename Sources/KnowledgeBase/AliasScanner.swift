/// Finds the first YAML anchor (`&a`) or alias (`*a`) in a text without parsing it.
///
/// Yams composes aliases into shared subtrees and forgets their anchors once composing is
/// done, so a "billion laughs" document cannot be recognised afterwards, and even composing
/// one hashes its expanded keys. This scan runs first. It looks where libyaml starts a token:
/// at the start of a line, after `- `, `? `, `: `, after `[`, `{` and, inside brackets, `,`.
/// Quoted scalars, comments and block scalars (`|`, `>`) are skipped.
enum AliasScanner {
    struct Hit: Equatable {
        var line: Int
        var column: Int
        var token: String
    }

    static func firstAnchorOrAlias(in text: String) -> Hit? {
        var blockIndent: Int?  // inside a block scalar deeper than this indent
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let chars = Array(line.unicodeScalars)
            let indent = chars.prefix { $0 == " " }.count
            let blank = chars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if let block = blockIndent {
                if blank || indent > block { continue }
                blockIndent = nil
            }
            var flowDepth = 0
            var tokenStart = true
            var i = 0
            var lastSignificant: Unicode.Scalar?
            while i < chars.count {
                let c = chars[i]
                switch c {
                case " ", "\t", "\r":
                    i += 1
                    continue
                case "#" where i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t":
                    i = chars.count
                    continue
                case "'" where tokenStart, "\"" where tokenStart:
                    i += 1
                    while i < chars.count {
                        if chars[i] == "\\", c == "\"" { i += 2; continue }
                        if chars[i] == c {
                            if c == "'", i + 1 < chars.count, chars[i + 1] == "'" { i += 2; continue }
                            break
                        }
                        i += 1
                    }
                    i += 1
                    tokenStart = false
                    lastSignificant = c
                    continue
                case "&" where tokenStart, "*" where tokenStart:
                    let name = chars[(i + 1)...].prefix { $0 != " " && $0 != "," && $0 != "]" && $0 != "}" && $0 != "\r" }
                    if !name.isEmpty {
                        return Hit(line: lineIndex + 1, column: i + 1, token: String(c) + String(String.UnicodeScalarView(name)))
                    }
                case "[", "{":
                    flowDepth += 1
                    tokenStart = true
                    lastSignificant = c
                    i += 1
                    continue
                case "]", "}":
                    flowDepth = max(0, flowDepth - 1)
                case "," where flowDepth > 0:
                    tokenStart = true
                    lastSignificant = c
                    i += 1
                    continue
                case "-", "?", ":":
                    let next = i + 1 < chars.count ? chars[i + 1] : " "
                    if next == " " || next == "\t" || (c == ":" && flowDepth > 0 && (next == "," || next == "}")) {
                        tokenStart = true
                        lastSignificant = c
                        i += 1
                        continue
                    }
                default:
                    break
                }
                // Inside a plain scalar: nothing starts until the next indicator.
                tokenStart = false
                lastSignificant = c
                i += 1
                // Skip to the end of this plain word.
                while i < chars.count, chars[i] != " ", chars[i] != "\t", !(flowDepth > 0 && (chars[i] == "," || chars[i] == "]" || chars[i] == "}")) {
                    // `key: ` ends the word: the colon is an indicator.
                    if chars[i] == ":", i + 1 == chars.count || chars[i + 1] == " " || (flowDepth > 0 && (chars[i + 1] == "," || chars[i + 1] == "}")) { break }
                    lastSignificant = chars[i]
                    i += 1
                }
            }
            // A line ending in a block scalar indicator (`|`, `>-`, `|2` …) opens a block.
            if let last = lastSignificant, last == "|" || last == ">" || last == "-" || last == "+" || ("0"..."9").contains(last) {
                let trimmed = String(line).split(separator: "#").first.map { $0.trimmingSuffixSpaces } ?? ""
                if let word = trimmed.split(separator: " ").last, let first = word.first, first == "|" || first == ">" {
                    blockIndent = indent
                }
            }
        }
        return nil
    }
}

extension Substring {
    var trimmingSuffixSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return s
    }
}
