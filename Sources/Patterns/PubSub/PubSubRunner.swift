/// Runs one act of the pub-sub demo on a fresh simulator: configures the broker, starts the
/// producer and the subscribers, schedules the seeks, tells the auditor about every crash,
/// feeds it every report, and runs until every subscription has consumed every message, plus
/// a drain period in which late redeliveries can still show up.
///
/// An act gives up at a horizon computed from its settings (`horizon(_:_:)`); a subscription
/// still short then is a shortfall (INCOMPLETE), not lost data.
import Simulation

extension PubSubDemo {
    static func runAct(_ options: Options, act: Act, timeline: Timeline?) -> ActResult {
        let nodes = act.subscriptions.count + 2
        let topics = Topics.names.count
        // The broker starts from its configured, empty topics on disk; the others start by command.
        let broker = TopicBroker(topics: topics, window: options.window, ackTimeout: options.ackTimeout,
                                 flaw: options.brokerFlaw)
        let sim = Simulator<PubSubNode, Never>(seed: options.seed, nodeCount: nodes, network: act.network, faults: act.faults,
                                               disks: [.broker(broker)] + Array(repeating: nil, count: nodes - 1))
        sim.submit(.startPublisher(Publisher.Progress(count: options.messagesPerTopic, interval: publishInterval,
                                                      nextSeq: Array(repeating: 1, count: topics))), to: 1,
                   after: .milliseconds(50))
        var result = ActResult(auditor: DeliveryAuditor(nodes: nodes, topics: topics))
        for (i, topicsOfSub) in act.subscriptions.enumerated() {
            result.auditor.subscribed(i + 2, to: topicsOfSub)
            sim.submit(.startSubscriber(Subscriber.Settings(topics: topicsOfSub, ackEvery: options.ackEvery,
                                                            ackDelay: .milliseconds(150)), options.subscriberFlaw),
                       to: i + 2, after: .milliseconds(10 + 5 * UInt64(i)))
        }
        for seek in act.seeks { sim.submit(.seek(topic: seek.topic, offset: seek.offset), to: seek.node, after: seek.at) }
        timeline?.note("Subscriptions: " + act.subscriptions.enumerated().map { i, t in
            "n\(i + 2)→" + t.map { Topics.names[$0] }.joined(separator: "+")
        }.joined(separator: ", "))
        var drainUntil: SimTime?
        let horizon = Self.horizon(options, act)
        sim.run(until: .zero + horizon) { occurrence in
            switch occurrence {
            case .faultApplied(let fault):
                timeline?.event(sim.now, "fault", fault.description)
                if case .crash(let n) = fault {
                    result.auditor.crashed(n)
                    // A broker crash may have swallowed the reports of a write it let reach the disk.
                    if case .broker(let broker)? = sim.disks[n], let (invariant, detail) = result.auditor.brokerRecovered(broker) {
                        result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: options.seed,
                                                              step: sim.stats.events, time: sim.now)
                        return false
                    }
                }
            case .commandHandled(let n, .seek(let topic, let offset)):
                timeline?.event(sim.now, node: n, "seek", "asks to replay \(Topics.names[topic]) from offset \(offset)")
            default: break
            }
            for (node, output) in sim.outputs {
                show(output, node: node, at: sim.now, auditor: result.auditor, last: options.messagesPerTopic - 1,
                     timeline: timeline)
                if case .rewound = output { result.rewinds += 1 }
                if let (invariant, detail) = result.auditor.observe(output, node: node) {
                    result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: options.seed,
                                                          step: sim.stats.events, time: sim.now)
                    return false
                }
            }
            if drainUntil == nil && sim.now > .zero + act.seeks.map(\.at).reduce(.zero, max)
                && result.auditor.complete(perTopic: options.messagesPerTopic) {
                result.end = sim.now
                drainUntil = sim.now + options.ackTimeout * 3
            }
            return drainUntil.map { sim.now < $0 } ?? true
        }
        result.crashes = sim.stats.crashes
        if result.end == .zero { result.end = sim.now }
        if result.violation == nil, let (invariant, detail) = result.auditor.finish(perTopic: options.messagesPerTopic) {
            result.shortfall = InvariantViolation(
                invariant: invariant,
                detail: "\(detail) by the horizon of \(horizon) (from the last fault, --messages and --ack-timeout-ms); "
                    + "the run stopped looking, nothing is known to be lost",
                seed: options.seed, step: sim.stats.events, time: sim.now)
        }
        return result
    }

    /// How long an act may take: until its last fault or seek (liveness is judged only once
    /// the faults have stopped), then per message three publish ticks (a lost publish or ack
    /// is retried 250 ms later) and, for every other message, one broker redelivery timeout
    /// (act 2 loses one message in ten). A correct run ends long before; the bound only stops
    /// a run that stalls.
    static func horizon(_ options: Options, _ act: Act) -> SimDuration {
        let lastFault = (act.faults.faults.last?.at ?? .zero) - .zero
        // Four seconds after it: a restarted subscriber resubscribes every 300 ms, a restarted
        // broker resends from the committed offsets on its next 100 ms tick.
        let quiet = max(lastFault, act.seeks.map(\.at).reduce(.zero, max)) + .seconds(4)
        return quiet + publishInterval * UInt64(3 * options.messagesPerTopic)
            + options.ackTimeout * UInt64(5 + options.messagesPerTopic / 2)
    }

    static let publishInterval = SimDuration.milliseconds(120)

    /// Prints what a reader should notice: resumes, rewinds, duplicates and replays, and
    /// each subscription's first and last message; not every message.
    static func show(_ output: PubSubOutput, node: NodeID, at now: SimTime, auditor: DeliveryAuditor, last: Int,
                     timeline: Timeline?) {
        guard let timeline else { return }
        switch output {
        case let .rewound(sub, topic, from, to):
            timeline.event(now, node: node, "rewind", "n\(sub) \(Topics.names[topic]): no ack for offsets \(to)..<\(from) "
                + "in time; resend from committed \(to)")
        case let .resumed(topic, offset, replay):
            timeline.event(now, node: node, replay ? "replay" : "resume",
                           "\(Topics.names[topic]) from offset \(offset)" + (replay ? " (seek)" : " (committed at broker)"))
        case let .consumed(topic, offset, payload):
            let v = auditor.views[node][topic]
            if offset < v.hwm && v.repeatCause == "replay" {
                if offset == v.resumedAt || offset == v.hwm - 1 {
                    timeline.event(now, node: node, "again", "\(payload) at \(Topics.names[topic])@\(offset) (replay"
                        + (offset == v.resumedAt ? " starts)" : " caught up)"))
                }
            } else if offset < v.hwm {
                timeline.event(now, node: node, v.repeatCause == "replay" ? "again" : "DUP",
                               "\(payload) at \(Topics.names[topic])@\(offset) "
                                + (v.repeatCause == "replay" ? "(replay)" : "(consumed before the crash, never committed)"))
            } else if offset == 0 || offset == last {
                timeline.event(now, node: node, "consume", "\(payload) at \(Topics.names[topic])@\(offset)"
                    + (offset == 0 ? " (first)" : " (last)"))
            }
        case let .appended(topic, offset, _, payload) where offset == 0:
            timeline.event(now, node: node, "append", "\(payload) at \(Topics.names[topic])@0 (log persisted)")
        default:
            break
        }
    }

    static func printStreams(_ r: ActResult, title: String, timeline: Timeline) {
        var rows: [[JSONValue]] = []
        for (node, row) in r.auditor.views.enumerated() {
            for (t, v) in row.enumerated() where v.subscribed {
                rows.append([.string("n\(node)"), .string(Topics.names[t]), JSONValue(v.hwm), JSONValue(v.crashDuplicates),
                             JSONValue(v.replays), JSONValue(v.wireDuplicates)])
            }
        }
        timeline.table(title, columns: ["sub", "topic", "consumed", "dup after crash", "replayed", "redelivery filtered"],
                       rows: rows)
    }
}
