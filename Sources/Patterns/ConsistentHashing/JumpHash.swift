/// Jump consistent hash. Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash
/// Algorithm" (arXiv:1406.2294, 2014), Figure 1. Maps a 64-bit key to one of `buckets`
/// buckets with no state at all, perfectly balanced in expectation; growing from n to n+1
/// buckets moves exactly the keys that land in the new bucket (about K/(n+1)).
///
/// The loop is a linear congruential generator that decides, bucket count by bucket count,
/// where the key would next "jump"; the expected number of iterations is ln(n).
///
/// Simplifications:
/// - None in the algorithm. Its limits are the paper's: buckets are numbered 0..<n, so only
///   the highest-numbered bucket can be removed, and buckets have no weights.
public enum JumpHash {
    /// The bucket of `key` among `buckets` (> 0). Uses the paper's double-precision step;
    /// IEEE-754 arithmetic makes it the same on every machine, so it is safe to decide with.
    @inlinable
    public static func bucket(_ key: UInt64, buckets: Int32) -> Int32 {
        precondition(buckets > 0, "jump hash needs at least one bucket")
        var key = key
        var b: Int64 = -1
        var j: Int64 = 0
        while j < Int64(buckets) {
            b = j
            key = key &* 2_862_933_555_777_941_757 &+ 1
            j = Int64(Double(b + 1) * (Double(Int64(1) << 31) / Double((key >> 33) + 1)))
        }
        return Int32(b)
    }
}
