/// "Did you mean …?" by Levenshtein distance, as git and swift do.
public enum Suggest {
    /// The candidate nearest to `word`, if it is near enough to be a likely typo.
    public static func nearest(_ word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        let limit = max(2, min(lowered.count, candidate.count) / 2)
        let isPrefix = !lowered.isEmpty && candidate.lowercased().hasPrefix(lowered)
        return distance <= limit || isPrefix ? candidate : nil
    }

    /// `"; did you mean 'x'?"` or an empty string.
    public static func hint(_ word: String, among candidates: [String]) -> String {
        nearest(word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
