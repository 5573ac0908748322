import Testing
@testable import Simulation

/// A toy protocol: every node counts pings; `persisted` survives a crash, `volatile` does not.
struct Counter: SimulatedNode {
    enum Message { case ping(Int) }
    enum Timer: Hashable { case tick }
    enum Command { case bump }
    typealias Output = String
    typealias Durable = Int

    let id: NodeID
    let cluster: [NodeID]
    var persisted: Int
    var volatile = 0

    init(id: NodeID, cluster: [NodeID], durable: Int?) {
        self.id = id
        self.cluster = cluster
        persisted = durable ?? 0
    }

    mutating func start(_ context: inout NodeContext<Counter>) {
        context.setTimer(.tick, after: .milliseconds(10))
    }

    mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Counter>) {
        guard case .ping(let n) = message else { return }
        volatile += 1
        context.output("n\(id)<-n\(sender):\(n)@\(context.now.nanoseconds)")
    }

    mutating func fire(_ timer: Timer, _ context: inout NodeContext<Counter>) {
        let peer = cluster[Int(context.rng.below(UInt64(cluster.count)))]
        context.send(.ping(volatile), to: peer)
        context.setTimer(.tick, after: SimDuration.random(in: .milliseconds(5), .milliseconds(15), using: &context.rng))
    }

    mutating func handle(_ command: Command, _ context: inout NodeContext<Counter>) {
        persisted += 1
        context.persist(persisted)
    }
}

func trace(seed: UInt64, faults: FaultPlan = .none, network: NetworkConditions = .unreliable) -> [String] {
    let sim = Simulator<Counter, Never>(seed: seed, nodeCount: 4, network: network, faults: faults)
    var lines: [String] = []
    sim.run(until: SimTime.zero + .seconds(2)) { _ in
        lines += sim.outputs.map(\.output)
        return true
    }
    return lines
}

@Test(arguments: [UInt64(1), 2, 99])
func sameSeedSameTrace(seed: UInt64) {
    let first = trace(seed: seed)
    #expect(!first.isEmpty)
    #expect(first == trace(seed: seed))
}

@Test func differentSeedsDiffer() {
    #expect(trace(seed: 1) != trace(seed: 2))
}

@Test func crashLosesVolatileStateAndKeepsPersisted() {
    let plan = FaultPlan([
        ScheduledFault(at: SimTime.zero + .milliseconds(500), .crash(1)),
        ScheduledFault(at: SimTime.zero + .milliseconds(600), .restart(1)),
    ])
    let sim = Simulator<Counter, Never>(seed: 5, nodeCount: 2, network: .reliable, faults: plan)
    sim.submit(.bump, to: 1)
    sim.submit(.bump, to: 1)
    sim.run(until: SimTime.zero + .milliseconds(499))
    #expect(sim.nodes[1]!.volatile > 0)
    #expect(sim.nodes[1]!.persisted == 2)
    sim.run(until: SimTime.zero + .milliseconds(550))
    #expect(sim.nodes[1] == nil)
    sim.run(until: SimTime.zero + .milliseconds(600))
    #expect(sim.nodes[1]!.volatile == 0)
    #expect(sim.nodes[1]!.persisted == 2)
    #expect(sim.stats.crashes == 1 && sim.stats.restarts == 1)
}

@Test func partitionBlocksOnlyAcrossSides() {
    let p = Partition.bridge(2, between: [0], and: [1], nodeCount: 3)
    #expect(!p.allows(0, 1))
    #expect(p.allows(0, 2) && p.allows(2, 1) && p.allows(1, 1))
    let isolated = Partition.isolate(0, nodeCount: 3)
    #expect(!isolated.allows(0, 1) && isolated.allows(1, 2))
}

@Test func rngIsUniformEnoughAndReproducible() {
    var a = SeededRNG(seed: 42)
    var b = SeededRNG(seed: 42)
    var buckets = [Int](repeating: 0, count: 10)
    for _ in 0..<100_000 {
        let x = a.below(10)
        #expect(x == b.below(10))
        buckets[Int(x)] += 1
    }
    #expect(buckets.allSatisfy { (9_500...10_500).contains($0) })
}

@Test func xoshiroMatchesReferenceOutput() {
    // Reference: xoshiro256** with state {1, 2, 3, 4} (the C reference implementation).
    var rng = SeededRNG(seed: 0)
    rng.s0 = 1; rng.s1 = 2; rng.s2 = 3; rng.s3 = 4
    #expect(rng.next() == 11520)
    #expect(rng.next() == 0)
    #expect(rng.next() == 1509978240)
    #expect(rng.next() == 1215971899390074240)
}

@Test func timelineIsWrappedAt100Columns() {
    var lines: [String] = []
    let timeline = Timeline(format: .text, quiet: false) { lines.append($0) }
    timeline.event(.zero + .milliseconds(1234), node: 3, "commit", String(repeating: "word ", count: 60))
    #expect(lines.count > 1)
    #expect(lines.allSatisfy { $0.count <= 100 })
    #expect(lines[0].hasPrefix("  1234.000ms  n3   commit    word"))
}

/// A node that arms a long timer and cancels it at once: the cancelled timer stays queued as a
/// stale entry.
struct Canceller: SimulatedNode {
    enum Message { case none }
    enum Timer: Hashable { case short, long }
    enum Command { case arm }
    typealias Output = String
    typealias Durable = Never
    init(id: NodeID, cluster: [NodeID], durable: Never?) {}
    mutating func start(_ context: inout NodeContext<Canceller>) {}
    mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Canceller>) {}
    mutating func fire(_ timer: Timer, _ context: inout NodeContext<Canceller>) { context.output("\(timer)") }
    mutating func handle(_ command: Command, _ context: inout NodeContext<Canceller>) {
        context.setTimer(.short, after: .milliseconds(10))
        context.cancelTimer(.short)
        context.setTimer(.long, after: .seconds(5))
    }
}

@Test func runUntilNeverPassesItsLimitOverAStaleTimer() {
    let sim = Simulator<Canceller, Never>(seed: 1, nodeCount: 1)
    sim.submit(.arm, to: 0)
    sim.run(until: .zero + .milliseconds(100))
    #expect(sim.now == .zero + .milliseconds(100))
    sim.run(until: .zero + .seconds(6))
    #expect(sim.now == .zero + .seconds(6))
}

@Test func nodeFactoryBuildsNodesAtBootAndRestart() {
    let plan = FaultPlan([
        ScheduledFault(at: SimTime.zero + .milliseconds(100), .crash(0)),
        ScheduledFault(at: SimTime.zero + .milliseconds(200), .restart(0)),
    ])
    var built: [NodeID] = []
    let sim = Simulator<Counter, Never>(seed: 3, nodeCount: 2, network: .reliable, faults: plan) { id, cluster, durable in
        built.append(id)
        var node = Counter(id: id, cluster: cluster, durable: durable)
        node.volatile = 1000
        return node
    }
    #expect(built == [0, 1])
    #expect(sim.nodes[0]!.volatile >= 1000)
    sim.run(until: SimTime.zero + .milliseconds(250))
    #expect(built == [0, 1, 0])
}

@Test func eventQueuePopsByTimeThenSchedulingOrder() {
    var queue = EventQueue<String>()
    var rng = SeededRNG(seed: 11)
    var expected: [(UInt64, Int)] = []
    for i in 0..<2_000 {
        let time = rng.below(50)
        queue.push("\(i)", at: SimTime(nanoseconds: time))
        expected.append((time, i))
        if i % 7 == 0, let popped = queue.pop() {
            // Popping mid-way must still give the earliest pending event.
            let index = expected.indices.min { expected[$0] < expected[$1] }!
            #expect(popped.payload == "\(expected[index].1)")
            expected.remove(at: index)
        }
    }
    expected.sort { $0 < $1 }
    for (time, i) in expected {
        let entry = queue.pop()
        #expect(entry?.time.nanoseconds == time && entry?.payload == "\(i)")
    }
    #expect(queue.pop() == nil && queue.isEmpty)
}
