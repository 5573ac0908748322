import Simulation
import Testing
@testable import ConsistentHashing

let keyHashes = (0..<20_000).map { Hash64.hash("key-\($0)") }

@Test func joiningNodeTakesKeysOnlyForItself() {
    var ring = HashRing(nodes: Array(0..<6), virtualNodes: 40)
    let before = keyHashes.map(ring.owner(ofHash:))
    ring.add(6)
    let after = keyHashes.map(ring.owner(ofHash:))
    let moved = LoadStatistics.moved(before, after)
    #expect(!moved.isEmpty)
    #expect(moved.allSatisfy { after[$0] == 6 })
    #expect(after.filter { $0 == 6 }.count == moved.count)
}

@Test func leavingNodeGivesUpOnlyItsKeys() {
    var ring = HashRing(nodes: Array(0..<6), virtualNodes: 40)
    let before = keyHashes.map(ring.owner(ofHash:))
    ring.remove(2)
    let after = keyHashes.map(ring.owner(ofHash:))
    let moved = LoadStatistics.moved(before, after)
    #expect(moved.count == before.filter { $0 == 2 }.count)
    #expect(moved.allSatisfy { before[$0] == 2 })
    #expect(!after.contains(2))
}

@Test func replicasAreDistinctPhysicalNodesInRingOrder() {
    let ring = HashRing(nodes: Array(0..<5), virtualNodes: 50)
    var skipped = 0
    for hash in keyHashes.prefix(5_000) {
        let list = ring.replicas(ofHash: hash, count: 3)
        #expect(list.count == 3 && Set(list).count == 3)
        #expect(list.first == ring.owner(ofHash: hash))
        #expect(ring.replicas(ofHash: hash, count: 9).count == 5)
        if ring.pointsWalked(from: hash, count: 3) > 3 { skipped += 1 }
        let naive = PlacementExperiment.nextPoints(ring, hash, 3)
        #expect(naive.first == list.first)
    }
    // With 5 nodes the next three points repeat a node often: the skip is not hypothetical.
    #expect(skipped > 1_000)
}

@Test func replicaWalkOnATinyRing() {
    // Two nodes, one point each: the walk must wrap past the top of the ring.
    let ring = HashRing(nodes: [0, 1], virtualNodes: 1)
    let top = ring.points.last!.position
    #expect(ring.owner(ofHash: top &+ 1) == ring.points[0].node)
    #expect(ring.replicas(ofHash: top &+ 1, count: 3) == [ring.points[0].node, ring.points[1].node])
    #expect(HashRing(nodes: [], virtualNodes: 1).replicas(ofHash: 5, count: 3) == [])
}

@Test func boundedLoadsNeverExceedCapacity() {
    for (nodes, epsilon) in [(3, 100), (10, 250), (7, 50), (10, 1)] {
        let ring = HashRing(nodes: Array(0..<nodes), virtualNodes: 8)
        let (owners, capacity) = BoundedLoadPlacement(ring: ring, epsilonPerMille: epsilon).assign(keyHashes)
        let stats = LoadStatistics(owners: owners, nodes: ring.nodes)
        #expect(stats.counts.max()! <= capacity)
        #expect(capacity == (keyHashes.count * (1000 + epsilon) + 1000 * nodes - 1) / (1000 * nodes))
        #expect(stats.counts.reduce(0, +) == keyHashes.count)
    }
}

@Test func moreVirtualNodesSpreadLoadMoreEvenly() {
    let few = LoadStatistics(owners: keyHashes.map(HashRing(nodes: Array(0..<10), virtualNodes: 2).owner(ofHash:)),
                             nodes: Array(0..<10))
    let many = LoadStatistics(owners: keyHashes.map(HashRing(nodes: Array(0..<10), virtualNodes: 500).owner(ofHash:)),
                              nodes: Array(0..<10))
    #expect(many.spread < few.spread / 4)
    #expect(many.maxOverMean < 1.15)
}

@Test func statisticsArithmetic() {
    let stats = LoadStatistics(owners: [0, 0, 0, 1, 2, 2], nodes: [0, 1, 2])
    #expect(stats.counts == [3, 1, 2])
    #expect(stats.maxOverMean == 1.5 && stats.minOverMean == 0.5)
    #expect(abs(stats.spread - (2.0 / 3).squareRoot() / 2) < 1e-12)
    #expect(ConsistentHashingDemo.grouped(100_000) == "100,000")
    #expect(ConsistentHashingDemo.fixed(1.23456, 3) == "1.235")
    #expect(ConsistentHashingDemo.fixed(0.05, 1) == "0.1")
}

@Test func radixIndexAgreesWithBinarySearch() {
    for (nodes, vnodes) in [(1, 1), (2, 3), (10, 160), (7, 1000)] {
        let ring = HashRing(nodes: Array(0..<nodes), virtualNodes: vnodes)
        let positions = ring.points.map(\.position)
        func reference(_ hash: UInt64) -> Int {
            var low = 0, high = positions.count
            while low < high {
                let mid = (low + high) / 2
                if positions[mid] < hash { low = mid + 1 } else { high = mid }
            }
            return low == positions.count ? 0 : low
        }
        let probes = Array(keyHashes.prefix(2_000)) + positions + positions.map { $0 &+ 1 } + [0, UInt64.max]
        for hash in probes {
            #expect(ring.successor(of: hash) == reference(hash))
        }
    }
}
