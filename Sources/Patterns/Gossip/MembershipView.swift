/// One member's view of the group and the rules that merge membership updates into it
/// (Das, Gupta & Motivala, "SWIM", DSN 2002, §4.2 "suspicion mechanism"; the precedence rules
/// as HashiCorp memberlist implements them):
///
/// - {Alive Ml, inc i} overrides {Suspect Ml, j} and {Alive Ml, j} when i > j, and a {Dead Ml, j}
///   when i > j (a member that was wrongly confirmed dead rejoins with a higher incarnation).
/// - {Suspect Ml, i} overrides {Alive Ml, j} when i ≥ j and {Suspect Ml, j} when i > j.
/// - {Dead Ml, i} overrides any {Alive|Suspect Ml, j} when i ≥ j.
/// - A member that hears it is suspected or dead at its own incarnation (or later) refutes:
///   it moves to a higher incarnation and spreads {Alive, that incarnation}.
///
/// Simplifications:
/// - Membership is static: every member starts knowing every other (a seed list); joins and
///   graceful leaves are left out. Incarnations are 32-bit.
import Simulation

/// The protocol as specified, or with a classic precedence bug, to watch the checker catch it.
public enum SwimVariant: String, CaseIterable, Sendable {
    case correct
    /// {Dead} overrides {Alive} whatever the incarnations: a stale death notice beats the
    /// member's refutation.
    case deadIgnoresIncarnation = "dead-ignores-incarnation"
}

public enum MemberStatus: UInt8, Equatable, Sendable, CustomStringConvertible {
    case alive, suspect, dead

    public var description: String {
        switch self {
        case .alive: "alive"
        case .suspect: "suspect"
        case .dead: "dead"
        }
    }
}

/// A membership update as it travels: piggybacked on protocol messages or in a full state.
public struct MemberUpdate: Equatable, Sendable, CustomStringConvertible {
    public var member: NodeID
    public var status: MemberStatus
    public var incarnation: UInt32

    public init(member: NodeID, status: MemberStatus, incarnation: UInt32) {
        self.member = member
        self.status = status
        self.incarnation = incarnation
    }

    public var description: String { "{\(status) n\(member) inc \(incarnation)}" }
}

public struct MembershipView: Sendable {
    /// What applying an update did.
    public enum Outcome: Equatable, Sendable {
        case ignored
        /// The view changed from `was`; the update should be gossiped on.
        case accepted(was: MemberStatus)
        /// The update was about this member; it refuted with a new incarnation.
        case refuted(UInt32)
    }

    public let me: NodeID
    public private(set) var status: [MemberStatus]
    public private(set) var incarnation: [UInt32]
    /// How many members this view holds alive or suspect (not dead), itself included.
    public private(set) var liveCount: Int

    /// Correct precedence, or the deliberately broken one of `SwimVariant`.
    public let variant: SwimVariant

    public init(me: NodeID, count: Int, incarnation own: UInt32 = 0, variant: SwimVariant = .correct) {
        self.me = me
        self.variant = variant
        status = Array(repeating: .alive, count: count)
        incarnation = Array(repeating: 0, count: count)
        incarnation[me] = own
        liveCount = count
    }

    public var count: Int { status.count }
    public var ownIncarnation: UInt32 { incarnation[me] }

    public func record(_ member: NodeID) -> MemberUpdate {
        MemberUpdate(member: member, status: status[member], incarnation: incarnation[member])
    }

    public mutating func apply(_ update: MemberUpdate) -> Outcome {
        let m = update.member
        guard m >= 0 && m < count else { return .ignored }
        if m == me {
            guard update.status != .alive, update.incarnation >= incarnation[me] else { return .ignored }
            incarnation[me] = update.incarnation + 1
            return .refuted(incarnation[me])
        }
        let (s, i) = (status[m], incarnation[m])
        let wins: Bool
        switch update.status {
        case .alive: wins = update.incarnation > i
        case .suspect: wins = s != .dead && (update.incarnation > i || (update.incarnation == i && s == .alive))
        case .dead: wins = s != .dead && (update.incarnation >= i || variant == .deadIgnoresIncarnation)
        }
        guard wins else { return .ignored }
        set(m, update.status, update.incarnation)
        return .accepted(was: s)
    }

    private mutating func set(_ m: NodeID, _ new: MemberStatus, _ inc: UInt32) {
        if status[m] == .dead && new != .dead { liveCount += 1 }
        if status[m] != .dead && new == .dead { liveCount -= 1 }
        status[m] = new
        incarnation[m] = inc
    }

    /// This member raises its own incarnation (after a restart), returning the alive record.
    public mutating func bumpOwnIncarnation(to value: UInt32) -> MemberUpdate {
        incarnation[me] = max(incarnation[me], value)
        return record(me)
    }

    /// The whole view as records, for a push-pull exchange.
    public var snapshot: [MemberUpdate] {
        (0..<count).map(record)
    }
}
