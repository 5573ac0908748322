/// Runs one act of the message-queue demo on a fresh simulator: configures broker and store,
/// produces the messages (re-sending any that reached a crashed broker), starts the consumers,
/// stages the story's two crashes, feeds every report to the `QueueAuditor`, and runs until
/// every message is resolved plus a drain period in which late duplicates can still show up.
///
/// An act gives up at a horizon computed from its settings (`horizon(_:_:)`); a message still
/// unresolved then is a shortfall (INCOMPLETE), not a loss.
import Simulation

extension MessageQueueDemo {
    static func runAct(_ options: Options, act: Act, timeline: Timeline?) -> ActResult {
        let nodes = act.consumers + 2
        let broker = QueueBroker(visibilityTimeout: options.visibilityTimeout, maxReceiveCount: options.maxReceiveCount)
        let disks: [QueueNode.Durable?] = [.broker(broker)] + Array(repeating: nil, count: act.consumers)
            + [.store(EffectStore(flaw: options.flaw))]
        let sim = Simulator<QueueNode, Never>(seed: options.seed, nodeCount: nodes, network: act.network, faults: act.faults,
                                              disks: disks)
        var result = ActResult(auditor: QueueAuditor(maxReceiveCount: options.maxReceiveCount))
        for (i, m) in act.messages.enumerated() {
            result.auditor.sending(m)
            sim.submit(.send(m), to: 0, after: .milliseconds(20 * UInt64(i)))
        }
        for c in 1...act.consumers { sim.submit(.startConsumer(act.settings), to: c, after: .milliseconds(10)) }
        let poison = act.messages.filter(\.poison).map { "m\($0.id)" }
        timeline?.note("Producer sends m1..m\(act.messages.count), 20 ms apart; poison: \(poison.joined(separator: ", ")). "
            + "n0 queue, n1..n\(act.consumers) consumers, n\(nodes - 1) database.")
        var staging = Staging()
        var drainUntil: SimTime?
        let horizon = Self.horizon(options, act)
        sim.run(until: .zero + horizon) { occurrence in
            switch occurrence {
            case .faultApplied(let fault):
                timeline?.event(sim.now, "fault", fault.description)
                // A crash may have swallowed the reports of a write it let reach the disk.
                if case .crash(let node) = fault, let (invariant, detail) = recover(&result.auditor, node: node, sim: sim) {
                    result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: options.seed,
                                                          step: sim.stats.events, time: sim.now)
                    return false
                }
            case .commandLost(0, .send(let m)): sim.submit(.send(m), to: 0, after: .milliseconds(200))
            default: break
            }
            for (node, output) in sim.outputs {
                show(output, node: node, at: sim.now, timeline: timeline)
                if act.staged, let story = staging.react(to: output, node: node, sim: sim) {
                    timeline?.event(sim.now, node: node, "STORY", story)
                }
                if let (invariant, detail) = result.auditor.observe(output) {
                    result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: options.seed,
                                                          step: sim.stats.events, time: sim.now)
                    return false
                }
            }
            if drainUntil == nil && result.auditor.resolved == act.messages.count {
                result.end = sim.now
                drainUntil = sim.now + options.visibilityTimeout * 3
            }
            return drainUntil.map { sim.now < $0 } ?? true
        }
        finish(&result, sim: sim, options: options, horizon: horizon)
        return result
    }

    /// How long an act may take: until its last fault (drawn or injected: liveness is judged
    /// only once the faults have stopped) and the producer's sends, then the work spread over
    /// the consumers (each receive processed at its slowest and backed off after a failure,
    /// plus a few lost and retried requests; a poison message is received `maxReceiveCount`
    /// times before it is dead-lettered), doubled, plus a message that times out on every one
    /// of its receives. A correct run ends long before; the bound only stops a run that stalls.
    static func horizon(_ options: Options, _ act: Act) -> SimDuration {
        // A restarted node is back at once and a healed network at its baseline; two seconds
        // cover the consumers' poll and retry timers (300 ms) and the producer's resend (200 ms).
        let quiet = (act.faults.faults.last?.at ?? .zero) - .zero + .seconds(2)
        let retries = SimDuration.milliseconds(600)
        let perReceive = act.settings.processMax + act.settings.slowBy + act.settings.failureBackoff + retries
        let poisoned = act.messages.filter(\.poison).count
        let receives = act.messages.count - poisoned + poisoned * options.maxReceiveCount
        let work = perReceive * UInt64(2 * receives) / UInt64(act.consumers)
        let lastMessage = (options.visibilityTimeout + act.settings.processMax + act.settings.failureBackoff + retries)
            * UInt64(options.maxReceiveCount + 2)
        return quiet + .milliseconds(20 * UInt64(act.messages.count)) + work + lastMessage
    }

    /// Hands the auditor what a crashed broker or store holds on its disk.
    static func recover(_ auditor: inout QueueAuditor, node: NodeID, sim: Simulator<QueueNode, Never>) -> (String, String)? {
        switch sim.disks[node] {
        case .broker(let broker)?: return auditor.brokerRecovered(broker)
        case .store(let store)?: return auditor.storeRecovered(store)
        default: return nil
        }
    }

    static func finish(_ result: inout ActResult, sim: Simulator<QueueNode, Never>, options: Options,
                       horizon: SimDuration) {
        result.crashes = sim.stats.crashes
        if case .store(let store)? = sim.disks[sim.cluster.count - 1] { result.balance = store.balance }
        if case .broker(let broker)? = sim.disks[0] { result.deadLetters = broker.deadLetters }
        if result.end == .zero { result.end = sim.now }
        guard result.violation == nil, let (invariant, detail) = result.auditor.finish(balance: result.balance) else { return }
        let finding = InvariantViolation(invariant: invariant, detail: detail, seed: options.seed,
                                         step: sim.stats.events, time: sim.now)
        if invariant == "every message resolved" {
            result.shortfall = finding
            result.shortfall?.detail = "\(detail) by the horizon of \(horizon) (from the last fault, --messages, "
                + "--consumers, --visibility-ms and --max-receive-count); the run stopped looking, nothing is known to be lost"
        } else {
            result.violation = finding
        }
    }

    /// The story's two crashes, triggered by what the consumers report rather than by the
    /// clock, so that they land at the same point of the protocol whatever the delays.
    struct Staging {
        var afterCommit = false
        var midProcessing = false

        mutating func react(to output: QueueOutput, node: NodeID, sim: Simulator<QueueNode, Never>) -> String? {
            if !afterCommit, case .aboutToDelete(let id) = output, node == 1 {
                afterCommit = true
                sim.inject(.crash(1))
                sim.inject(.restart(1), after: .milliseconds(1500))
                return "n1 crashes now: m\(id)'s effect is committed, its delete never sent"
            }
            if afterCommit, !midProcessing, case .processing(let id, 1) = output, node == 2 {
                midProcessing = true
                sim.inject(.crash(2), after: .milliseconds(80))
                sim.inject(.restart(2), after: .milliseconds(1580))
                return "n2 will crash 80ms into m\(id), before any effect"
            }
            return nil
        }
    }

    static func show(_ output: QueueOutput, node: NodeID, at now: SimTime, timeline: Timeline?) {
        guard let timeline else { return }
        let (kind, text): (String, String)
        switch output {
        case .enqueued: return
        case let .received(id, by, count, receipt):
            (kind, text) = ("deliver", "m\(id) to n\(by): receive #\(count), receipt r\(receipt), hidden for the timeout")
        case let .removed(id, by): (kind, text) = ("delete", "m\(id) deleted by n\(by): done")
        case let .deadLettered(id, count):
            (kind, text) = ("DLQ", "m\(id) received \(count) times without a delete: moved to the dead-letter queue")
        case let .madeVisible(id, after): (kind, text) = ("nack", "m\(id) visible again in \(after.milliseconds)ms")
        case let .effectApplied(id, amount, by):
            (kind, text) = ("commit", "ledger += \(amount) for m\(id) from n\(by), with dedupe id m\(id)")
        case let .duplicateSkipped(id, by): (kind, text) = ("dedupe", "m\(id) from n\(by) already applied: skipped")
        case let .processing(id, attempt): (kind, text) = ("process", "m\(id), attempt \(attempt)")
        case let .failed(id, attempt): (kind, text) = ("fail", "m\(id) attempt \(attempt) threw (poison); nack")
        case .aboutToDelete(let id): (kind, text) = ("ack", "m\(id) done in the database; now deleting it from the queue")
        case .note(let message): (kind, text) = ("note", message)
        }
        timeline.event(now, node: node, kind, text)
    }

    static func printDeadLetters(_ r: ActResult, timeline: Timeline) {
        timeline.table("Dead-letter queue after act 1", columns: ["message", "receives", "poison"],
                       rows: r.deadLetters.map { [.string("m\($0.id)"), JSONValue($0.receiveCount), .bool($0.poison)] })
    }

    static func printStats(_ r: ActResult, options: Options, timeline: Timeline) {
        let a = r.auditor
        let rows: [[JSONValue]] = [
            ["messages", JSONValue(options.messages)],
            ["deliveries", JSONValue(a.deliveries)],
            ["redeliveries (timeout, crash, nack)", JSONValue(a.redeliveries)],
            ["duplicate effects skipped by dedupe", JSONValue(a.dedupeHits)],
            ["dead-lettered: poison", JSONValue(r.deadLetters.count - a.healthyDeadLettered)],
            ["dead-lettered: healthy, out of receives", JSONValue(a.healthyDeadLettered)],
            ["crashes injected", JSONValue(r.crashes)],
            ["ledger balance", JSONValue(r.balance)],
        ]
        timeline.table("Act 2 (\(options.consumers) consumers, lossy network)", columns: ["what", "count"], rows: rows)
    }
}
