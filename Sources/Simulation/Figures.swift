/// Order statistics and number formatting for demo reports, in integer arithmetic so that a
/// report prints the same characters on every machine.
public enum Figures {
    /// The nearest-rank percentile of an ascending array: `perMille` 500 is the median, 990 the
    /// 99th percentile. Zero for an empty array.
    public static func percentile<T: BinaryInteger>(_ sorted: [T], _ perMille: Int) -> T {
        guard !sorted.isEmpty else { return 0 }
        let rank = (sorted.count * perMille + 999) / 1000
        return sorted[max(rank, 1) - 1]
    }

    /// `part` of `whole` as a percentage with one decimal, truncated: `12.5%`; `-` for none.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "-" }
        let tenths = part * 1000 / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `part / whole` as a factor with one decimal, truncated: `2.5x`; `-` for none.
    public static func ratio(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "-" }
        let tenths = part * 10 / whole
        return "\(tenths / 10).\(tenths % 10)x"
    }

    /// Nanoseconds as milliseconds with one decimal, rounded to nearest: `12.3`.
    public static func millis(_ nanos: UInt64) -> String {
        let tenths = (nanos + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
