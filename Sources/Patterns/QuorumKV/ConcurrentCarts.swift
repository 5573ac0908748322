/// Several cart clients adding items to a few shared carts at once, through random
/// coordinators, under the seed's faults: the workload that makes siblings common and that
/// `dsadvisor check` runs with `--faults`. DeCandia et al., "Dynamo" (SOSP 2007), §4.4 for
/// reconciliation; the loss count under last-writer-wins is the anomaly Kingsbury's Jepsen
/// analyses of Cassandra and Riak (2013) reported.
///
/// Invariant (siblings): after the faults heal and hints are handed back, every acknowledged
/// addition is in the union of the causally-maximal versions stored. Under last-writer-wins
/// the missing additions are counted and printed, not failed.
///
/// Simplifications:
/// - Each client runs one read-modify-write at a time (client-actor vectors need that).
import Simulation
import VectorClocks

struct ConcurrentCarts {
    struct Outcome {
        var acked = 0
        var failed = 0
        var siblingReads = 0
        var maxSiblings = 0
        var lost: [String] = []
        var hints = 0
        var handoffs = 0
        var repairs = 0
        var violation: InvariantViolation?
        var shortfall: InvariantViolation?
    }

    static let clients = 4
    static let keys = ["cart:alice", "cart:bob", "cart:carol"]

    let seed: UInt64
    let nodes: Int
    let network: NetworkConditions
    let faults: FaultMode
    let addsPerClient: Int

    func run(_ policy: QuorumPolicy) -> Outcome {
        let span = SimDuration.milliseconds(120) * UInt64(addsPerClient) + .milliseconds(300)
        var faultRNG = SeededRNG(seed: seed).stream(0xCA_27)
        let window = FaultWindow(start: .zero + .milliseconds(30), end: .zero + span, meanGap: .milliseconds(150),
                                 maxOutage: .milliseconds(250), maxDown: max(0, policy.n - policy.w), baseline: network)
        let plan = FaultPlan.draw(faults, nodeCount: nodes, window: window, rng: &faultRNG).plan
        let cluster = KVCluster(seed: seed, simulatorSeed: seed &+ 0xCA27, nodes: nodes, policy: policy,
                                network: network, faults: plan, timeline: nil)
        var outcome = Outcome()
        var rng = cluster.sim.stream(0xC11E)
        let clients = (0..<Self.clients).map {
            CartClient(actor: 100 + $0, name: "c\($0)", gateway: 0, keepsOwnWrites: policy.resolution == .siblings)
        }
        func step(_ client: CartClient, _ number: Int) {
            guard number < addsPerClient, cluster.sim.now < .zero + span else { return }
            client.gateway = Int(rng.below(UInt64(nodes)))
            let key = Self.keys[Int(rng.below(UInt64(Self.keys.count)))]
            let think = SimDuration.milliseconds(20 + rng.below(80))
            client.add("\(client.name)-\(number)", to: key, on: cluster) { ok, read, _ in
                if ok { outcome.acked += 1 } else { outcome.failed += 1 }
                if read.count > 1 { outcome.siblingReads += 1 }
                outcome.maxSiblings = max(outcome.maxSiblings, read.count)
                cluster.at(think) { step(client, number + 1) }
            }
        }
        for client in clients {
            cluster.at(.milliseconds(rng.below(40))) { step(client, 0) }
        }
        let settle = KVCluster.settleTime(policy, network, plan: plan)
        cluster.run(until: KVCluster.horizon(end: .zero + span, plan: plan, settle: settle))
        if cluster.violation == nil { cluster.checkDurability("end") }
        if cluster.violation == nil { cluster.checkHandoffComplete(settle: settle) }
        let stored = Self.keys.flatMap { CartClient.items(cluster.audit($0)) }
        outcome.lost = clients.flatMap(\.acknowledgedItems).filter { !stored.contains($0) }.sorted()
        if policy.resolution == .siblings, let first = outcome.lost.first {
            cluster.fail("no acknowledged addition is lost", "\(first) was acknowledged and is in no stored version")
        }
        outcome.hints = cluster.hintsStored
        outcome.handoffs = cluster.handoffs
        outcome.repairs = cluster.repairs
        outcome.violation = cluster.violation
        outcome.shortfall = cluster.shortfall
        return outcome
    }
}
