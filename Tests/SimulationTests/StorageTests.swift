import Testing
@testable import Simulation

/// A node that writes a number on command, acknowledges it to node 0 (waiting for the write)
/// and announces it early (not waiting), and reports when each write is durable.
struct Journal: SimulatedNode {
    enum Message: Equatable { case ack(Int), early(Int), note(Int) }
    enum Timer: Hashable { case unused }
    enum Command { case write(Int), note(Int), chain(Int) }
    typealias Output = String
    typealias Durable = Int

    let id: NodeID
    var value: Int
    /// A `chain` write is followed by a second one once it is durable.
    var chaining = false

    init(id: NodeID, cluster: [NodeID], durable: Int?) {
        self.id = id
        value = durable ?? 0
    }

    mutating func start(_ context: inout NodeContext<Journal>) {}
    mutating func fire(_ timer: Timer, _ context: inout NodeContext<Journal>) {}

    mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Journal>) {
        context.output("got \(message) at \(context.now.nanoseconds / 1_000_000)ms")
    }

    mutating func handle(_ command: Command, _ context: inout NodeContext<Journal>) {
        switch command {
        case .write(let n):
            value = n
            context.persist(n, notifyWhenDurable: true)
            context.send(.ack(n), to: 0)
            context.sendAheadOfWrites(.early(n), to: 0)
        case .note(let n):
            // No write of its own: it still must not overtake one in flight.
            context.send(.note(n), to: 0)
        case .chain(let n):
            // A report, an answer, and a write whose completion starts a second write.
            value = n
            chaining = true
            context.output("report \(n)")
            context.output("answer \(n)")
            context.persist(n, notifyWhenDurable: true)
        }
    }

    mutating func persisted(_ state: Int, _ context: inout NodeContext<Journal>) {
        context.output("durable \(state) at \(context.now.nanoseconds / 1_000_000)ms")
        if chaining {
            chaining = false
            context.persist(state + 100)
        }
    }

    static func isReport(_ output: String) -> Bool { output.hasPrefix("report") }
}

private let oneMillisecond = NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(1))

private func journal(latency: SimDuration, faults: FaultPlan = .none) -> Simulator<Journal, Never> {
    Simulator(seed: 1, nodeCount: 2, network: oneMillisecond, storage: StorageConditions(writeLatency: latency),
              faults: faults)
}

private func run(_ sim: Simulator<Journal, Never>, until ms: UInt64) -> [String] {
    var lines: [String] = []
    sim.run(until: SimTime.zero + .milliseconds(ms)) { _ in
        lines += sim.outputs.map(\.output)
        return true
    }
    return lines
}

/// Like `run`, and also the milliseconds at which node 1 crashed.
private func runNotingCrashes(_ sim: Simulator<Journal, Never>, until ms: UInt64) -> (lines: [String], crashedAt: [UInt64]) {
    var crashedAt: [UInt64] = []
    var lines: [String] = []
    sim.run(until: SimTime.zero + .milliseconds(ms)) { occurrence in
        if case .faultApplied(.crash(1)) = occurrence { crashedAt.append(sim.now.nanoseconds / 1_000_000) }
        lines += sim.outputs.map(\.output)
        return true
    }
    return (lines, crashedAt)
}

@Test func instantStorageWritesWithinTheHandler() {
    let sim = journal(latency: .zero)
    sim.submit(.write(7), to: 1)
    #expect(sim.step() != nil)
    #expect(sim.disks[1] == 7)
    // Told in the same step, before anything else happens.
    #expect(sim.outputs.map(\.output) == ["durable 7 at 0ms"])
    #expect(run(sim, until: 10) == ["got ack(7) at 1ms", "got early(7) at 1ms"])
}

@Test func messagesWaitForTheWriteUnlessSentAhead() {
    let sim = journal(latency: .milliseconds(14))
    sim.submit(.write(7), to: 1)
    sim.submit(.note(8), to: 1, after: .milliseconds(2))
    #expect(run(sim, until: 13) == ["got early(7) at 1ms"])
    #expect(sim.disks[1] == nil)
    #expect(run(sim, until: 30) == ["durable 7 at 14ms", "got ack(7) at 15ms", "got note(8) at 15ms"])
    #expect(sim.disks[1] == 7)
}

@Test func writesCompleteOneAfterAnother() {
    let sim = journal(latency: .milliseconds(10))
    sim.submit(.write(1), to: 1)
    sim.submit(.write(2), to: 1, after: .milliseconds(3))
    #expect(run(sim, until: 50) == ["got early(1) at 1ms", "got early(2) at 4ms", "durable 1 at 10ms",
                                   "got ack(1) at 11ms", "durable 2 at 20ms", "got ack(2) at 21ms"])
}

@Test func aCrashLosesTheWriteInFlight() {
    let plan = FaultPlan([
        ScheduledFault(at: SimTime.zero + .milliseconds(20), .crash(1)),
        ScheduledFault(at: SimTime.zero + .milliseconds(22), .restart(1)),
    ])
    let sim = journal(latency: .milliseconds(14), faults: plan)
    sim.submit(.write(1), to: 1)
    sim.submit(.write(2), to: 1, after: .milliseconds(10))
    let lines = run(sim, until: 100)
    // The second write would finish at 28 ms, when the node is up again; the crash at 20 ms
    // discarded it and its ack.
    #expect(lines == ["got early(1) at 1ms", "got early(2) at 11ms", "durable 1 at 14ms", "got ack(1) at 15ms"])
    #expect(sim.disks[1] == 1)
    #expect(sim.nodes[1]?.value == 1)
    #expect(sim.stats.crashes == 1 && sim.stats.restarts == 1)
}

@Test func nodesCanBootFromAGivenDisk() {
    let sim = Simulator<Journal, Never>(seed: 1, nodeCount: 2, disks: [nil, 41])
    #expect(sim.nodes[1]?.value == 41)
    #expect(sim.disks == [nil, 41])
}

/// A crash timed between a write and its reply, with the table's storage: the write is durable,
/// and nothing that waited for it (the ack, the `persisted` note) ever leaves; a message sent
/// ahead of the write still does. The crash shows up as a fault at that instant.
@Test(arguments: [(latency: UInt64(0), durableAt: UInt64(0)), (latency: 14, durableAt: 14)])
func aCrashAfterWriteLandsBetweenTheWriteAndItsReply(latency: UInt64, durableAt: UInt64) {
    let plan = FaultPlan([
        ScheduledFault(at: .zero, .crashAfterWrite(1)),
        ScheduledFault(at: SimTime.zero + .milliseconds(50), .restart(1)),
    ])
    let sim = journal(latency: .milliseconds(latency), faults: plan)
    sim.submit(.write(7), to: 1, after: .milliseconds(1))
    let (lines, crashedAt) = runNotingCrashes(sim, until: 40)
    #expect(crashedAt == [1 + durableAt])
    #expect(sim.disks[1] == 7 && !sim.isUp(1) && sim.stats.crashes == 1)
    #expect(lines == (latency == 0 ? [] : ["got early(7) at 2ms"]))
    // The restart disarms the trap: the next write is answered.
    sim.run(until: SimTime.zero + .milliseconds(60))
    sim.submit(.write(8), to: 1)
    #expect(run(sim, until: 100).contains("got ack(8) at \(60 + latency + 1)ms"))
    #expect(sim.stats.crashes == 1)
}

/// With instant storage a trap springs at the first durable write of a handler: the node is
/// not told of it (so the write that telling would start never happens), its reports from the
/// handler are seen, and its answers are not.
@Test func aTrapSpringsAtTheFirstWriteAndKeepsOnlyReports() {
    let plan = FaultPlan([ScheduledFault(at: .zero, .crashAfterWrite(1))])
    let sim = journal(latency: .zero, faults: plan)
    sim.submit(.chain(5), to: 1, after: .milliseconds(1))
    #expect(run(sim, until: 10) == ["report 5"])
    #expect(sim.disks[1] == 5 && !sim.isUp(1))
    // Untrapped, the same handler answers and chains its second write.
    let untrapped = journal(latency: .zero)
    untrapped.submit(.chain(5), to: 1)
    #expect(run(untrapped, until: 10) == ["report 5", "answer 5", "durable 5 at 0ms"])
    #expect(untrapped.disks[1] == 105)
}

/// A crash in the middle of a write on a disk that takes time: the write never lands and the
/// node goes down the moment before it would have; the message sent ahead of it has left,
/// the one waiting for it never does.
@Test func aCrashDuringWriteLosesTheWriteButNotWhatWasSentAhead() {
    let plan = FaultPlan([ScheduledFault(at: .zero, .crashDuringWrite(1))])
    let sim = journal(latency: .milliseconds(14), faults: plan)
    sim.submit(.write(7), to: 1, after: .milliseconds(1))
    let (lines, crashedAt) = runNotingCrashes(sim, until: 40)
    #expect(lines == ["got early(7) at 2ms"] && crashedAt == [15])
    #expect(sim.disks[1] == nil && !sim.isUp(1) && sim.stats.crashes == 1)
}

@Test func aTrapOnANodeThatIsDownIsIgnored() {
    let plan = FaultPlan([
        ScheduledFault(at: .zero, .crash(1)),
        ScheduledFault(at: SimTime.zero + .milliseconds(1), .crashAfterWrite(1)),
        ScheduledFault(at: SimTime.zero + .milliseconds(2), .restart(1)),
    ])
    let sim = journal(latency: .zero, faults: plan)
    sim.submit(.write(3), to: 1, after: .milliseconds(5))
    #expect(run(sim, until: 20) == ["durable 3 at 5ms", "got ack(3) at 6ms", "got early(3) at 6ms"])
}
