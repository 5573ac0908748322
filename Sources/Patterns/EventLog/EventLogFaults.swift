import Simulation

/// The faults `--faults` draws from the seed for an event-log run, instead of the story's script.
///
/// Crashes, partitions and lossy or slowed links are drawn over every node, but the crashes
/// that land on the controller node or the producer are left out with their restarts: the
/// controller stands in for a replicated KRaft quorum (its state is not on disk here) and the
/// producer keeps its idempotence sequences in memory (a restarted Kafka producer would get a
/// new producer id, which this model does not have). Both can still be cut off and slowed.
enum EventLogFaults {
    /// Draws the plan around the demo's pace: faults from 100 ms until the producer has had
    /// time to send every record (at least a second), a fault every ~ two session timeouts,
    /// outages of up to two session timeouts; the steady mix takes down a minority of brokers.
    static func draw(_ mode: FaultMode, config: EventLogConfig, network: NetworkConditions,
                     seed: UInt64) -> DrawnFaults {
        var rng = SeededRNG(seed: seed).stream(0xFA17_E10)
        let producing = config.produceInterval * UInt64(config.recordPartitions.count)
        let start = SimTime.zero + .milliseconds(100)
        let window = FaultWindow(start: start, end: start + max(.seconds(1), producing),
                                 meanGap: config.sessionTimeout * 2, maxOutage: config.sessionTimeout * 2,
                                 maxDown: max(1, (config.brokers - 1) / 2), baseline: network)
        var drawn = FaultPlan.draw(mode, nodeCount: config.nodeCount, window: window, rng: &rng)
        let spared: Set<NodeID> = [config.controller, config.producer]
        drawn.plan = FaultPlan(drawn.plan.faults.filter { scheduled in
            switch scheduled.fault {
            case .crash(let node), .restart(let node), .crashAfterWrite(let node), .crashDuringWrite(let node):
                return !spared.contains(node)
            case .partition, .heal, .network, .link:
                return true
            }
        })
        return drawn
    }
}
