/// Causal broadcast delivery: the Birman–Schiper–Stephenson rule. Birman, Schiper &
/// Stephenson, "Lightweight Causal and Atomic Group Multicast" (ACM TOCS 1991), §4; also
/// Schiper, Eggli & Sandoz (WDAG 1989). Each broadcast carries its sender's vector clock,
/// whose entry k counts the broadcasts from k the sender had delivered (its own included).
/// Node i delivers m from j when
///     V_m[j] = V_i[j] + 1          (m is the next broadcast from j), and
///     V_m[k] ≤ V_i[k] for k ≠ j    (i has delivered everything j had when it sent m);
/// otherwise m waits in a hold-back queue. Every delivery may unblock held messages, so the
/// queue is rescanned until nothing more is deliverable.
///
/// Simplifications:
/// - Assumes reliable channels below it (the chat demo retransmits until acknowledged);
///   a message that is never received blocks its successors forever, as in the paper.
/// - Static group membership: no view changes.
import Simulation

public struct CausalDeliveryQueue<Payload>: Sendable where Payload: Sendable {
    /// A broadcast as it travels: who sent it, the sender's clock at the send, and its body.
    public struct Stamped: Sendable {
        public let sender: NodeID
        public let clock: VectorClock
        public let payload: Payload

        public init(sender: NodeID, clock: VectorClock, payload: Payload) {
            self.sender = sender
            self.clock = clock
            self.payload = payload
        }

        /// The sender's sequence number: its own entry.
        public var sequence: UInt64 { clock[sender] }
    }

    /// What happened to one received message.
    public enum Verdict: Sendable {
        /// Delivered at once, possibly releasing held messages (listed in delivery order).
        case delivered(released: [Stamped])
        /// Held back; `waitingFor` names the first missing broadcast as (node, sequence).
        case heldBack(waitingFor: (node: NodeID, sequence: UInt64))
        /// Already delivered or already held: a network duplicate or a retransmission.
        case duplicate
    }

    public let me: NodeID
    /// Entry k: how many of k's broadcasts this node has delivered.
    public private(set) var delivered: VectorClock
    /// Received but not yet deliverable, in arrival order.
    public private(set) var held: [Stamped] = []

    public init(me: NodeID, delivered: VectorClock = VectorClock()) {
        self.me = me
        self.delivered = delivered
    }

    /// Stamps a new broadcast from this node and delivers it locally (a sender delivers its
    /// own message at once, which is what makes later sends depend on it).
    public mutating func broadcast(_ payload: Payload) -> Stamped {
        delivered.increment(me)
        return Stamped(sender: me, clock: delivered, payload: payload)
    }

    /// The first broadcast `message` depends on that this node has not delivered, or nil
    /// when the BSS condition holds.
    public func missing(for message: Stamped) -> (node: NodeID, sequence: UInt64)? {
        let j = message.sender
        if message.clock[j] != delivered[j] + 1 { return (j, delivered[j] + 1) }
        for entry in message.clock.entries where entry.node != j && entry.counter > delivered[entry.node] {
            return (entry.node, delivered[entry.node] + 1)
        }
        return nil
    }

    public func isDuplicate(_ message: Stamped) -> Bool {
        message.sequence <= delivered[message.sender]
            || held.contains { $0.sender == message.sender && $0.sequence == message.sequence }
    }

    /// Applies the delivery rule to a message just received from the network.
    public mutating func receive(_ message: Stamped) -> Verdict {
        if isDuplicate(message) { return .duplicate }
        if let gap = missing(for: message) {
            held.append(message)
            return .heldBack(waitingFor: gap)
        }
        deliver(message)
        return .delivered(released: releaseHeld())
    }

    private mutating func deliver(_ message: Stamped) {
        delivered[message.sender] = message.sequence
    }

    /// Delivers every held message that has become deliverable, repeatedly.
    private mutating func releaseHeld() -> [Stamped] {
        var released: [Stamped] = []
        var progress = true
        while progress {
            progress = false
            if let index = held.firstIndex(where: { missing(for: $0) == nil }) {
                let message = held.remove(at: index)
                deliver(message)
                released.append(message)
                progress = true
            }
        }
        return released
    }
}
