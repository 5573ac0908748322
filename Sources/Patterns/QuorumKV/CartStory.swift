/// The opening story of the `quorum-kv` demo: Dynamo's shopping cart (DeCandia et al.,
/// SOSP 2007, §4.4 and §6) edited from both sides of a partition. With a sloppy quorum both
/// sides stay writeable; hinted handoff brings the writes together after the heal. Kept as
/// siblings, both additions reach the client, which merges them; under last-writer-wins one
/// acknowledged addition disappears without an error anywhere.
///
/// Simplifications:
/// - The partition is placed from the ring so that each side has a coordinator and a
///   fallback node; the seed moves delays, not the layout.
/// - The script is written for one-way delays up to 120 ms (delay plus tail); a slower
///   network stretches every time in it, and the coordinators' patience, by the same
///   factor, so the story keeps its shape and its hints have time to go home.
import ConsistentHashing
import Simulation
import VectorClocks

struct CartStory {
    struct Outcome {
        var finalItems: [String] = []
        var lostItems: [String] = []
        var siblingsSeen = 0
        var violation: InvariantViolation?
        var shortfall: InvariantViolation?
    }

    static let key = "cart:alice"

    let seed: UInt64
    let nodes: Int
    let network: NetworkConditions

    /// How much slower than the script's 120 ms the network's slowest one-way delay is (at least 1).
    var stretch: UInt64 {
        let slowest = (network.delayMax + network.tailDelayMax).nanoseconds
        let scripted = SimDuration.milliseconds(120).nanoseconds
        return max(1, (slowest + scripted - 1) / scripted)
    }

    /// A time of the script, stretched to the network.
    func at(_ milliseconds: UInt64) -> SimDuration { .milliseconds(milliseconds * stretch) }

    func run(_ resolution: Resolution, timeline: Timeline?) -> Outcome {
        let walk = HashRing(nodes: Array(0..<nodes), virtualNodes: StoreNode.virtualNodes)
            .replicas(ofHash: Hash64.hash(Self.key), count: nodes)
        let sideA = [walk[0], walk[3]].sorted()
        let sideB = walk.filter { !sideA.contains($0) }.sorted()
        let faults = FaultPlan([
            ScheduledFault(at: .zero + at(150), .partition(.split(sideA, sideB, nodeCount: nodes))),
            ScheduledFault(at: .zero + at(600), .heal),
        ])
        let policy = QuorumPolicy(n: 3, r: 2, w: 2, sloppy: true, resolution: resolution,
                                  fallbackAfter: at(40), timeout: at(250))
        let cluster = KVCluster(seed: seed, nodes: nodes, policy: policy, network: network, faults: faults,
                                timeline: timeline)
        let phone = CartClient(actor: 100, name: "phone", gateway: walk[0], keepsOwnWrites: resolution == .siblings)
        let laptop = CartClient(actor: 101, name: "laptop", gateway: walk[1], keepsOwnWrites: resolution == .siblings)
        cluster.actorNames = [100: "phone", 101: "laptop"]
        timeline?.note("\(Self.key) lives on n\(walk[0]), n\(walk[1]), n\(walk[2]) (then n\(walk[3]), n\(walk[4]) "
            + "clockwise). The phone talks to n\(walk[0]), the laptop to n\(walk[1]).")
        var outcome = Outcome()
        let add = { (client: CartClient, item: String) in
            client.add(item, to: Self.key, on: cluster) { ok, read, written in
                let seen = read.map(cluster.format).joined(separator: " + ")
                let result = ok ? "put \(written.map(cluster.format) ?? "") acknowledged" : "FAILED"
                timeline?.event(cluster.sim.now, node: client.gateway, client.name,
                                "adds \(item): read \(seen.isEmpty ? "nothing" : seen); \(result)")
            }
        }
        cluster.at(at(10)) { add(phone, "milk") }
        cluster.at(at(200)) { add(phone, "eggs") }
        cluster.at(at(210)) { add(laptop, "bread") }
        cluster.at(at(900)) {
            cluster.get(Self.key, via: phone.gateway) { ok, versions in
                outcome.siblingsSeen = versions.count
                reconcile(ok, versions, phone, cluster, resolution, timeline)
            }
        }
        // Hints are judged at the horizon every scene uses, counted from the heal, and never
        // before the script's own end.
        let settle = KVCluster.settleTime(policy, network)
        cluster.run(until: .zero + max(at(1_500), at(600) + settle))
        cluster.checkHandoffComplete(settle: max(at(900), settle))
        cluster.checkDurability("end")
        outcome.finalItems = CartClient.items(cluster.audit(Self.key))
        outcome.lostItems = (phone.acknowledgedItems + laptop.acknowledgedItems).filter { !outcome.finalItems.contains($0) }
        if resolution == .siblings && !outcome.lostItems.isEmpty {
            cluster.fail("no acknowledged addition is lost", "missing " + outcome.lostItems.joined(separator: ","))
        }
        outcome.violation = cluster.violation
        outcome.shortfall = cluster.shortfall
        return outcome
    }

    /// The phone reads after the heal: siblings are merged by union and written back.
    private func reconcile(_ ok: Bool, _ versions: [Version], _ phone: CartClient, _ cluster: KVCluster,
                           _ resolution: Resolution, _ timeline: Timeline?) {
        let now = cluster.sim.now
        guard ok else { timeline?.event(now, node: phone.gateway, "phone", "read FAILED"); return }
        let shown = versions.map(cluster.format).joined(separator: " + ")
        guard versions.count > 1 else {
            timeline?.event(now, node: phone.gateway, "phone", "reads one version: \(shown)")
            return
        }
        let items = CartClient.items(versions)
        let clock = phone.nextClock(after: mergedContext(versions))
        timeline?.event(now, node: phone.gateway, "phone",
                        "reads \(versions.count) siblings: \(shown); merges them to \"\(items.joined(separator: ","))\"")
        cluster.put(Self.key, items.joined(separator: ","), clock: clock, via: phone.gateway) { ok, written in
            timeline?.event(cluster.sim.now, node: phone.gateway, "phone",
                            "writes back \(cluster.format(written)): " + (ok ? "acknowledged" : "FAILED"))
        }
    }
}
