/// A subscriber: on start it opens a new session (numbered, so that the broker can tell the
/// newest) and asks the broker, per topic, where to resume (its committed offset). It hands each message to the application exactly in offset
/// order: the expected offset is consumed; an older one (a redelivery: the broker timed out
/// because an ack was lost or late) is dropped and re-acknowledged; a newer one (it overtook
/// an earlier one, or the earlier one was lost) waits in a reorder buffer until the gap is
/// filled, by the wire or by the broker's timeout.
/// Acks are batched like Kafka's auto-commit: after `ackEvery` messages or `ackDelay`.
///
/// What follows, precisely: a redelivery caused by a lost ack never reaches the application
/// twice, because the subscriber's cursor filters it. After a crash the cursor is gone, the
/// new session resumes from the committed offset, and the application sees again exactly the
/// messages it had consumed but not yet committed: offsets [committed, consumed).
///
/// Simplifications: the application is the output stream; its processing is instant.
import Simulation

public struct Subscriber: Sendable {
    public struct Settings: Sendable {
        public var topics: [Int]
        public var ackEvery: Int
        public var ackDelay: SimDuration
    }

    /// Deliberate bugs, so tests can prove the auditor notices them.
    public enum Flaw: String, CaseIterable, Sendable {
        /// Hands a redelivered (older) message to the application again.
        case noCursorFilter
    }

    let settings: Settings
    let flaw: Flaw?
    /// This incarnation's number, one more than the last one's (it is on the disk): the
    /// broker's streams follow only the newest session, so a subscribe that a slow link held
    /// back from an earlier incarnation cannot take the stream away from this one.
    var session: UInt64
    /// Per topic index in `settings.topics`: the next offset to consume; nil until resumed.
    var next: [Int?]
    var unacked: [Int]
    /// Per topic index: a seek sent and not yet confirmed.
    var pendingSeek: [Int?]
    /// Per topic index: the seek epoch; 0 until the first seek.
    var epochs: [UInt64]
    /// Per topic index: messages that arrived ahead of the expected offset, by offset.
    var early: [[Int: String]]

    /// `incarnation`: the session of the last start, from the disk (0 before the first).
    init(_ settings: Settings, flaw: Flaw?, incarnation: UInt64 = 0) {
        self.settings = settings
        self.flaw = flaw
        session = incarnation
        next = Array(repeating: nil, count: settings.topics.count)
        pendingSeek = Array(repeating: nil, count: settings.topics.count)
        epochs = Array(repeating: 0, count: settings.topics.count)
        early = Array(repeating: [:], count: settings.topics.count)
        unacked = Array(repeating: 0, count: settings.topics.count)
    }

    /// Opens a new session, numbered after the last one and persisted before the subscribes
    /// leave (they wait for the write), so no two incarnations ever share a number.
    mutating func start(_ context: inout NodeContext<PubSubNode>) {
        session += 1
        context.persist(.subscriber(settings, flaw, incarnation: session))
        subscribeAll(&context)
    }

    mutating func subscribeAll(_ context: inout NodeContext<PubSubNode>) {
        var waiting = false
        for (i, topic) in settings.topics.enumerated() where next[i] == nil {
            waiting = true
            if let target = pendingSeek[i] {
                context.send(.seek(topic: topic, offset: target, session: session, epoch: epochs[i]), to: 0)
            } else {
                context.send(.subscribe(topic: topic, session: session), to: 0)
            }
        }
        if waiting { context.setTimer(.resubscribe, after: .milliseconds(300)) }
    }

    /// Asks to replay `topic` from `offset`. Only backwards: a seek past what the application
    /// has consumed would skip messages, so it is clamped to the current position.
    mutating func seek(topic: Int, offset: Int, _ context: inout NodeContext<PubSubNode>) {
        guard let i = settings.topics.firstIndex(of: topic), let position = next[i] else { return }
        // Stop consuming until the broker confirms where the replay starts: a message that
        // overtook the confirmation would otherwise be acked past the seek.
        next[i] = nil
        epochs[i] += 1
        pendingSeek[i] = min(offset, position)
        subscribeAll(&context)
    }

    mutating func receive(_ message: PubSubMessage, _ context: inout NodeContext<PubSubNode>) {
        switch message {
        case let .resume(topic, offset, s, epoch) where s == session:
            // Only the first answer to the current epoch counts: a resume duplicated or delayed
            // on the wire must not move the cursor back under messages consumed since.
            guard let i = settings.topics.firstIndex(of: topic), next[i] == nil, epoch == epochs[i] else { return }
            let replay = epoch > 0
            next[i] = offset
            unacked[i] = 0
            early[i] = [:]
            pendingSeek[i] = nil
            context.output(.resumed(topic: topic, offset: offset, replay: replay))
            sendAck(i, &context)
        case let .deliver(topic, offset, payload, s) where s == session:
            guard let i = settings.topics.firstIndex(of: topic), let expected = next[i] else { return }
            if offset == expected || (flaw == .noCursorFilter && offset < expected) {
                consume(i, offset: offset, payload: payload, &context)
                // Later messages that overtook this one on the wire follow it now, in order.
                while let n = next[i], let held = early[i].removeValue(forKey: n) {
                    consume(i, offset: n, payload: held, &context)
                }
            } else if offset > expected {
                if early[i].count < 256 { early[i][offset] = payload }
            } else {
                context.output(.wireDuplicate(topic: topic, offset: offset))
                sendAck(i, &context)
            }
        default:
            break
        }
    }

    private mutating func consume(_ i: Int, offset: Int, payload: String, _ context: inout NodeContext<PubSubNode>) {
        context.output(.consumed(topic: settings.topics[i], offset: offset, payload: payload))
        next[i] = max(next[i] ?? 0, offset + 1)
        unacked[i] += 1
        if unacked[i] >= settings.ackEvery {
            sendAck(i, &context)
        } else {
            context.setTimer(.flushAck(settings.topics[i]), after: settings.ackDelay)
        }
    }

    mutating func flush(topic: Int, _ context: inout NodeContext<PubSubNode>) {
        guard let i = settings.topics.firstIndex(of: topic), unacked[i] > 0 else { return }
        sendAck(i, &context)
    }

    private mutating func sendAck(_ i: Int, _ context: inout NodeContext<PubSubNode>) {
        guard let n = next[i] else { return }
        unacked[i] = 0
        context.cancelTimer(.flushAck(settings.topics[i]))
        context.send(.ack(topic: settings.topics[i], next: n, session: session, epoch: epochs[i]), to: 0)
    }
}
