import Simulation
import Testing
@testable import Gossip

private func cluster(_ n: Int, seed: UInt64 = 1, faults: [ScheduledFault] = []) -> Simulator<SwimNode, Never> {
    let sim = Simulator<SwimNode, Never>(seed: seed, nodeCount: n, network: .reliable, faults: FaultPlan(faults),
                                         disks: Array(repeating: SwimDisk(config: SwimConfig(members: n)), count: n))
    return sim
}

private func period(_ p: Int) -> SimTime { SimTime.zero + .seconds(UInt64(p)) }

@Test func aCrashedMemberIsConfirmedDeadByEveryone() {
    let sim = cluster(12, faults: [ScheduledFault(at: period(5), .crash(4))])
    var falseSuspicions = 0
    sim.run(until: period(40)) { _ in
        falseSuspicions += sim.outputs.filter { $0.output.member != 4 && $0.output.kind == .suspectByProbe }.count
        return true
    }
    #expect(falseSuspicions == 0)
    for node in sim.nodes.compactMap({ $0 }) {
        #expect(node.view.status[4] == .dead)
        #expect(node.view.liveCount == 11)
    }
}

@Test func aBrieflyIsolatedMemberRefutesAndStaysAlive() {
    let sim = cluster(10, seed: 4, faults: [
        ScheduledFault(at: period(5), .partition(.isolate(3, nodeCount: 10))),
        ScheduledFault(at: period(9), .heal),
    ])
    var suspected = false
    var refuted = false
    sim.run(until: period(40)) { _ in
        for (_, e) in sim.outputs {
            if e.member == 3 && e.kind == .suspectByProbe { suspected = true }
            if e.member == 3 && e.kind == .refute { refuted = true }
        }
        return true
    }
    #expect(suspected && refuted)
    for node in sim.nodes.compactMap({ $0 }) {
        #expect(node.view.status[3] == .alive)
        #expect(node.view.incarnation[3] >= 1)
    }
}

/// §4.3: round-robin over a shuffled list reaches every member within 2n - 1 periods.
@Test func roundRobinProbesEveryMemberWithinTwoPasses() {
    let n = 8
    let sim = cluster(n, seed: 2)
    var pinged = Array(repeating: Array(repeating: false, count: n), count: n)
    sim.run(until: period(2 * n)) { occurrence in
        if case let .delivered(from, to, .ping) = occurrence { pinged[from][to] = true }
        return true
    }
    for a in 0..<n {
        for b in 0..<n where a != b { #expect(pinged[a][b], "n\(a) never pinged n\(b)") }
    }
}

@Test func aRestartedMemberRejoinsWithAHigherIncarnation() {
    let sim = cluster(8, seed: 6, faults: [
        ScheduledFault(at: period(3), .crash(2)),
        ScheduledFault(at: period(25), .restart(2)),
    ])
    sim.run(until: period(24))
    #expect(sim.nodes[0]?.view.status[2] == .dead)
    sim.run(until: period(45))
    for node in sim.nodes.compactMap({ $0 }) {
        #expect(node.view.status[2] == .alive)
        #expect(node.view.incarnation[2] >= 1)
    }
}

@Test func pushPullSpreadsWritesToEveryMember() {
    let sim = cluster(16, seed: 8)
    sim.submit(.put(key: 1, value: 42), to: 5, after: .seconds(2))
    sim.run(until: period(60))
    for node in sim.nodes.compactMap({ $0 }) {
        #expect(node.store.entry(1)?.value == 42)
    }
}
