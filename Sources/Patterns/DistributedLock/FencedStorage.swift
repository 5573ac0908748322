/// The storage the lock protects, with Kleppmann's fencing check (2016, "Making the lock safe
/// with fencing"): it remembers the highest token that any accepted write or any read carried
/// and rejects a write whose token is lower. A token equal to the highest is the current holder writing
/// again and is accepted. With fencing off it accepts every write, which is what a plain
/// file server or key-value store does.
///
/// Simplifications:
/// - One value; each write replaces it whole. A real store would check the token atomically
///   with a compare-and-set on the data it guards.
/// - The highest token and the value are persisted together on every write.
import Simulation

public struct FencedStorage: Sendable {
    public private(set) var fencing: Bool
    public private(set) var highestToken: UInt64 = 0
    public private(set) var value = "(empty)"

    public init(fencing: Bool) { self.fencing = fencing }

    mutating func write(_ client: NodeID, req: UInt64, token: UInt64, value newValue: String,
                        _ context: inout NodeContext<LockNode>) {
        if fencing && token < highestToken {
            context.output(.rejected(client: client, token: token, highest: highestToken))
            context.send(.writeRejected(req: req, highest: highestToken), to: client)
            return
        }
        highestToken = max(highestToken, token)
        value = newValue
        context.persist(.storage(self))
        context.output(.accepted(client: client, token: token, value: newValue))
        context.send(.writeAccepted(req: req), to: client)
    }

    /// A read carries its token too: a reader's newer token must also fence off an older
    /// writer, or a paused writer could change what a reader believes it holds steady.
    mutating func read(_ client: NodeID, req: UInt64, token: UInt64, _ context: inout NodeContext<LockNode>) {
        if fencing && token > highestToken {
            highestToken = token
            context.persist(.storage(self))
        }
        context.output(.readBy(client: client, token: token))
        context.send(.readReply(req: req, value: value), to: client)
    }
}
