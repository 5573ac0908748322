/// The processes of the lock demo as one `SimulatedNode` type, by role: node 0 is the lock
/// service, the last node is the storage, the nodes between are clients. Service and storage
/// persist their state; a client keeps nothing across a crash.
///
/// Simplifications: roles are fixed by node index; configuration (fencing on or off, the
/// service's deliberate flaw) is on the service's and the storage's disks at boot, as a fresh
/// state; the service's restart steps (expire, commit) do nothing on it.
import Simulation

public struct LockNode: SimulatedNode {
    public typealias Message = LockMessage
    public typealias Output = LockOutput

    public enum Timer: Hashable, Sendable {
        case serviceDeadline
        case clientNextJob, clientRetry, clientGiveUp, clientWork, clientRenew, clientRelease, clientWake
    }

    public enum Command: Sendable {
        case run([LockJob])
    }

    public enum Durable: Sendable {
        case service(LockService)
        case storage(FencedStorage)
        /// A client keeps only the number its next request will carry.
        case client(nextRequest: UInt64)
    }

    enum Role: Sendable {
        case service(LockService)
        case storage(FencedStorage)
        case client(LockClient)
    }

    var role: Role

    public init(id: NodeID, cluster: [NodeID], durable: Durable?) {
        let last = cluster.count - 1
        switch durable {
        case .service(let s): role = .service(s.restarted())
        case .storage(let s): role = .storage(s)
        case .client(let next): role = .client(LockClient(id: id, service: 0, storage: last, nextRequest: next))
        case nil:
            // Nothing on disk: a client. The service and the storage always boot from theirs.
            role = .client(LockClient(id: id, service: 0, storage: last))
        }
    }

    public mutating func start(_ context: inout NodeContext<LockNode>) {
        if case .service(var s) = role {
            s.restart(&context)
            role = .service(s)
        }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<LockNode>) {
        switch (command, role) {
        case (.run(let jobs), .client(var c)):
            c.enqueue(jobs, &context)
            role = .client(c)
        default:
            break
        }
    }

    public mutating func receive(_ message: LockMessage, from sender: NodeID, _ context: inout NodeContext<LockNode>) {
        switch role {
        case .service(var s):
            switch message {
            case let .acquire(req, mode, ttl, timeout):
                s.acquire(sender, req: req, mode: mode, ttl: ttl, timeout: timeout, &context)
            case let .renew(token, ttl, sentAt): s.renew(sender, token: token, ttl: ttl, sentAt: sentAt, &context)
            case .release(let token): s.release(sender, token: token, &context)
            default: break
            }
            role = .service(s)
        case .storage(var s):
            switch message {
            case let .write(req, token, value): s.write(sender, req: req, token: token, value: value, &context)
            case let .read(req, token): s.read(sender, req: req, token: token, &context)
            default: break
            }
            role = .storage(s)
        case .client(var c):
            c.receive(message, from: sender, &context)
            role = .client(c)
        }
    }

    /// Every output reports to the auditor (answers to clients travel as messages), so a crash
    /// right after a write does not hide the grants and releases it made durable.
    public static func isReport(_ output: LockOutput) -> Bool { true }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<LockNode>) {
        switch role {
        case .service(var s):
            s.expire(&context)
            role = .service(s)
        case .client(var c):
            c.fire(timer, &context)
            role = .client(c)
        case .storage:
            break
        }
    }
}
