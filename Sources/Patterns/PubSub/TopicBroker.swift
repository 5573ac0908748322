/// The broker: one durable append-only log per topic, an idempotent append (a publish is
/// appended only if its sequence number is the next one; a retry of an earlier one is
/// acknowledged again with its offset), and one delivery stream per (subscriber, topic) with
/// a committed offset. Logs, streams and committed offsets are persisted on every change.
///
/// A stream pushes the messages from `nextToSend` while fewer than `window` are
/// unacknowledged. An ack commits an offset (never backwards, except by an explicit seek). If
/// the stream makes no progress for `ackTimeout` while messages are out, it rewinds to the
/// committed offset and pushes again: that is the redelivery on timeout.
///
/// Simplifications:
/// - No retention: logs grow for the whole run.
/// - Pushing to a subscriber that is down just loses the messages; the timeout recovers.
import Simulation

public struct TopicBroker: Sendable {
    public struct Stream: Sendable, Equatable {
        public var subscriber: NodeID
        public var topic: Int
        public var committed = 0
        public var session: UInt64 = 0
        public var epoch: UInt64 = 0
        var seekTarget = 0
        var nextToSend = 0
        var lastProgress: SimTime = .zero
    }

    /// Deliberate bugs, so tests can prove the auditor notices them.
    public enum Flaw: String, CaseIterable, Sendable {
        /// Commits an offset when the message is sent instead of when it is acknowledged.
        case commitsOnSend
    }

    public var window: Int
    public var ackTimeout: SimDuration
    public private(set) var logs: [[(seq: Int, payload: String)]]
    public private(set) var streams: [Stream] = []
    var flaw: Flaw?

    public init(topics: Int, window: Int, ackTimeout: SimDuration, flaw: Flaw? = nil) {
        self.window = window
        self.ackTimeout = ackTimeout
        self.flaw = flaw
        logs = Array(repeating: [], count: topics)
    }

    /// After a restart every stream resends from its committed offset.
    func restarted(now: SimTime) -> TopicBroker {
        var copy = self
        for i in copy.streams.indices {
            copy.streams[i].nextToSend = copy.streams[i].committed
            copy.streams[i].lastProgress = now
        }
        return copy
    }

    mutating func publish(_ producer: NodeID, topic: Int, seq: Int, payload: String, _ context: inout NodeContext<PubSubNode>) {
        guard logs.indices.contains(topic) else { return }
        if seq == logs[topic].count + 1 {
            logs[topic].append((seq, payload))
            context.output(.appended(topic: topic, offset: seq - 1, seq: seq, payload: payload))
            context.persist(.broker(self))
            for i in streams.indices where streams[i].topic == topic { push(i, &context) }
        }
        if seq <= logs[topic].count {
            context.send(.published(topic: topic, seq: seq, offset: seq - 1), to: producer)
        }
    }

    mutating func subscribe(_ subscriber: NodeID, topic: Int, session: UInt64, _ context: inout NodeContext<PubSubNode>) {
        guard logs.indices.contains(topic) else { return }
        var i = streams.firstIndex { $0.subscriber == subscriber && $0.topic == topic }
        if i == nil {
            streams.append(Stream(subscriber: subscriber, topic: topic))
            i = streams.count - 1
        }
        let s = i!
        // Sessions only move forward: a subscribe of an older session comes from an incarnation
        // that has since restarted (a slow link held it back), and following it would push the
        // stream to a session nobody listens to while the live one waits forever. Fenced, as
        // Kafka fences a zombie by its epoch (KIP-98 producer epochs; a consumer group's
        // generation id turns away the commits of a member that was replaced).
        guard session >= streams[s].session else { return }
        if streams[s].session != session {
            streams[s].session = session
            streams[s].epoch = 0
            streams[s].nextToSend = streams[s].committed
            streams[s].lastProgress = context.now
            context.persist(.broker(self))
        }
        // No push yet: the resume could be overtaken by the messages. The subscriber's first
        // ack (sent when it has resumed) starts the stream; the periodic tick backs it up.
        context.send(.resume(topic: topic, offset: streams[s].committed, session: session, epoch: 0), to: subscriber)
    }

    /// A new epoch rewinds the stream to `offset`; a retry of the current epoch only repeats
    /// the answer; an older epoch is ignored.
    mutating func seek(_ subscriber: NodeID, topic: Int, offset: Int, session: UInt64, epoch: UInt64,
                       _ context: inout NodeContext<PubSubNode>) {
        guard let s = streams.firstIndex(where: { $0.subscriber == subscriber && $0.topic == topic && $0.session == session }),
              epoch >= streams[s].epoch else { return }
        guard epoch > streams[s].epoch else {
            context.send(.resume(topic: topic, offset: streams[s].seekTarget, session: session, epoch: epoch), to: subscriber)
            return
        }
        let target = max(0, min(offset, logs[topic].count))
        streams[s].epoch = epoch
        streams[s].seekTarget = target
        streams[s].committed = target
        streams[s].nextToSend = target
        streams[s].lastProgress = context.now
        context.output(.committed(subscriber: subscriber, topic: topic, offset: target))
        context.persist(.broker(self))
        context.send(.resume(topic: topic, offset: target, session: session, epoch: epoch), to: subscriber)
    }

    mutating func ack(_ subscriber: NodeID, topic: Int, next: Int, session: UInt64, epoch: UInt64,
                      _ context: inout NodeContext<PubSubNode>) {
        guard let s = streams.firstIndex(where: { $0.subscriber == subscriber && $0.topic == topic && $0.session == session }),
              streams[s].epoch == epoch else { return }
        if next > streams[s].committed && next <= logs[topic].count {
            streams[s].committed = next
            streams[s].lastProgress = context.now
            streams[s].nextToSend = max(streams[s].nextToSend, next)
            context.output(.committed(subscriber: subscriber, topic: topic, offset: next))
            context.persist(.broker(self))
        }
        push(s, &context)
    }

    /// The periodic check: a stream with messages out and no progress for `ackTimeout`
    /// rewinds to its committed offset and pushes them again; any stream with room in its
    /// window is topped up (after a restart, this is what starts the streams again).
    mutating func tick(_ context: inout NodeContext<PubSubNode>) {
        for s in streams.indices {
            if streams[s].nextToSend > streams[s].committed && context.now - streams[s].lastProgress >= ackTimeout {
                context.output(.rewound(subscriber: streams[s].subscriber, topic: streams[s].topic,
                                        from: streams[s].nextToSend, to: streams[s].committed))
                streams[s].nextToSend = streams[s].committed
                streams[s].lastProgress = context.now
            }
            push(s, &context)
        }
    }

    private mutating func push(_ s: Int, _ context: inout NodeContext<PubSubNode>) {
        let stream = streams[s]
        if stream.nextToSend == stream.committed { streams[s].lastProgress = context.now }
        var next = stream.nextToSend
        while next < logs[stream.topic].count && next < stream.committed + window {
            context.send(.deliver(topic: stream.topic, offset: next, payload: logs[stream.topic][next].payload,
                                  session: stream.session), to: stream.subscriber)
            next += 1
        }
        streams[s].nextToSend = next
        if flaw == .commitsOnSend && next > streams[s].committed {
            streams[s].committed = next
            context.output(.committed(subscriber: stream.subscriber, topic: stream.topic, offset: next))
            context.persist(.broker(self))
        }
    }
}
