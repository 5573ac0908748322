/// Probabilistically bounded staleness, measured: Bailis, Venkataraman, Franklin, Hellerstein
/// & Stoica, "Probabilistically Bounded Staleness for Practical Partial Quorums" (VLDB 2012),
/// §3–4 (t-visibility). Each key is written in rounds; a read starts t ms after a put
/// was acknowledged, through a random coordinator, and is stale when it does not return that
/// put (or something later). With R + W > N a stale read is a violation; with R + W ≤ N it is
/// the quantity being measured.
///
/// Simplifications:
/// - One read per put, so that no earlier read's repair helps a later one; a key's rounds
///   follow one another. PBS's WARS model is not fitted; the fractions are simply counted.
import Simulation
import VectorClocks

struct StalenessExperiment {
    struct Row {
        let policy: QuorumPolicy
        /// Per offset: (reads, stale).
        var byOffset: [(reads: Int, stale: Int)]
        var failed = 0
        var hints = 0
        var repairs = 0
        var violation: InvariantViolation?
        var shortfall: InvariantViolation?

        var reads: Int { byOffset.reduce(0) { $0 + $1.reads } }
        var stale: Int { byOffset.reduce(0) { $0 + $1.stale } }
    }

    static let offsets: [UInt64] = [0, 1, 2, 5, 10, 20, 50]
    /// Keys written in parallel, each in rounds of put-then-read. Few keys keep every
    /// replica's store small.
    static let keys = 35

    let seed: UInt64
    let nodes: Int
    let network: NetworkConditions
    let faults: FaultMode
    let readsPerOffset: Int

    /// `claim`: hold the store to a stronger policy than it runs (tests of the checks only).
    func measure(_ policy: QuorumPolicy, claim: QuorumPolicy? = nil, timeline: Timeline?) -> Row {
        let reads = Self.offsets.count * readsPerOffset
        let rounds = (reads + Self.keys - 1) / Self.keys
        let span = SimDuration.milliseconds(200) * UInt64(rounds) + .milliseconds(400)
        var faultRNG = SeededRNG(seed: seed).stream(0xFA_0175 &+ UInt64(policy.r * 10 + policy.w))
        let window = FaultWindow(start: .zero + .milliseconds(50), end: .zero + span, meanGap: .milliseconds(200),
                                 maxOutage: .milliseconds(250), maxDown: max(0, policy.n - policy.w), baseline: network)
        let plan = FaultPlan.draw(faults, nodeCount: nodes, window: window, rng: &faultRNG).plan
        let cluster = KVCluster(seed: seed, simulatorSeed: seed &+ UInt64(policy.r * 10 + policy.w), nodes: nodes,
                                policy: policy,
                                network: network, faults: plan, timeline: timeline)
        if let claim { cluster.claimed = claim }
        var row = Row(policy: policy, byOffset: Array(repeating: (0, 0), count: Self.offsets.count))
        var rng = cluster.sim.stream(0x5EAD)
        var issued = 0
        /// One round on `key`: put the next value, read it `offset` after the acknowledgement,
        /// then start the next round after a pause.
        func round(_ key: Int, _ number: Int) {
            // No new rounds once the faults are over: the tail of the run is for handoff.
            guard issued < reads, cluster.sim.now < .zero + span else { return }
            issued += 1
            let offset = (key + number) % Self.offsets.count
            let writer = Int(rng.below(UInt64(nodes))), reader = Int(rng.below(UInt64(nodes)))
            let pause = SimDuration.milliseconds(60 + rng.below(60))
            let clock = VectorClock([(100 + key, UInt64(number))])
            cluster.put("k\(key)", "v\(number)", clock: clock, via: writer) { ok, written in
                guard ok else { row.failed += 1; cluster.at(pause) { round(key, number + 1) }; return }
                cluster.at(.milliseconds(Self.offsets[offset])) {
                    cluster.get("k\(key)", via: reader) { ok, versions in
                        if ok {
                            row.byOffset[offset].reads += 1
                            if !policy.resolution.covers(versions, written) { row.byOffset[offset].stale += 1 }
                        } else {
                            row.failed += 1
                        }
                        cluster.at(pause) { round(key, number + 1) }
                    }
                }
            }
        }
        for key in 0..<Self.keys {
            cluster.at(.milliseconds(UInt64(key) * 3)) { round(key, 1) }
        }
        let settle = KVCluster.settleTime(policy, network, plan: plan)
        cluster.run(until: KVCluster.horizon(end: .zero + span, plan: plan, settle: settle))
        if cluster.violation == nil { cluster.checkDurability("end") }
        if cluster.violation == nil { cluster.checkHandoffComplete(settle: settle) }
        row.hints = cluster.hintsStored
        row.repairs = cluster.repairs
        row.violation = cluster.violation
        row.shortfall = cluster.shortfall
        return row
    }
}
