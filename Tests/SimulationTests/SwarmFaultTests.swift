import Simulation
import Testing

/// Each seed draws its own fault configuration, and across seeds every kind of trouble shows up.
@Test func swarmProfilesVaryAcrossSeedsAndCoverTheHardCases() {
    var majorityDown = 0, oneWayCuts = 0, slowLinks = 0, quiet = 0
    var profiles: [String] = []
    for seed in UInt64(1)...200 {
        var rng = SeededRNG(seed: seed)
        let profile = SwarmProfile.draw(offers: .all, nodeCount: 5, rng: &rng)
        profiles.append(profile.description)
        let plan = FaultPlan.swarm(profile, nodeCount: 5, start: .zero + .milliseconds(500), end: .zero + .seconds(10),
                                   baseline: .reliable, rng: &rng)
        if profile.kinds.contains(.crash) && profile.maxDown >= 3 { majorityDown += 1 }
        for scheduled in plan.faults {
            if case .link(let link) = scheduled.fault { if link.cut { oneWayCuts += 1 } else { slowLinks += 1 } }
        }
        if plan.faults.count <= 6 { quiet += 1 }
        // Every fault is undone by the end: nodes restarted, partitions and links healed, the network restored.
        var down = Set<NodeID>()
        var cutOrSlowOrSplit = false
        var network = NetworkConditions.reliable
        for scheduled in plan.faults {
            #expect(scheduled.at <= .zero + .seconds(10))
            switch scheduled.fault {
            case .crash(let node): down.insert(node)
            case .restart(let node): down.remove(node)
            case .partition, .link: cutOrSlowOrSplit = true
            case .heal: cutOrSlowOrSplit = false
            case .network(let conditions): network = conditions
            }
        }
        #expect(down.isEmpty && !cutOrSlowOrSplit && network == .reliable, "seed \(seed): \(profile)")
    }
    #expect(Set(profiles).count > 150)
    #expect(majorityDown > 40 && oneWayCuts > 40 && slowLinks > 40 && quiet > 0,
            "majority \(majorityDown), one-way \(oneWayCuts), slow \(slowLinks), quiet \(quiet)")
}
