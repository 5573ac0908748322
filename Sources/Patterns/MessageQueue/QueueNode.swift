/// The processes of the message-queue demo as one `SimulatedNode` type, by role: node 0 is
/// the queue broker, the last node the store (database), the nodes between are consumers.
/// Broker and store persist their state; a consumer persists only its settings, so that a
/// restarted consumer goes back to polling with no memory of the message it was handling.
///
/// Simplifications: the producer is the harness, which sends straight to the broker as a
/// command and sends again if the broker was down (SQS SendMessage retried by the SDK). The
/// broker's and the store's settings are on their disks at boot, as a fresh state.
import Simulation

public struct QueueNode: SimulatedNode {
    public typealias Message = QueueMessage
    public typealias Output = QueueOutput

    public enum Timer: Hashable, Sendable {
        case consumerPoll, consumerRetry, consumerProcessed, consumerDelete
    }

    public enum Command: Sendable {
        case startConsumer(QueueConsumer.Settings)
        case send(QueuedMessage)
    }

    public enum Durable: Sendable {
        case broker(QueueBroker)
        case store(EffectStore)
        case consumer(QueueConsumer.Settings)
    }

    enum Role: Sendable {
        case broker(QueueBroker)
        case store(EffectStore)
        case consumer(QueueConsumer)
    }

    var role: Role

    public init(id: NodeID, cluster: [NodeID], durable: Durable?) {
        let last = cluster.count - 1
        switch durable {
        case .broker(let b): role = .broker(b)
        case .store(let s): role = .store(s.restarted())
        case .consumer(let settings):
            var c = QueueConsumer(id: id, broker: 0, store: last)
            c.settings = settings
            role = .consumer(c)
        case nil:
            // Nothing on disk yet: a consumer waiting for its start command. The broker and the
            // store always boot from theirs.
            role = .consumer(QueueConsumer(id: id, broker: 0, store: last))
        }
    }

    public mutating func start(_ context: inout NodeContext<QueueNode>) {
        if case .consumer(var c) = role, c.settings != nil {
            c.poll(&context)
            role = .consumer(c)
        }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<QueueNode>) {
        switch (command, role) {
        case (.startConsumer(let settings), .consumer(var c)):
            context.persist(.consumer(settings))
            c.begin(settings, &context)
            role = .consumer(c)
        case (.send(let message), .broker(var b)):
            b.enqueue(message, &context)
            role = .broker(b)
        default:
            break
        }
    }

    public mutating func receive(_ message: QueueMessage, from sender: NodeID, _ context: inout NodeContext<QueueNode>) {
        switch role {
        case .broker(var b):
            switch message {
            case .receive(let req): b.receive(sender, req: req, &context)
            case .delete(let receipt): b.delete(sender, receipt: receipt, &context)
            case let .changeVisibility(receipt, after): b.changeVisibility(sender, receipt: receipt, after: after, &context)
            default: break
            }
            role = .broker(b)
        case .store(var s):
            if case let .apply(id, amount, receipt) = message {
                s.apply(sender, id: id, amount: amount, receipt: receipt, &context)
            }
            role = .store(s)
        case .consumer(var c):
            c.receive(message, &context)
            role = .consumer(c)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<QueueNode>) {
        if case .consumer(var c) = role {
            c.fire(timer, &context)
            role = .consumer(c)
        }
    }
}
