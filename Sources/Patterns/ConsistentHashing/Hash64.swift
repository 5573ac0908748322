/// The 64-bit hash every placement here uses: FNV-1a 64 (Fowler, Noll & Vo; parameters from
/// the IETF draft draft-eastlake-fnv, §2: offset basis 0xcbf29ce484222325, prime
/// 0x100000001b3) followed by the SplitMix64 finalizer (Steele, Lea & Flood, "Fast Splittable
/// Pseudorandom Number Generators", OOPSLA 2014; constants from Stafford's "Mix13").
///
/// Why both. FNV-1a is tiny, byte-oriented, specified bit for bit and has published test
/// vectors, so a ring built here places nodes where any other implementation would. But its
/// last step is one multiply by 2^40 + 0x1b3: two labels that differ only in their final
/// bytes ("n3#17", "n3#18"; "user:41", "user:42") differ mostly in the low and middle bits
/// and hardly at all in the top bits, which are the ones that decide ring order. Virtual
/// nodes of one server would land next to each other and the ring would be lumpy (the demo
/// prints that row). The finalizer is a bijection with full avalanche (every input bit flips
/// each output bit with probability ~1/2), so it fixes the clustering without losing any
/// information. xxHash64 would do as well; this pair is shorter to audit.
///
/// Simplifications:
/// - Not keyed: an adversary who knows the hash can aim keys at one node (SipHash would not
///   allow that; a demo does not need it).
public enum Hash64 {
    public static let fnvOffsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a 64 of `bytes`.
    @inlinable
    public static func fnv1a<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = fnvOffsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* fnvPrime
        }
        return hash
    }

    /// FNV-1a 64 of a string's UTF-8 bytes.
    @inlinable
    public static func fnv1a(_ string: String) -> UInt64 { fnv1a(string.utf8) }

    /// The SplitMix64 output function: a bijection on 64-bit words with full avalanche.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash used for ring positions and keys: `mix(fnv1a(utf8))`.
    @inlinable
    public static func hash(_ string: String) -> UInt64 { mix(fnv1a(string.utf8)) }
}
