import Simulation
import Testing
@testable import EventLog

/// The brokers, controller, producer and group driven on the simulator without the demo
/// script: each test builds a small cluster, applies one fault, and inspects node state.
private final class Cluster {
    let config: EventLogConfig
    let sim: Simulator<EventLogNode, Never>

    init(records: Int, partitions: Int = 1, network: NetworkConditions = .reliable, seed: UInt64 = 1) {
        config = EventLogConfig(brokers: 3, partitions: partitions, consumers: 2,
                                recordPartitions: (0..<records).map { $0 % partitions })
        sim = Simulator(seed: seed, nodeCount: config.nodeCount, network: network,
                        disks: Array(repeating: EventLogDurable(config: config), count: config.nodeCount))
    }

    func run(to ms: UInt64) { sim.run(until: SimTime.zero + .milliseconds(ms)) }

    func broker(_ id: NodeID) -> Broker? {
        if case .broker(let b)? = sim.nodes[id]?.role { return b }
        return nil
    }

    var controller: Controller {
        guard case .controller(let c, _, _)? = sim.nodes[config.controller]?.role else { fatalError("no controller") }
        return c
    }

    var sink: OutputSink {
        guard case .controller(_, _, let s)? = sim.nodes[config.controller]?.role else { fatalError("no sink") }
        return s
    }

    var producer: Producer {
        guard case .producer(let p)? = sim.nodes[config.producer]?.role else { fatalError("no producer") }
        return p
    }

    /// The committed prefix of partition p on its current leader.
    func committed(_ p: Int) -> [PartitionLog.Record] {
        guard let leader = controller.states[p].leader, let b = broker(leader) else { return [] }
        return Array(b.logs[p].records.prefix(b.replicas[p].highWatermark))
    }
}

@Test func aCrashedLeaderIsReplacedFromTheISRAndTruncatesWhenItReturns() {
    let cluster = Cluster(records: 80)
    cluster.run(to: 150)
    #expect(cluster.controller.states[0].leader == 0)
    let before = cluster.committed(0)
    cluster.sim.inject(.crash(0))
    cluster.run(to: 400)
    let state = cluster.controller.states[0]
    #expect(state.leader == 1 || state.leader == 2)
    #expect(state.leaderEpoch == 2)
    #expect(!state.isr.contains(0))
    // Everything committed under epoch 1 survives the failover.
    #expect(Array(cluster.committed(0).prefix(before.count)) == before)
    cluster.sim.inject(.restart(0))
    cluster.run(to: 1200)
    #expect(cluster.controller.states[0].isr == [0, 1, 2])
    let leaderLog = cluster.broker(cluster.controller.states[0].leader!)!.logs[0]
    #expect(cluster.broker(0)!.logs[0] == leaderLog)
    #expect(cluster.producer.acked == 80)
}

@Test func writesAreRefusedWhileTheISRIsBelowMinInsync() {
    let cluster = Cluster(records: 60)
    cluster.run(to: 60)
    cluster.sim.inject(.crash(1))
    cluster.sim.inject(.crash(2))
    cluster.run(to: 250)
    #expect(cluster.controller.states[0].isr == [0])
    let acked = cluster.producer.acked
    cluster.run(to: 400)
    #expect(cluster.producer.acked == acked, "no acks=all write is acknowledged with ISR {n0}")
    #expect(cluster.producer.refused > 0)
    cluster.sim.inject(.restart(1))
    cluster.sim.inject(.restart(2))
    cluster.run(to: 1500)
    #expect(cluster.producer.acked == 60)
}

@Test func retriesAndNetworkDuplicatesNeverDuplicateARecord() {
    let lossy = NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(15),
                                  dropPerMille: 150, duplicatePerMille: 300)
    let cluster = Cluster(records: 90, partitions: 3, network: lossy, seed: 9)
    cluster.run(to: 3000)
    #expect(cluster.producer.acked == 90)
    #expect(cluster.producer.retries > 0)
    for p in 0..<3 {
        let sequences = cluster.committed(p).map(\.sequence)
        #expect(sequences == Array(0..<30), "p\(p) holds each sequence once, in order")
    }
}

@Test func theSinkHoldsEachCommittedRecordOnceWithTheGroupRunning() {
    let cluster = Cluster(records: 60, partitions: 3, seed: 4)
    cluster.run(to: 150)
    cluster.sim.inject(.crash(cluster.config.consumerIDs[0]))
    cluster.run(to: 1500)
    for p in 0..<3 {
        #expect(cluster.sink.outputs[p].map(\.sourceOffset) == Array(0..<20))
        #expect(cluster.sink.offsets[p] == 20)
    }
}
