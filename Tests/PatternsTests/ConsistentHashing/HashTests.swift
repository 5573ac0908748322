import Testing
@testable import ConsistentHashing

// Reference values computed with gcc from a C transcription of FNV-1a 64 (published
// vectors: draft-eastlake-fnv) and of the SplitMix64 finalizer (first output of
// SplitMix64 seeded with 0 is mix(0x9E3779B97F4A7C15) = 0xE220A8397B1DCDAF).
@Test func fnv1aMatchesPublishedVectors() {
    #expect(Hash64.fnv1a("") == 0xCBF2_9CE4_8422_2325)
    #expect(Hash64.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
    #expect(Hash64.fnv1a("foobar") == 0x8594_4171_F739_67E8)
    #expect(Hash64.fnv1a("user:1") == 0xF7FD_9AAA_7508_1CEB)
}

@Test func finalizerMatchesSplitMix64() {
    #expect(Hash64.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF)
    #expect(Hash64.hash("") == 0xF52A_15E9_A9B5_E89B)
    #expect(Hash64.hash("n3#17") == 0x2A6D_B85F_7934_5FF5)
}

// Reference values: the paper's C++ (Lamping & Veach 2014, Figure 1) compiled as C with gcc
// in a scratch program; rows are keys, columns are bucket counts 1, 2, 10, 11, 100, 1000, 65536.
@Test func jumpHashMatchesThePaper() {
    let buckets: [Int32] = [1, 2, 10, 11, 100, 1000, 65536]
    let expected: [(UInt64, [Int32])] = [
        (0, [0, 0, 0, 0, 0, 0, 0]),
        (1, [0, 0, 6, 6, 55, 549, 21134]),
        (2, [0, 0, 6, 6, 62, 338, 3927]),
        (42, [0, 1, 2, 2, 43, 571, 5747]),
        (0xDEAD_BEEF, [0, 1, 5, 5, 87, 285, 64244]),
        (UInt64.max, [0, 1, 9, 10, 92, 313, 18311]),
        (123_456_789_012_345, [0, 0, 7, 7, 76, 76, 16590]),
    ]
    for (key, row) in expected {
        #expect(buckets.map { JumpHash.bucket(key, buckets: $0) } == row, "key \(key)")
    }
}

@Test func jumpHashMovesKeysOnlyToTheNewBucket() {
    for key in (0..<5_000).map({ Hash64.mix(UInt64($0)) }) {
        for n in Int32(1)..<40 {
            let before = JumpHash.bucket(key, buckets: n)
            let after = JumpHash.bucket(key, buckets: n + 1)
            #expect(after == before || after == n)
        }
    }
}
