import Simulation

/// One run of the cache deployment: boots store, cache servers and application servers, feeds
/// them a schedule of reads and writes, and checks every completed read with the
/// `FreshnessChecker` as it completes.
///
/// Simplifications: the network delays and reorders but does not drop (a lost store reply
/// would need client retries that are beside the point here); cache servers may crash.
struct CacheRun {
    struct Settings {
        var seed: UInt64
        var mode: CacheMode
        var cacheNodes = 4
        var apps = 6
        var capacity = 250
        var ttl = SimDuration.milliseconds(400)
        var keys = 10_000
        var storeWorkers = 8
        var storeService = SimDuration.milliseconds(2)
        var faults = FaultPlan.none
        var trackedKey = -1
        var sabotageLeases = false
    }

    struct Step {
        var at: SimTime
        var app: Int
        var command: CacheClusterNode.Command
    }

    struct Metrics {
        var reads = 0, hits = 0, fills = 0, storeOnly = 0, writes = 0
        var storeReads = 0, storeWrites = 0, peakStoreLoad = 0
        var readLatencies: [UInt64] = []
        var staleReads = 0, maxStaleness = SimDuration.zero
        var rejectedSets = 0, waits = 0
        /// When the store served a read of `trackedKey`.
        var trackedStoreReads: [SimTime] = []
    }

    let settings: Settings

    static let network = NetworkConditions(delayMin: .microseconds(200), delayMax: .milliseconds(1),
                                           tailPerMille: 10, tailDelayMax: .milliseconds(5))

    func appNode(_ index: Int) -> NodeID { 1 + settings.cacheNodes + index }

    func run(_ schedule: [Step], until end: SimTime,
             narrate: ((SimTime, NodeID, CacheClusterNode.Output) -> Void)? = nil) -> (Metrics, InvariantViolation?) {
        let sim = Simulator<CacheClusterNode, Never>(seed: settings.seed, nodeCount: 1 + settings.cacheNodes + settings.apps,
                                                     network: CacheRun.network, faults: settings.faults,
                                                     disks: configuration())
        var checker = FreshnessChecker(keys: settings.keys, ttl: settings.ttl, strict: settings.mode != .plain)
        var metrics = Metrics()
        var violation: InvariantViolation?
        let observe: (Simulator<CacheClusterNode, Never>.Occurrence) -> Bool = { _ in
            for (node, output) in sim.outputs {
                narrate?(sim.now, node, output)
                if let problem = record(output, now: sim.now, &metrics, &checker) {
                    violation = InvariantViolation(invariant: "fresh reads", detail: "\(settings.mode.rawValue): \(problem)",
                                                   seed: settings.seed, step: sim.stats.events, time: sim.now)
                    return false
                }
            }
            metrics.peakStoreLoad = max(metrics.peakStoreLoad, sim.nodes[0]?.store?.load ?? 0)
            return true
        }
        for step in schedule {
            guard sim.run(until: step.at, observe: observe) else { break }
            sim.submit(step.command, to: appNode(step.app))
        }
        if violation == nil { sim.run(until: end, observe: observe) }
        metrics.staleReads = checker.staleReads
        metrics.maxStaleness = checker.maxStaleness
        metrics.readLatencies.sort()
        return (metrics, violation)
    }

    /// What each node finds on its disk at boot: the store, the cache servers, the app servers.
    private func configuration() -> [CacheClusterNode.Durable?] {
        let store = CacheClusterNode.Config.store(keys: settings.keys, workers: settings.storeWorkers,
                                                  service: settings.storeService)
        // The sabotaged variant hands out leases but never checks them: plain sets, strict checker.
        let leases = settings.mode == .leases && !settings.sabotageLeases
        let cache = CacheClusterNode.Config.cache(capacity: settings.capacity, ttl: settings.ttl, leases: leases,
                                                  leaseTimeout: .milliseconds(50))
        let app = CacheClusterNode.Config.app(AppServer.Settings(mode: settings.mode, cacheNodes: settings.cacheNodes,
                                                                 opTimeout: .milliseconds(20), waitRetry: .milliseconds(2)))
        let configs = [store] + Array(repeating: cache, count: settings.cacheNodes)
            + Array(repeating: app, count: settings.apps)
        return configs.map { CacheClusterNode.Durable(config: $0) }
    }

    private func record(_ output: CacheClusterNode.Output, now: SimTime, _ metrics: inout Metrics,
                        _ checker: inout FreshnessChecker) -> String? {
        switch output {
        case let .readDone(_, key, version, start, source, entry):
            metrics.reads += 1
            switch source {
            case .hit: metrics.hits += 1
            case .fill: metrics.fills += 1
            case .store: metrics.storeOnly += 1
            }
            metrics.readLatencies.append((now - start).nanoseconds)
            return checker.readCompleted(key: key, version: version, start: start, entry: entry)
        case let .writeDone(_, key, version, _):
            metrics.writes += 1
            checker.writeCompleted(key: key, version: version, at: now)
        case let .storeServed(key, write):
            if write { metrics.storeWrites += 1 } else { metrics.storeReads += 1 }
            if !write && key == settings.trackedKey { metrics.trackedStoreReads.append(now) }
        case .setRejected: metrics.rejectedSets += 1
        case .waited: metrics.waits += 1
        case .filled: break
        }
        return nil
    }
}
