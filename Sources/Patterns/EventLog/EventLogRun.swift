import Simulation

/// One run of the event-log cluster: builds the simulator, plays the fault script (a leader
/// crash, a consumer crash, restarts, a consumer cut off from its coordinator), feeds every
/// step to the checker, and prints what the nodes report.
///
/// Simplifications:
/// - The script's victims are chosen when their time comes (the leader of a partition, the
///   owner of a partition), its times are jittered by the seed.
final class EventLogRun {
    enum Script {
        case crashLeader(partition: Int)
        case crashOwner(partition: Int)
        case restartBroker
        case restartConsumer
        case stallOwner(partition: Int)
        /// The third scene, drawn from the seed: a leader cut off from the controller and its
        /// followers but not from clients (a zombie leader), an isolated broker, or a crash.
        case cutLeader(partition: Int)
        case isolateBroker(NodeID)
        case crashBroker(NodeID)
        case restart(NodeID)
        case heal
        case progress
    }

    let config: EventLogConfig
    let seed: UInt64
    let timeline: Timeline
    let sim: Simulator<EventLogNode, Script>
    /// When the run stops looking (`horizon`), if it has not settled by then.
    let deadline: SimTime
    /// When the last drawn fault strikes (zero without any): the horizon counts from there.
    let faultsEnd: SimTime
    var checker: EventLogChecker
    var violation: InvariantViolation?
    /// A goal not reached by the deadline (records not yet acknowledged, committed or output).
    var shortfall: InvariantViolation?
    var crashedBroker: NodeID?
    var crashedConsumer: NodeID?
    var stalledConsumer: NodeID?
    var scriptEnd = SimTime.zero
    var stallFor = SimDuration.zero
    var truncated = 0
    var dedupes = 0
    var finishedAt: SimTime?
    /// A leader crash waits (up to `crashPatience`) for a moment when the leader holds records
    /// no follower has yet: the case where leader epochs must cut a divergent tail.
    var pendingLeaderCrash: (partition: Int, since: SimTime)?
    let crashPatience = SimDuration.milliseconds(40)

    /// `scripted`: play the story's fault script; `plan`: faults drawn from the seed (the
    /// story has none). Liveness is judged only after the last of either.
    init(config: EventLogConfig, seed: UInt64, network: NetworkConditions, scripted: Bool, plan: FaultPlan = .none,
         timeline: Timeline, duplicatesAreViolations: Bool) {
        self.config = config
        self.seed = seed
        self.timeline = timeline
        let lastFault = plan.faults.map(\.at).max() ?? .zero
        faultsEnd = lastFault
        deadline = lastFault + Self.horizon(config, lossPerMille: network.dropPerMille)
        sim = Simulator(seed: seed, nodeCount: config.nodeCount, network: network, faults: plan,
                        disks: Array(repeating: EventLogDurable(config: config), count: config.nodeCount))
        checker = EventLogChecker(config: config, duplicatesAreViolations: duplicatesAreViolations)
        scriptEnd = lastFault
        if scripted { planScript() }
        sim.schedule(.progress, after: .milliseconds(100))
    }

    private func planScript() {
        var rng = sim.stream(0xE7E27)
        let p = config.partitions
        func jitter(_ base: UInt64, _ spread: UInt64) -> SimDuration { .milliseconds(base + rng.below(spread)) }
        let leaderCrash = jitter(140, 60)
        let ownerCrash = jitter(240, 60)
        let stall = jitter(560, 60)
        let stallLength = config.sessionTimeout * 2 + jitter(40, 60)
        sim.schedule(.crashLeader(partition: Int(rng.below(UInt64(p)))), after: leaderCrash)
        sim.schedule(.restartBroker, after: leaderCrash + jitter(260, 80))
        sim.schedule(.crashOwner(partition: Int(rng.below(UInt64(p)))), after: ownerCrash)
        sim.schedule(.restartConsumer, after: ownerCrash + jitter(200, 80))
        sim.schedule(.stallOwner(partition: Int(rng.below(UInt64(p)))), after: stall)
        stallFor = stallLength
        let scene = jitter(680, 60)
        let sceneLength = jitter(150, 100)
        switch rng.below(3) {
        case 0:
            sim.schedule(.cutLeader(partition: Int(rng.below(UInt64(p)))), after: scene)
            sim.schedule(.heal, after: scene + sceneLength)
        case 1:
            sim.schedule(.isolateBroker(Int(rng.below(UInt64(config.brokers)))), after: scene)
            sim.schedule(.heal, after: scene + sceneLength)
        default:
            let victim = Int(rng.below(UInt64(config.brokers)))
            sim.schedule(.crashBroker(victim), after: scene)
            sim.schedule(.restart(victim), after: scene + sceneLength)
        }
        scriptEnd = max(scriptEnd, SimTime.zero + max(stall + stallLength, scene + sceneLength))
    }

    // MARK: Reading node state

    func broker(_ id: NodeID) -> Broker? {
        if case .broker(let broker)? = sim.nodes[id]?.role { return broker }
        return nil
    }

    var controlPlane: (Controller, GroupCoordinator, OutputSink)? {
        if case let .controller(controller, group, sink)? = sim.nodes[config.controller]?.role {
            return (controller, group, sink)
        }
        return nil
    }

    var producer: Producer? {
        if case .producer(let producer)? = sim.nodes[config.producer]?.role { return producer }
        return nil
    }

    // MARK: Running

    /// Runs to completion or to the first broken invariant.
    func execute() -> InvariantViolation? {
        _ = sim.run(until: deadline) { occurrence in
            self.handle(occurrence)
            if self.pendingLeaderCrash != nil { self.crashLeaderWhenAhead() }
            for id in self.config.brokerIDs { if let b = self.broker(id) { self.checker.observe(broker: b) } }
            for output in self.sim.outputs { self.report(output.node, output.output) }
            if let failure = self.checker.failure {
                self.violation = InvariantViolation(invariant: failure.invariant, detail: failure.detail, seed: self.seed,
                                                    step: self.sim.stats.events, time: self.sim.now)
                return false
            }
            return self.finishedAt == nil
        }
        guard violation == nil else { return violation }
        if let producer { checker.finish(producer: producer) }
        if let failure = checker.failure {
            let finding = InvariantViolation(invariant: failure.invariant, detail: failure.detail, seed: seed,
                                             step: sim.stats.events, time: sim.now)
            // Settled (everything acknowledged and output) yet short: records are gone. Not
            // settled: the deadline came first, which says nothing about loss.
            if finishedAt != nil {
                violation = finding
            } else if let lost = lostAcknowledgement() {
                violation = InvariantViolation(invariant: "no acknowledged write lost", detail: lost, seed: seed,
                                               step: sim.stats.events, time: sim.now)
            } else {
                shortfall = finding
                let after = faultsEnd > .zero ? ", counted from the last drawn fault at \(faultsEnd - .zero)" : ""
                shortfall?.detail = "\(failure.detail), when the run stopped at its horizon of"
                    + " \(deadline - faultsEnd) (from --records and --loss\(after)); a horizon, nothing is known to be lost"
            }
        }
        return violation
    }

    /// An acknowledged record that no live broker holds any more (a truncated `acks=1` write):
    /// lost for good, whatever the horizon.
    private func lostAcknowledgement() -> String? {
        let logs = config.brokerIDs.compactMap { broker($0)?.logs }
        for p in 0..<config.partitions {
            for ack in checker.unverified[p] where !logs.contains(where: { log in
                log[p].records.contains { $0.producerID == Producer.producerID && $0.sequence == ack.sequence }
            }) {
                return "p\(p) seq \(ack.sequence) was acknowledged at offset \(ack.offset), and no live broker's log"
                    + " holds it any more"
            }
        }
        return nil
    }

    /// How long a run may take after its last drawn fault (or from the start) before it stops
    /// looking: the fault script (under 1.2 s), then
    /// every record at the producer's pace with a request timeout for each lost or duplicated
    /// exchange, four times over, and a second for the last fetches and commits. A correct run
    /// settles long before.
    static func horizon(_ config: EventLogConfig, lossPerMille: UInt32) -> SimDuration {
        let records = UInt64(config.recordPartitions.count)
        let perRecord = config.produceInterval + config.requestTimeout * UInt64(1 + lossPerMille) / 500
        return .seconds(3) + perRecord * (4 * records)
    }

    private func report(_ node: NodeID, _ output: EventLogOutput) {
        switch output {
        case let .note(kind, message):
            if kind == "dedupe" { dedupes += 1 }
            if kind == "truncate" { truncated += 1 }
            timeline.event(sim.now, node: node, kind, message)
        case let .acked(p, sequence, offset):
            checker.acknowledged(partition: p, sequence: sequence, offset: offset)
        case let .outputsCommitted(p, _):
            if let (_, _, sink) = controlPlane { checker.observe(outputs: sink.outputs[p], partition: p) }
        }
    }

    private func handle(_ occurrence: Simulator<EventLogNode, Script>.Occurrence) {
        switch occurrence {
        case let .faultApplied(fault):
            timeline.event(sim.now, "fault", fault.description)
        case let .external(script):
            play(script)
        default: break
        }
    }

    private func play(_ script: Script) {
        switch script {
        case let .crashLeader(p):
            pendingLeaderCrash = (p, sim.now)
        case let .crashOwner(p):
            guard let owner = controlPlane?.1.owner[p], owner != stalledConsumer else { return }
            crashedConsumer = owner
            timeline.event(sim.now, node: owner, "crash", "consumer n\(owner), owner of p\(p), crashes mid-stream")
            sim.inject(.crash(owner))
        case .restartBroker:
            if let id = crashedBroker { sim.inject(.restart(id)) }
        case .restartConsumer:
            if let id = crashedConsumer { sim.inject(.restart(id)) }
        case let .stallOwner(p):
            guard let owner = controlPlane?.1.owner[p], sim.isUp(owner) else { return }
            stalledConsumer = owner
            timeline.event(sim.now, node: owner, "stall", "consumer n\(owner) (owns p\(p)) freezes for"
                + " \(stallFor.milliseconds)ms, a stop-the-world pause: no heartbeats, no progress")
            sim.submit(.stall(stallFor), to: owner)
        case let .cutLeader(p):
            guard let leader = controlPlane?.0.states[p].leader, sim.isUp(leader) else { return }
            let everyone = Array(0..<config.nodeCount)
            let clients = [config.producer] + config.consumerIDs
            let cut = Partition(groups: [[leader] + clients, everyone.filter { $0 != leader }], nodeCount: config.nodeCount)
            timeline.event(sim.now, node: leader, "cut", "broker n\(leader), leader of p\(p), loses the controller"
                + " and its followers but still hears clients: a zombie leader that cannot commit")
            sim.inject(.partition(cut))
        case let .isolateBroker(broker):
            guard sim.isUp(broker) else { return }
            timeline.event(sim.now, node: broker, "cut", "broker n\(broker) is cut off from every other node")
            sim.inject(.partition(.isolate(broker, nodeCount: config.nodeCount)))
        case let .crashBroker(broker):
            guard sim.isUp(broker) else { return }
            timeline.event(sim.now, node: broker, "crash", "broker n\(broker) crashes")
            sim.inject(.crash(broker))
        case let .restart(node):
            sim.inject(.restart(node))
        case .heal:
            sim.inject(.heal)
        case .progress:
            progress()
            sim.schedule(.progress, after: .milliseconds(100))
        }
    }

    /// Crashes the pending leader once its log runs ahead of every follower's, or when out of patience.
    private func crashLeaderWhenAhead() {
        guard let (p, since) = pendingLeaderCrash, let leader = controlPlane?.0.states[p].leader,
              let leaderLog = broker(leader)?.logs[p] else { return }
        let followers = config.brokerIDs.filter { $0 != leader }.compactMap { broker($0)?.logs[p].endOffset }
        let ahead = leaderLog.endOffset - (followers.max() ?? 0)
        guard ahead > 0 || sim.now - since >= crashPatience else { return }
        pendingLeaderCrash = nil
        crashedBroker = leader
        timeline.event(sim.now, node: leader, "crash", "broker n\(leader), leader of p\(p), crashes with log end"
            + " \(leaderLog.endOffset), \(max(ahead, 0)) record(s) ahead of every follower")
        sim.inject(.crash(leader))
    }

    private func progress() {
        guard let producer, let (controller, group, sink) = controlPlane else { return }
        let leaders = controller.states.map { "p\($0.partition):\($0.leader.map { "n\($0)" } ?? "-")\($0.isrText)" }
        let output = sink.outputs.map(\.count).reduce(0, +)
        timeline.event(sim.now, "progress", "produced \(producer.nextRecord) acked \(producer.acked) output"
            + " \(output) gen \(group.generation) | " + leaders.joined(separator: " "))
        if sim.now >= scriptEnd, producer.done, (0..<config.partitions).allSatisfy({
            checker.highestOutput[$0] + 1 == checker.truth[$0].count
        }) {
            finishedAt = sim.now
        }
    }
}
