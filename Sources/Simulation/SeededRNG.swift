/// The only source of chance in a simulation: xoshiro256** (Blackman & Vigna, 2018),
/// seeded through SplitMix64 so that any 64-bit seed, including 0, gives a well-mixed state.
///
/// Why not the system generator: a run must replay byte for byte from its seed on any machine.
/// Why xoshiro256**: small, fast, documented, and its output is specified bit for bit.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// An independent generator for one purpose (the fault plan, one client, ...), so that
    /// drawing more numbers for one purpose does not shift the numbers another one sees.
    public func stream(_ purpose: UInt64) -> SeededRNG {
        SeededRNG(seed: s0 ^ (purpose &* 0x9E37_79B9_7F4A_7C15) ^ rotateLeft(s2, by: 13))
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's method).
    @inlinable
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "below(0) has no values")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in a closed range.
    @inlinable
    public mutating func uniform(_ range: ClosedRange<UInt64>) -> UInt64 {
        let width = range.upperBound - range.lowerBound
        if width == UInt64.max { return next() }
        return range.lowerBound + below(width + 1)
    }

    /// True with probability `perMille / 1000`. Odds are integers so that no floating-point
    /// rounding ever decides behaviour.
    @inlinable
    public mutating func chance(perMille: UInt32) -> Bool {
        perMille > 0 && below(1000) < UInt64(perMille)
    }

    /// One element chosen uniformly; nil for an empty collection.
    public mutating func pick<C: Collection>(_ items: C) -> C.Element? where C.Index == Int {
        guard !items.isEmpty else { return nil }
        return items[items.startIndex + Int(below(UInt64(items.count)))]
    }
}

@inlinable
func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}

/// SplitMix64 (Steele, Lea & Flood, 2014), used only to expand a seed into xoshiro's state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
