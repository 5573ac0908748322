import Simulation

/// One routing mode's run of the read-replica demo: sessions loop (operation, think, repeat)
/// with think times that shrink during write bursts; every 10 ms the harness samples each
/// replica's lag behind the primary; every completed read goes through the `SessionChecker`.
///
/// Simplifications: each session runs one operation at a time (a user's request chain), so a
/// session's guarantees concern operations that completed before the next began; each session
/// draws its keys from its own stream, so every mode sees the same choices. A session whose
/// client crashes abandons the operation it was running (a write may or may not be in the log:
/// the checker counts only writes whose reply arrived) and goes on once the client is back.
struct ReplicaRun {
    enum Tick {
        case next(session: Int)
        case sample
    }

    struct Settings {
        var seed: UInt64
        var routing: ReadRouting
        var replicas: Int
        var sessions: Int
        var keys: Int
        var duration: SimDuration
        var writePerMille: UInt32
        var maxWait: SimDuration
        var faults: FaultPlan
        var bursts: [(SimTime, SimTime)]
        /// The broken variant: sessions claim tokens but the client never sends them.
        var forgetTokens = false
    }

    struct Metrics {
        var reads = 0, writes = 0, onReplica = 0, redirected = 0, held = 0
        var readLatencies: [UInt64] = []
        /// LSN and time lag of each read a replica served.
        var servedLagLSN: [Int] = []
        var servedLagTime: [UInt64] = []
        /// Sampled lag per replica: LSN, time.
        var sampledLSN: [[Int]]
        var sampledTime: [[UInt64]]
        var staleReads = 0, ryw = 0, monotonic = 0
        var firstAnomalies: [(SimTime, NodeID, String)] = []
    }

    enum SessionPhase {
        case thinking, busy, stopped
    }

    let settings: Settings

    static func applyCost(replica: Int) -> SimDuration {
        [SimDuration.microseconds(200), .microseconds(800), .milliseconds(2)][replica % 3]
    }

    /// The network when no fault is in force.
    static let network = NetworkConditions(delayMin: .microseconds(200), delayMax: .milliseconds(1))

    var replicaNodes: [NodeID] { (1...settings.replicas).map { $0 } }
    func sessionNode(_ s: Int) -> NodeID { 1 + settings.replicas + s }

    func inBurst(_ now: SimTime) -> Bool { settings.bursts.contains { $0.0 <= now && now < $0.1 } }

    func run() -> (Metrics, InvariantViolation?) {
        let sim = Simulator<ReplicaNode, Tick>(seed: settings.seed, nodeCount: 1 + settings.replicas + settings.sessions,
                                               network: ReplicaRun.network,
                                               faults: settings.faults, disks: configuration())
        let root = SeededRNG(seed: settings.seed)
        var streams = (0..<settings.sessions).map { root.stream(100 + UInt64($0)) }
        var lastWritten = [Int](repeating: 0, count: settings.sessions)
        var checker = SessionChecker(keys: settings.keys, clients: settings.sessions, enforce: settings.routing == .session)
        var metrics = Metrics(sampledLSN: Array(repeating: [], count: settings.replicas),
                              sampledTime: Array(repeating: [], count: settings.replicas))
        var violation: InvariantViolation?
        var op = 0
        var primaryAtIssue: [Int] = []
        /// What each session is doing; `stopped` once its client crashed in the middle of an
        /// operation or was down when the next one came, until the client is back.
        var phase = [SessionPhase](repeating: .thinking, count: settings.sessions)
        var lastCommitted = 0
        let end = SimTime.zero + settings.duration

        func issue(_ s: Int) {
            var rng = streams[s]
            let write = rng.chance(perMille: settings.writePerMille)
            let key = !write && rng.chance(perMille: 500) ? lastWritten[s] : Int(rng.below(UInt64(settings.keys)))
            if write { lastWritten[s] = key }
            streams[s] = rng
            phase[s] = .busy
            sim.submit(write ? .write(op: op, key: key) : .read(op: op, key: key), to: sessionNode(s))
            primaryAtIssue.append(sim.nodes[0]?.primary?.lsn ?? lastCommitted)
            op += 1
        }
        func think(_ s: Int) {
            guard sim.now < end else { return }
            phase[s] = .thinking
            var rng = streams[s]
            let mean: UInt64 = inBurst(sim.now) ? 1_500 : 6_000
            sim.schedule(.next(session: s), after: .microseconds(rng.uniform(0...(2 * mean))))
            streams[s] = rng
        }

        for s in 0..<settings.sessions { think(s) }
        sim.schedule(.sample, after: .milliseconds(10))
        func session(_ node: NodeID) -> Int? {
            node > settings.replicas && node <= settings.replicas + settings.sessions ? node - 1 - settings.replicas : nil
        }
        sim.run(until: end + .seconds(2)) { occurrence in
            switch occurrence {
            case .external(.next(let s)): issue(s)
            case .external(.sample):
                sample(sim, &metrics)
                if sim.now < end { sim.schedule(.sample, after: .milliseconds(10)) }
            case .commandLost(let node, _):
                if let s = session(node) { phase[s] = .stopped }
            case .faultApplied(.crash(let node)):
                // A trap that springs is applied as a plain crash too. A thinking session's
                // next command finds out for itself whether its client is back.
                if let s = session(node), phase[s] == .busy { phase[s] = .stopped }
            case .faultApplied(.restart(let node)):
                if let s = session(node), sim.isUp(node), phase[s] == .stopped { think(s) }
            default: break
            }
            for (node, output) in sim.outputs {
                if case .committed(let lsn, _) = output { lastCommitted = max(lastCommitted, lsn) }
                if let problem = record(output, node: node, sim: sim, primaryAtIssue: primaryAtIssue, &metrics, &checker) {
                    violation = InvariantViolation(invariant: problem.0, detail: "\(settings.routing.rawValue): \(problem.1)",
                                                   seed: settings.seed, step: sim.stats.events, time: sim.now)
                    return false
                }
                switch output {
                case .readDone, .writeDone: think(node - 1 - settings.replicas)
                default: break
                }
            }
            return true
        }
        finish(&metrics, checker)
        return (metrics, violation)
    }

    private func finish(_ metrics: inout Metrics, _ checker: SessionChecker) {
        metrics.staleReads = checker.staleReads
        metrics.ryw = checker.readYourWritesAnomalies
        metrics.monotonic = checker.monotonicAnomalies
        metrics.readLatencies.sort()
        metrics.servedLagLSN.sort()
        metrics.servedLagTime.sort()
    }

    /// What each node finds on its disk at boot: the primary, the replicas, the client sessions.
    private func configuration() -> [ReplicaNode.Durable?] {
        var configs: [ReplicaNode.Config] = [.primary(keys: settings.keys, replicas: replicaNodes)]
        for index in replicaNodes.indices {
            configs.append(.replica(keys: settings.keys, applyCost: ReplicaRun.applyCost(replica: index),
                                    maxWait: settings.maxWait))
        }
        var client = SessionClient.Settings(routing: settings.routing, primary: 0, replicas: replicaNodes,
                                            readTimeout: .milliseconds(50))
        client.forgetTokens = settings.forgetTokens
        configs += Array(repeating: .client(client), count: settings.sessions)
        return configs.map { ReplicaNode.Durable(config: $0) }
    }

    /// The primary's LSN, and how long ago the oldest write a replica at `applied` lacks was
    /// committed (zero when it has everything).
    private func lag(_ sim: Simulator<ReplicaNode, Tick>, applied: Int) -> (Int, UInt64) {
        guard let primary = sim.nodes[0]?.primary else { return (0, 0) }
        guard applied < primary.lsn else { return (0, 0) }
        return (primary.lsn - applied, (sim.now - primary.committedAt(applied)).nanoseconds)
    }

    private func sample(_ sim: Simulator<ReplicaNode, Tick>, _ metrics: inout Metrics) {
        for (index, node) in replicaNodes.enumerated() {
            guard let replica = sim.nodes[node]?.replica else { continue }
            let (lsn, time) = lag(sim, applied: replica.applied)
            metrics.sampledLSN[index].append(lsn)
            metrics.sampledTime[index].append(time)
        }
    }

    private func record(_ output: ReplicaNode.Output, node: NodeID, sim: Simulator<ReplicaNode, Tick>,
                        primaryAtIssue: [Int], _ metrics: inout Metrics, _ checker: inout SessionChecker) -> (String, String)? {
        switch output {
        case let .committed(lsn, key):
            checker.committed(lsn: lsn, key: key)
        case .served(let servedLSN):
            let (lsn, time) = lag(sim, applied: servedLSN)
            metrics.servedLagLSN.append(lsn)
            metrics.servedLagTime.append(time)
        case .held: metrics.held += 1
        case .redirected: break
        case let .writeDone(_, key, lsn, _):
            metrics.writes += 1
            checker.wrote(client: node - 1 - settings.replicas, key: key, lsn: lsn)
        case let .readDone(op, key, version, servedLSN, by, start, redirected):
            metrics.reads += 1
            if by != 0 { metrics.onReplica += 1 }
            if redirected { metrics.redirected += 1 }
            metrics.readLatencies.append((sim.now - start).nanoseconds)
            let session = node - 1 - settings.replicas
            let before = (checker.readYourWritesAnomalies, checker.monotonicAnomalies)
            let problem = checker.read(client: session, key: key, version: version, servedLSN: servedLSN,
                                       primaryLSN: primaryAtIssue[op])
            // Narrate the first two anomalies of each kind.
            if metrics.firstAnomalies.count < 4 {
                if checker.readYourWritesAnomalies > before.0 && checker.readYourWritesAnomalies <= 2 {
                    metrics.firstAnomalies.append((sim.now, node, "session \(session) reads key \(key) = v\(version) from"
                        + " n\(by) (at LSN \(servedLSN)) after writing v\(checker.lastWrite(session, key)): read-your-writes broken"))
                } else if checker.monotonicAnomalies > before.1 && checker.monotonicAnomalies <= 2 {
                    metrics.firstAnomalies.append((sim.now, node, "session \(session) reads key \(key) = v\(version) from"
                        + " n\(by) after having read v\(checker.lastRead(session, key)): time went backwards"))
                }
            }
            return problem
        }
        return nil
    }
}
