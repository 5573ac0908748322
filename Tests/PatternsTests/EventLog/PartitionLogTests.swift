import Simulation
import Testing
@testable import EventLog

/// The replica log: epoch lookups, divergence detection and truncation (KIP-101/KIP-320).
private func log(_ epochs: [Int]) -> PartitionLog {
    PartitionLog(records: epochs.enumerated().map { i, epoch in
        PartitionLog.Record(epoch: epoch, producerID: 7, sequence: i, value: i)
    })
}

@Test func endOffsetForEpochFindsTheStartOfTheNextEpoch() {
    let l = log([1, 1, 2, 2, 4])
    #expect(l.endOffset(forEpoch: 0) == (0, 0))
    #expect(l.endOffset(forEpoch: 1) == (1, 2))
    #expect(l.endOffset(forEpoch: 2) == (2, 4))
    #expect(l.endOffset(forEpoch: 3) == (2, 4))
    #expect(l.endOffset(forEpoch: 4) == (4, 5))
    #expect(l.endOffset(forEpoch: 9) == (4, 5))
}

@Test func aConsistentFollowerDoesNotDiverge() {
    let leader = log([1, 1, 2, 2, 3])
    #expect(leader.divergence(fetchOffset: 0, lastFetchedEpoch: 0) == nil)
    #expect(leader.divergence(fetchOffset: 4, lastFetchedEpoch: 2) == nil)
    #expect(leader.divergence(fetchOffset: 3, lastFetchedEpoch: 2) == nil)
}

/// Follows a broker's fetch loop until the leader accepts the follower's position.
private func reconcile(_ follower: inout PartitionLog, with leader: PartitionLog) -> Int {
    var rounds = 0
    while let d = leader.divergence(fetchOffset: follower.endOffset, lastFetchedEpoch: follower.lastEpoch) {
        let cut = min(d.offset, follower.endOffset(forEpoch: d.epoch).offset, follower.endOffset)
        follower.truncate(to: cut)
        rounds += 1
        if rounds > 20 { break }
    }
    return rounds
}

@Test func aFollowerWithAnEpochTheLeaderNeverSawTruncatesToTheCommonPrefix() {
    // The follower led epoch 2 and appended two records nobody else got; the leader led epoch 3.
    var follower = log([1, 1, 2, 2])
    let leader = log([1, 1, 1, 3])
    #expect(reconcile(&follower, with: leader) >= 1)
    #expect(follower.records.map(\.epoch) == [1, 1])
}

@Test func reconciliationAlwaysEndsOnAPrefixOfTheLeaderKeepingTheCommonPart() {
    var rng = SeededRNG(seed: 42)
    for _ in 0..<500 {
        var prefix: [Int] = []
        var epoch = 1
        for _ in 0..<Int(rng.below(8)) {
            epoch += Int(rng.below(2))
            prefix.append(epoch)
        }
        let divergentEpoch = epoch + Int(rng.below(2))
        let followerTail = Array(repeating: divergentEpoch, count: Int(rng.below(5)))
        var leaderTail: [Int] = []
        var leaderEpoch = divergentEpoch
        for _ in 0..<Int(rng.below(6)) {
            leaderEpoch += 1 + Int(rng.below(2)) * Int(rng.below(2))
            leaderTail.append(leaderEpoch)
        }
        var follower = log(prefix + followerTail)
        let leader = PartitionLog(records: (prefix + leaderTail).enumerated().map { i, e in
            PartitionLog.Record(epoch: e, producerID: 7, sequence: i < prefix.count ? i : 1000 + i, value: i)
        })
        // The follower's records are the leader's in the common prefix.
        follower = PartitionLog(records: Array(leader.records.prefix(prefix.count))
            + follower.records.dropFirst(prefix.count))
        _ = reconcile(&follower, with: leader)
        #expect(follower.endOffset >= prefix.count)
        #expect(Array(leader.records.prefix(follower.endOffset)) == follower.records)
    }
}

@Test func producerStateIsRebuiltFromTheLog() {
    var l = PartitionLog()
    for s in 0..<4 { l.append(.init(epoch: 1, producerID: 7, sequence: s, value: s)) }
    l.append(.init(epoch: 1, producerID: 9, sequence: 0, value: 99))
    #expect(l.lastSequence(of: 7) == 3)
    #expect(l.lastSequence(of: 9) == 0)
    #expect(l.lastSequence(of: 5) == -1)
    #expect(l.offset(of: 7, sequence: 2) == 2)
    l.truncate(to: 2)
    #expect(l.lastSequence(of: 7) == 1)
    #expect(l.offset(of: 9, sequence: 0) == nil)
}

@Test func rangeAssignorGivesContiguousRangesFirstMembersTheExtra() {
    #expect(GroupCoordinator.rangeAssign(members: [6, 5], partitions: 3) == [5, 5, 6])
    #expect(GroupCoordinator.rangeAssign(members: [5, 6, 7], partitions: 2) == [5, 6])
    #expect(GroupCoordinator.rangeAssign(members: [], partitions: 2) == [nil, nil])
    #expect(GroupCoordinator.rangeAssign(members: [8, 5, 6], partitions: 7) == [5, 5, 5, 6, 6, 8, 8])
}
