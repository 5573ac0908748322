/// The processes of the pub-sub demo as one `SimulatedNode` type, by role: node 0 is the
/// broker, node 1 the producer, nodes 2... subscribers. The broker persists its logs and
/// committed offsets; the producer its progress; a subscriber only its settings (which
/// topics) and its session number, so that a restarted subscriber resumes from the broker's
/// committed offsets under a session newer than any before.
///
/// Simplifications: roles are fixed by node index; the broker's configuration is on its disk
/// at boot, while the producer and the subscribers start by a command (at a time the act
/// chooses) that they persist.
import Simulation

public struct PubSubNode: SimulatedNode {
    public typealias Message = PubSubMessage
    public typealias Output = PubSubOutput

    public enum Timer: Hashable, Sendable {
        case brokerTick, publishTick, resubscribe
        case flushAck(Int)
    }

    public enum Command: Sendable {
        case startPublisher(Publisher.Progress)
        case startSubscriber(Subscriber.Settings, Subscriber.Flaw?)
        case seek(topic: Int, offset: Int)
    }

    public enum Durable: Sendable {
        case broker(TopicBroker)
        case publisher(Publisher.Progress)
        /// `incarnation`: the session number of the subscriber's latest start.
        case subscriber(Subscriber.Settings, Subscriber.Flaw?, incarnation: UInt64)
    }

    enum Role: Sendable {
        case idle
        case broker(TopicBroker)
        case publisher(Publisher)
        case subscriber(Subscriber)
    }

    var role: Role

    public init(id: NodeID, cluster: [NodeID], durable: Durable?) {
        switch durable {
        case .broker(let b): role = .broker(b)
        case .publisher(let p): role = .publisher(Publisher(p))
        case let .subscriber(settings, flaw, incarnation):
            role = .subscriber(Subscriber(settings, flaw: flaw, incarnation: incarnation))
        case nil: role = .idle
        }
    }

    public mutating func start(_ context: inout NodeContext<PubSubNode>) {
        switch role {
        case .broker(let b):
            role = .broker(b.restarted(now: context.now))
            context.setTimer(.brokerTick, after: .milliseconds(100))
        case .publisher(var p):
            p.tick(&context)
            role = .publisher(p)
        case .subscriber(var s):
            s.start(&context)
            role = .subscriber(s)
        case .idle:
            break
        }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<PubSubNode>) {
        switch (command, role) {
        case (.startPublisher(let progress), .idle):
            var p = Publisher(progress)
            context.persist(.publisher(progress))
            p.tick(&context)
            role = .publisher(p)
        case let (.startSubscriber(settings, flaw), .idle):
            var s = Subscriber(settings, flaw: flaw)
            s.start(&context)   // persists the settings with the first session
            role = .subscriber(s)
        case (.seek(let topic, let offset), .subscriber(var s)):
            s.seek(topic: topic, offset: offset, &context)
            role = .subscriber(s)
        default:
            break
        }
    }

    public mutating func receive(_ message: PubSubMessage, from sender: NodeID, _ context: inout NodeContext<PubSubNode>) {
        switch role {
        case .broker(var b):
            switch message {
            case let .publish(topic, seq, payload): b.publish(sender, topic: topic, seq: seq, payload: payload, &context)
            case let .subscribe(topic, session): b.subscribe(sender, topic: topic, session: session, &context)
            case let .seek(topic, offset, session, epoch):
                b.seek(sender, topic: topic, offset: offset, session: session, epoch: epoch, &context)
            case let .ack(topic, next, session, epoch):
                b.ack(sender, topic: topic, next: next, session: session, epoch: epoch, &context)
            default: break
            }
            role = .broker(b)
        case .publisher(var p):
            if case let .published(topic, seq, _) = message { p.acked(topic: topic, seq: seq, &context) }
            role = .publisher(p)
        case .subscriber(var s):
            s.receive(message, &context)
            role = .subscriber(s)
        case .idle:
            break
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<PubSubNode>) {
        switch (timer, role) {
        case (.brokerTick, .broker(var b)):
            b.tick(&context)
            context.setTimer(.brokerTick, after: .milliseconds(100))
            role = .broker(b)
        case (.publishTick, .publisher(var p)):
            p.tick(&context)
            role = .publisher(p)
        case (.resubscribe, .subscriber(var s)):
            s.subscribeAll(&context)
            role = .subscriber(s)
        case (.flushAck(let topic), .subscriber(var s)):
            s.flush(topic: topic, &context)
            role = .subscriber(s)
        default:
            break
        }
    }
}
