import Testing
@testable import DistributedCache
import Simulation

func ms(_ n: UInt64) -> SimTime { .zero + .milliseconds(n) }

@Test func strictCheckerRejectsAnyStaleRead() {
    var checker = FreshnessChecker(keys: 4, ttl: .milliseconds(100), strict: true)
    checker.writeCompleted(key: 1, version: 1, at: ms(10))
    do { let r = checker.readCompleted(key: 1, version: 0, start: ms(5), entry: nil); #expect(r == nil) }  // concurrent: fine
    do { let r = checker.readCompleted(key: 1, version: 1, start: ms(20), entry: nil); #expect(r == nil) }
    do { let r = checker.readCompleted(key: 1, version: 0, start: ms(20), entry: nil); #expect(r != nil) }
}

@Test func plainCheckerBoundsStalenessByTTLPlusFillLag() {
    var checker = FreshnessChecker(keys: 4, ttl: .milliseconds(100), strict: false)
    checker.writeCompleted(key: 2, version: 1, at: ms(10))
    let entry = CacheServer.Entry(version: 0, readAt: ms(4), filledAt: ms(30))
    // Bound: 100 + (30 - 4) = 126 ms after the write completed.
    do { let r = checker.readCompleted(key: 2, version: 0, start: ms(130), entry: entry); #expect(r == nil) }
    do { let r = checker.readCompleted(key: 2, version: 0, start: ms(136), entry: entry); #expect(r != nil) }
    // A stale read straight from the store is never excused.
    do { let r = checker.readCompleted(key: 2, version: 0, start: ms(20), entry: nil); #expect(r != nil) }
    #expect(checker.staleReads == 3)
}

func cacheLines(_ options: DistributedCacheDemo.Options) -> ([String], DemoOutcome) {
    var out: [String] = []
    let outcome = DistributedCacheDemo.run(options, on: Timeline(format: .text, quiet: false) { out.append($0) })
    return (out, outcome)
}

func smallCache(seed: UInt64) -> DistributedCacheDemo.Options {
    DistributedCacheDemo.Options(seed: seed, ttl: .milliseconds(150), keys: 2000, rate: 2000, duration: .milliseconds(600),
                                 herdRate: 3000)
}

@Test func cacheDemoIsDeterministic() {
    let (a, outcome) = cacheLines(smallCache(seed: 3))
    #expect(outcome.violation == nil)
    #expect(a == cacheLines(smallCache(seed: 3)).0)
    #expect(a != cacheLines(smallCache(seed: 4)).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test(arguments: UInt64(1)...6)
func cacheSeedSweep(seed: UInt64) {
    var options = smallCache(seed: seed)
    options.writePerMille = 200  // many writes: more chances for races
    options.cacheNodes = 1 + Int(seed % 4)
    #expect(cacheLines(options).1.violation == nil)
}

@Test func unenforcedLeasesAreCaught() {
    var options = smallCache(seed: 1)
    options.sabotageLeases = true
    let violation = cacheLines(options).1.violation
    #expect(violation?.invariant == "fresh reads")
    #expect(violation?.detail.hasPrefix("leases") == true)
}

@Test func leasesFlattenTheHerd() {
    var out: [String] = []
    _ = DistributedCacheDemo.run(smallCache(seed: 2), on: Timeline(format: .json, quiet: true) { out.append($0) })
    let line = out.first { $0.contains("\"table\":\"Scene 3 totals\"") && $0.contains("\"mode\":\"leases\"") } ?? ""
    #expect(line.contains("\"store reads after expiry\":1,"))
}
