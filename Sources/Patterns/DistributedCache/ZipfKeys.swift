import Simulation

/// Zipf-distributed keys (exponent 1): key k (0-based) is drawn with probability proportional
/// to 1/(k+1), the popularity skew of web caches (Breslau et al., "Web Caching and Zipf-like
/// Distributions", INFOCOM 1999). Sampling is inverse-CDF over a precomputed integer table:
/// one draw of the seeded generator and a binary search, no floating point, so every machine
/// draws the same keys.
///
/// Simplifications:
/// - The exponent is fixed at 1 so that weights are exact integers (2^40 / (k+1)); YCSB's 0.99
///   is close enough in shape for the demo.
public struct ZipfKeys: Sendable {
    public let keyCount: Int
    /// cumulative[k] = sum of the weights of keys 0...k.
    private let cumulative: [UInt64]

    public init(keys: Int) {
        precondition(keys > 0, "Zipf needs at least one key")
        keyCount = keys
        var total: UInt64 = 0
        cumulative = (0..<keys).map { k in
            total += (UInt64(1) << 40) / UInt64(k + 1)
            return total
        }
    }

    public func draw(_ rng: inout SeededRNG) -> Int {
        let target = rng.below(cumulative[keyCount - 1])
        var low = 0
        var high = keyCount - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// The probability (per million) of the `top` most popular keys together.
    public func headMassPerMillion(_ top: Int) -> Int {
        Int(cumulative[min(top, keyCount) - 1] * 1_000_000 / cumulative[keyCount - 1])
    }
}
