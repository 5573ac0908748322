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
            case .crash(let node), .crashAfterWrite(let node), .crashDuringWrite(let node): down.insert(node)
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

/// `--faults all` is swarm testing and names of kinds are the steady mix; both draw the same
/// plan for the same seed, and only swarm reports the profile it drew.
@Test func drawingFollowsTheMode() {
    let window = FaultWindow(start: .zero + .milliseconds(100), end: .zero + .seconds(5), meanGap: .milliseconds(400),
                             maxOutage: .milliseconds(600), maxDown: 1, baseline: .reliable)
    func draw(_ mode: FaultMode, seed: UInt64) -> DrawnFaults {
        var rng = SeededRNG(seed: seed)
        return FaultPlan.draw(mode, nodeCount: 5, window: window, rng: &rng)
    }
    #expect(draw(.story, seed: 1).plan == .none && draw(.none, seed: 1).plan == .none)
    let steady = draw(.drawn(.all), seed: 7)
    #expect(steady.profile == nil && steady == draw(.drawn(.all), seed: 7))
    var downAtOnce = 0, down = Set<NodeID>()
    for scheduled in steady.plan.faults {
        if case .crash(let node) = scheduled.fault { down.insert(node) }
        if case .restart(let node) = scheduled.fault { down.remove(node) }
        downAtOnce = max(downAtOnce, down.count)
    }
    #expect(downAtOnce <= 1)
    var traps = 0
    for seed in UInt64(1)...100 {
        let swarm = draw(.swarm(.all), seed: seed)
        #expect(swarm == draw(.swarm(.all), seed: seed))
        #expect(swarm.profile != nil)
        traps += swarm.plan.faults.filter { if case .crashAfterWrite = $0.fault { true } else { false } }.count
    }
    #expect(traps > 20)
    // Demos whose disks take time may also trap crashes in the middle of a write.
    var slowDiskWindow = window
    slowDiskWindow.trapsDuringWrites = true
    var midWrite = 0
    for seed in UInt64(1)...100 {
        var rng = SeededRNG(seed: seed)
        let plan = FaultPlan.draw(.swarm(.all), nodeCount: 5, window: slowDiskWindow, rng: &rng).plan
        midWrite += plan.faults.filter { if case .crashDuringWrite = $0.fault { true } else { false } }.count
    }
    #expect(midWrite > 10)
    #expect(FaultMode("all", offers: .all, story: false) == .swarm(.all))
    #expect(FaultMode.drawn(.all).description == "crash,partition,drop" && FaultMode.swarm(.all).description == "all")
}
