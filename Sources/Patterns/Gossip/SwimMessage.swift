/// SWIM's messages, settings and reports (Das, Gupta & Motivala, DSN 2002, §3–§4): ping, ack,
/// ping-req and the forwarded ack of an indirect probe, each carrying piggybacked membership
/// updates; and the push-pull full-state exchange of anti-entropy.
///
/// Simplifications:
/// - Sequence numbers are per prober and 32-bit; acks carry the acker's incarnation, so a
///   direct answer is also a refutation of a suspicion the pinger holds (as Lifeguard's
///   buddy system makes sure it is).
import Simulation

public enum SwimMessage: Sendable {
    case ping(seq: UInt32, updates: [MemberUpdate])
    case ack(seq: UInt32, incarnation: UInt32, updates: [MemberUpdate])
    /// Ask the receiver to ping `target` for the sender (§3.1, indirect probing).
    case pingReq(seq: UInt32, target: NodeID, updates: [MemberUpdate])
    /// A helper's relay of `target`'s ack to the member that asked.
    case forwardedAck(seq: UInt32, target: NodeID, incarnation: UInt32, updates: [MemberUpdate])
    /// Anti-entropy: the sender's whole membership view and store; `reply` asks for the
    /// receiver's in return (push-pull).
    case pushPull(members: [MemberUpdate], store: VersionedStore, reply: Bool)
}

public struct SwimConfig: Equatable, Sendable {
    public var members: Int
    /// The protocol period T'.
    public var period: SimDuration
    /// How long a direct ping waits before the prober asks for indirect probes.
    public var pingTimeout: SimDuration
    /// k: members asked to probe indirectly.
    public var indirectProbes: Int
    /// λ: each update is piggybacked λ·⌈log2 n⌉ times.
    public var lambda: Int
    /// Updates per message, and updates a buffer holds.
    public var piggybackPerMessage: Int
    public var bufferCapacity: Int
    /// A suspect is confirmed dead after this many periods: `suspicionMultiplier`·⌈log10 n⌉
    /// (memberlist's SuspicionMult = 4).
    public var suspicionMultiplier: Int
    /// A member starts a push-pull exchange every this many periods.
    public var pushPullPeriods: Int
    public var variant: SwimVariant

    public init(members: Int, period: SimDuration = .milliseconds(1_000), pingTimeout: SimDuration = .milliseconds(300),
                indirectProbes: Int = 3, lambda: Int = 3, piggybackPerMessage: Int = 6, bufferCapacity: Int = 128,
                suspicionMultiplier: Int = 4, pushPullPeriods: Int = 5,
                variant: SwimVariant = .correct) {
        self.members = members
        self.period = period
        self.pingTimeout = pingTimeout
        self.indirectProbes = indirectProbes
        self.lambda = lambda
        self.piggybackPerMessage = piggybackPerMessage
        self.bufferCapacity = bufferCapacity
        self.suspicionMultiplier = suspicionMultiplier
        self.pushPullPeriods = pushPullPeriods
        self.variant = variant
    }

    /// Periods a suspicion lasts before it is confirmed.
    public var suspicionPeriods: Int {
        var digits = 0
        var n = members - 1
        while n > 0 { digits += 1; n /= 10 }
        return suspicionMultiplier * max(1, digits)
    }

    public var transmitLimit: Int {
        PiggybackBuffer.transmitLimit(lambda: lambda, members: members)
    }
}

public enum SwimTimer: Hashable, Sendable {
    case period
    case pingTimeout
}

public enum SwimCommand: Sendable {
    case put(key: Int, value: Int)
}

/// What a member reports: a change in its view of another member, or of itself.
public struct SwimEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// Its own probe of `member` failed: it suspects it.
        case suspectByProbe = "suspect"
        /// It learned the suspicion from gossip.
        case suspectByGossip = "suspect~"
        /// Its suspicion timed out: it confirms `member` dead.
        case confirm = "confirm"
        /// It learned the death from gossip.
        case deadByGossip = "dead~"
        /// `member` was suspect or dead and is alive again (a refutation reached it).
        case alive = "alive"
        /// This member refuted a suspicion or death about itself.
        case refute = "refute"
    }

    public var kind: Kind
    public var member: NodeID
    public var incarnation: UInt32
}

/// What survives a crash: the settings and the member's incarnation, so that it comes back
/// with a higher one and overrides whatever the group decided about it meanwhile. Before the
/// first boot the disk holds the settings alone (a config file): no incarnation yet.
public struct SwimDisk: Equatable, Sendable {
    public var config: SwimConfig
    public var incarnation: UInt32?

    public init(config: SwimConfig, incarnation: UInt32? = nil) {
        self.config = config
        self.incarnation = incarnation
    }
}
