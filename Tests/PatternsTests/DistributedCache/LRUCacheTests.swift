import Testing
@testable import DistributedCache
import Simulation

let far = SimTime.zero + .seconds(100)

@Test func lruEvictsTheLeastRecentlyUsed() {
    var lru = LRUCache<Int>(capacity: 3)
    for k in 1...3 { lru.put(k, k * 10, expires: far) }
    let one = lru.get(1, now: .zero)
    #expect(one == 10)
    lru.put(4, 40, expires: far)
    #expect(lru.peek(2) == nil)
    #expect(lru.keysByRecency == [4, 1, 3])
    #expect(lru.evictions == 1)
}

@Test func lruDropsExpiredEntriesOnRead() {
    var lru = LRUCache<Int>(capacity: 2)
    lru.put(1, 1, expires: .zero + .milliseconds(5))
    let live = lru.get(1, now: .zero + .milliseconds(4))
    let expired = lru.get(1, now: .zero + .milliseconds(5))
    #expect(live == 1 && expired == nil)
    #expect(lru.count == 0)
}

@Test func lruMatchesANaiveModel() {
    var rng = SeededRNG(seed: 11)
    var lru = LRUCache<Int>(capacity: 8)
    var model: [(key: Int, value: Int)] = []  // most recent first
    for step in 0..<5000 {
        let key = Int(rng.below(20))
        switch rng.below(3) {
        case 0:
            lru.put(key, step, expires: far)
            model.removeAll { $0.key == key }
            model.insert((key, step), at: 0)
            if model.count > 8 { model.removeLast() }
        case 1:
            let expected = model.firstIndex { $0.key == key }.map { model[$0].value }
            let got = lru.get(key, now: .zero)
            #expect(got == expected)
            if let i = model.firstIndex(where: { $0.key == key }) { model.insert(model.remove(at: i), at: 0) }
        default:
            let removed = lru.remove(key)
            #expect(removed == model.contains { $0.key == key })
            model.removeAll { $0.key == key }
        }
        #expect(lru.keysByRecency == model.map(\.key))
    }
}

@Test func zipfIsSkewedAndReproducible() {
    let zipf = ZipfKeys(keys: 1000)
    var a = SeededRNG(seed: 3), b = SeededRNG(seed: 3)
    var counts = [Int](repeating: 0, count: 1000)
    for _ in 0..<50_000 {
        let k = zipf.draw(&a)
        let again = zipf.draw(&b)
        #expect(k == again)
        counts[k] += 1
    }
    // P(key 0) = 1/H(1000) ~ 13.4%; key 1 about half of key 0.
    #expect((6_300...7_100).contains(counts[0]))
    #expect((3_000...3_700).contains(counts[1]))
    #expect(zipf.headMassPerMillion(1000) == 1_000_000)
}

@Test func leasesCoalesceMissesAndRefuseStaleSets() {
    var server = CacheServer(capacity: 10, ttl: .milliseconds(100), leases: true,
                             leaseTimeout: .milliseconds(50), epoch: 1)
    guard case .miss(let token?) = server.get(5, now: .zero) else { Issue.record("expected a lease"); return }
    let waiting = server.get(5, now: .zero + .milliseconds(1))
    #expect(waiting == .wait)
    server.delete(5)  // a write invalidates the outstanding lease
    let stale = server.set(5, version: 0, token: token, readAt: .zero, now: .zero + .milliseconds(2))
    #expect(!stale)
    guard case .miss(let second?) = server.get(5, now: .zero + .milliseconds(3)) else { Issue.record("lease"); return }
    #expect(second != token)
    let fresh = server.set(5, version: 1, token: second, readAt: .zero, now: .zero + .milliseconds(4))
    #expect(fresh)
    guard case .hit(let entry) = server.get(5, now: .zero + .milliseconds(5)) else { Issue.record("hit"); return }
    #expect(entry.version == 1)
    #expect(server.rejectedSets == 1)
}

@Test func anAbandonedLeaseTimesOut() {
    var server = CacheServer(capacity: 10, ttl: .milliseconds(100), leases: true,
                             leaseTimeout: .milliseconds(50), epoch: 0)
    _ = server.get(1, now: .zero)
    let held = server.get(1, now: .zero + .milliseconds(49))
    #expect(held == .wait)
    guard case .miss = server.get(1, now: .zero + .milliseconds(50)) else { Issue.record("expected a new lease"); return }
}

@Test func tokensOfAnEarlierBootAreRefused() {
    var before = CacheServer(capacity: 4, ttl: .seconds(1), leases: true, leaseTimeout: .seconds(1), epoch: 1)
    guard case .miss(let token?) = before.get(1, now: .zero) else { return }
    var after = CacheServer(capacity: 4, ttl: .seconds(1), leases: true, leaseTimeout: .seconds(1), epoch: 2)
    _ = after.get(1, now: .zero)
    let accepted = after.set(1, version: 0, token: token, readAt: .zero, now: .zero)
    #expect(!accepted)
}

@Test func ringSpreadsKeys() {
    let ring = CacheRing(owners: 4)
    var counts = [0, 0, 0, 0]
    for key in 0..<10_000 { counts[ring.owner(of: key)] += 1 }
    #expect(counts.allSatisfy { (1_500...3_500).contains($0) })
}
