import Simulation
import Testing
@testable import Sharding

@Test func equalRangesCoverTheKeySpace() {
    let table = RoutingTable(keySpace: 1000, shards: 4, owners: [1, 2, 3, 4])
    #expect(table.version == 1)
    #expect(table.entries.map(\.low) == [0, 250, 500, 750])
    #expect(table.owner(of: 0) == 1)
    #expect(table.owner(of: 499) == 2)
    #expect(table.owner(of: 999) == 4)
    #expect(table.owner(of: 1000) == nil)
    #expect(table.problem() == nil)
}

@Test func splitsAndMovesMakeNewVersionsAndKeepAPartition() {
    var rng = SeededRNG(seed: 11)
    var table = RoutingTable(keySpace: 500, shards: 3, owners: [1, 2, 3])
    for step in 0..<200 {
        let before = table.version
        let entry = rng.pick(table.entries)!
        if rng.chance(perMille: 500), entry.high - entry.low >= 2 {
            let at = entry.low + 1 + Int(rng.below(UInt64(entry.high - entry.low - 1)))
            let right = table.split(shard: entry.shard, at: at)
            #expect(right != nil)
            #expect(table.entry(shard: entry.shard)?.high == at)
        } else {
            table.move(shard: entry.shard, to: 1 + Int(rng.below(3)))
        }
        #expect(table.version == before + 1 || entry.high - entry.low < 2, "step \(step)")
        #expect(table.problem() == nil)
        for key in stride(from: 0, to: 500, by: 7) {
            let linear = table.entries.first { $0.contains(key) }
            #expect(table.entry(for: key) == linear)
        }
    }
}

@Test func aSplitOutsideTheShardIsRefused() {
    var table = RoutingTable(keySpace: 100, shards: 2, owners: [1, 2])
    #expect(table.split(shard: 0, at: 0) == nil)
    #expect(table.split(shard: 0, at: 50) == nil)
    #expect(table.split(shard: 9, at: 10) == nil)
    #expect(table.version == 1)
}

@Test func theWorkloadIsSkewedTowardTheHotRangeAndItsLowRanks() {
    let workload = Workload(keySpace: 1000, hotLow: 300, hotWidth: 50, hotPerMille: 700)
    var rng = SeededRNG(seed: 3)
    var hot = 0, lowRanks = 0
    for _ in 0..<10_000 {
        let key = workload.draw(&rng)
        #expect((0..<1000).contains(key))
        if (300..<350).contains(key) { hot += 1 }
        if (300..<305).contains(key) { lowRanks += 1 }
    }
    #expect(hot > 6_500 && hot < 7_500)
    #expect(lowRanks > hot / 4, "the first tenth of the hot range draws well over a tenth")
    for key in 0..<1000 { #expect((0..<4).contains(Workload.hashShard(key, shards: 4))) }
}
