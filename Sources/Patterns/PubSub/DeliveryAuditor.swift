/// Checks the pub-sub delivery guarantees from what broker, producer and subscribers report.
///
/// Definitions. A subscriber's *incarnation* runs from one start to its next crash. Its
/// application sees a *duplicate* when it consumes an offset below its high-water mark (one
/// past the highest offset it ever consumed on that topic). Checked on every report:
///
/// - publish order: the log of a topic holds the producer's messages in sequence order,
///   each once (offset k holds sequence k+1);
/// - in order, no gaps: within an incarnation, a subscriber consumes the offsets of a topic
///   consecutively, starting where the broker told it to resume, and each payload is the
///   log's payload at that offset;
/// - resume without loss: a subscriber resumes at or below its high-water mark, so nothing it
///   has not consumed is skipped; and it is told to resume only when it started afresh (after
///   a crash) or asked to seek;
/// - commit only what was consumed: the broker never commits an offset above the high-water
///   mark (a commit ahead of consumption loses messages at the next crash);
/// - duplicates only after a crash: a duplicate is allowed only in an incarnation that began
///   after a crash (then it lies in [committed at resume, high-water mark): consumed but not
///   yet committed when the subscriber died) or after an explicit seek (a replay). A
///   redelivery caused by a lost or late ack must never reach the application twice.
///
/// At the end: every subscriber has consumed every published message of each of its topics.
///
/// Reports can be lost: a crash that lands between a durable write and the handler's effects
/// (`crash-after-write`) keeps the write and swallows what the handler would have sent or
/// reported, such as the append of a publish. After a broker crash the harness hands the
/// auditor the broker's disk (`DeliveryAuditor+Recovery.swift`), and the appends and commits
/// nobody reported go through the same checks.
///
/// Simplifications: between crashes the auditor trusts the reports to be complete.
import Simulation

public struct DeliveryAuditor: Sendable {
    struct View: Sendable {
        var subscribed = false
        var hwm = 0
        var expected: Int?
        var resumedOnce = false
        var crashedSinceResume = false
        /// Why this incarnation may repeat offsets: nil, "crash" or "replay".
        var repeatCause: String?
        var resumedAt = 0
        var crashDuplicates = 0
        var replays = 0
        var wireDuplicates = 0
    }

    let topics: Int
    private(set) var views: [[View]]
    private(set) var published: [[String]]

    public init(nodes: Int, topics: Int) {
        self.topics = topics
        views = Array(repeating: Array(repeating: View(), count: topics), count: nodes)
        published = Array(repeating: [], count: topics)
    }

    public mutating func subscribed(_ node: NodeID, to topics: [Int]) {
        for t in topics { views[node][t].subscribed = true }
    }

    public mutating func crashed(_ node: NodeID) {
        for t in 0..<topics {
            views[node][t].crashedSinceResume = true
            views[node][t].expected = nil
        }
    }

    public mutating func observe(_ output: PubSubOutput, node: NodeID) -> (String, String)? {
        switch output {
        case let .appended(topic, offset, seq, payload):
            if offset != published[topic].count || seq != offset + 1 {
                return ("publish order", "\(Topics.names[topic]) appended seq \(seq) at offset \(offset), log had \(published[topic].count)")
            }
            published[topic].append(payload)
        case let .publishAcked(topic, seq):
            if seq > published[topic].count { return ("publish order", "seq \(seq) acknowledged before it was appended") }
        case let .committed(sub, topic, offset):
            if offset > views[sub][topic].hwm {
                return ("commit only what was consumed", "broker committed \(Topics.names[topic])@\(offset) for n\(sub), "
                    + "which consumed only up to \(views[sub][topic].hwm)")
            }
        case let .resumed(topic, offset, replay):
            return resumed(node, topic: topic, offset: offset, replay: replay)
        case let .consumed(topic, offset, payload):
            return consumed(node, topic: topic, offset: offset, payload: payload)
        case .wireDuplicate(let topic, _):
            views[node][topic].wireDuplicates += 1
        case .rewound:
            break
        }
        return nil
    }

    private mutating func resumed(_ sub: NodeID, topic: Int, offset: Int, replay: Bool) -> (String, String)? {
        var v = views[sub][topic]
        defer { views[sub][topic] = v }
        if offset > v.hwm {
            return ("resume without loss", "n\(sub) resumed \(Topics.names[topic]) at \(offset) but had consumed only up to \(v.hwm)")
        }
        if replay {
            v.repeatCause = "replay"
        } else {
            if v.resumedOnce && !v.crashedSinceResume {
                return ("resume without loss", "n\(sub) was resumed on \(Topics.names[topic]) without having crashed")
            }
            v.repeatCause = v.resumedOnce ? "crash" : nil
        }
        v.expected = offset
        v.resumedAt = offset
        v.resumedOnce = true
        v.crashedSinceResume = false
        return nil
    }

    private mutating func consumed(_ sub: NodeID, topic: Int, offset: Int, payload: String) -> (String, String)? {
        var v = views[sub][topic]
        defer { views[sub][topic] = v }
        let name = Topics.names[topic]
        guard let expected = v.expected else { return ("in order, no gaps", "n\(sub) consumed \(name)@\(offset) before resuming") }
        if offset < v.hwm && v.repeatCause == nil {
            return ("duplicates only after a crash", "n\(sub) consumed \(name)@\(offset) again in one incarnation "
                + "without a seek: a redelivery reached the application")
        }
        if offset != expected { return ("in order, no gaps", "n\(sub) consumed \(name)@\(offset), expected @\(expected)") }
        if offset >= published[topic].count || published[topic][offset] != payload {
            return ("in order, no gaps", "n\(sub) consumed \"\(payload)\" at \(name)@\(offset), the log holds something else")
        }
        if offset < v.hwm {
            switch v.repeatCause {
            case "crash"?: v.crashDuplicates += 1
            case "replay"?: v.replays += 1
            default: break
            }
        }
        v.expected = offset + 1
        v.hwm = max(v.hwm, offset + 1)
        return nil
    }

    /// The end-of-run check: every subscriber saw every published message of its topics,
    /// and the producer published `perTopic` messages to each topic.
    public func finish(perTopic: Int) -> (String, String)? {
        for t in 0..<topics where published[t].count != perTopic {
            return ("every message seen", "\(Topics.names[t]) holds \(published[t].count) of \(perTopic) messages")
        }
        for (node, row) in views.enumerated() {
            for (t, v) in row.enumerated() where v.subscribed && v.hwm != published[t].count {
                return ("every message seen", "n\(node) consumed \(v.hwm) of \(published[t].count) messages of \(Topics.names[t])")
            }
        }
        return nil
    }

    /// True once every subscribed stream has consumed every message of a complete log.
    func complete(perTopic: Int) -> Bool {
        published.allSatisfy { $0.count == perTopic }
            && views.enumerated().allSatisfy { _, row in row.enumerated().allSatisfy { t, v in !v.subscribed || v.hwm == perTopic } }
    }
}
