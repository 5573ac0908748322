import Simulation
import Testing
@testable import Sharding

/// The checker must catch each kind of breakage it claims to, fed by hand.
private let config = ShardingConfig(keySpace: 100, initialShards: 2, nodes: 2, clients: 1,
                                    workload: Workload(keySpace: 100, hotLow: 0, hotWidth: 10, hotPerMille: 0))

@Test func overlappingServingRangesAreCaught() {
    var checker = ShardingChecker(config: config)
    checker.observe(serving: [(1, 0, 50), (2, 50, 100)])
    #expect(checker.failure == nil)
    checker.observe(serving: [(1, 0, 60), (2, 50, 100)])
    #expect(checker.failure?.invariant == "no key served by two shards at once")
}

@Test func aVersionAcknowledgedTwiceWithDifferentValuesIsALostWrite() {
    var checker = ShardingChecker(config: config)
    let t = SimTime.zero
    checker.completed(key: 5, .put(10), .written(version: 2), issued: t, now: t + .milliseconds(1))
    checker.completed(key: 5, .put(11), .written(version: 3), issued: t, now: t + .milliseconds(2))
    #expect(checker.failure == nil)
    checker.completed(key: 5, .put(12), .written(version: 3), issued: t, now: t + .milliseconds(3))
    #expect(checker.failure?.invariant == "no acknowledged write lost")
}

@Test func aReadOlderThanAnAcknowledgedWriteIsCaught() {
    var checker = ShardingChecker(config: config)
    let t = SimTime.zero + .milliseconds(10)
    checker.completed(key: 7, .put(1), .written(version: 4), issued: .zero, now: t)
    checker.completed(key: 7, .get, .value(Item(value: 0, version: 3)), issued: .zero, now: t)
    #expect(checker.failure == nil, "a read that began before the ack may miss it")
    checker.completed(key: 7, .get, .value(Item(value: 0, version: 3)), issued: t, now: t + .milliseconds(1))
    #expect(checker.failure?.invariant == "no acknowledged write lost")
}

@Test func aDestinationMissingAnAcknowledgedWriteIsCaughtWhenItActivates() {
    var checker = ShardingChecker(config: config)
    checker.completed(key: 60, .put(9), .written(version: 2), issued: .zero, now: .zero)
    var destination = StorageNode(id: 1, config: config)
    destination.store[60] = Item(value: -60, version: 1)
    checker.activated(low: 50, high: 100, on: destination)
    #expect(checker.failure?.invariant == "no acknowledged write lost")
}
