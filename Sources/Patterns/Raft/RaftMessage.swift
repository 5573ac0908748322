/// The RPCs of Raft as one-way messages (paper Figure 2 and Figure 13; PreVote from Ongaro's
/// thesis §9.6), and what a node keeps on stable storage.
///
/// Simplifications:
/// - A request and its reply are separate messages; replies echo what the sender needs to
///   match them (the leader's `round` for ReadIndex, the follower's match index).
/// - InstallSnapshot carries the whole snapshot in one message (no `offset`/`done` chunks).

import Simulation

public struct RequestVote: Equatable, Sendable {
    /// For a pre-vote, the term the candidate *would* start; its own term is one less.
    public var term: Term
    public var candidate: NodeID
    public var lastLogIndex: Int
    public var lastLogTerm: Term
    public var preVote: Bool
}

public struct RequestVoteReply: Equatable, Sendable {
    public var term: Term
    public var granted: Bool
    public var preVote: Bool
}

public struct AppendEntries: Equatable, Sendable {
    public var term: Term
    public var leader: NodeID
    public var prevLogIndex: Int
    public var prevLogTerm: Term
    public var entries: ArraySlice<LogEntry>
    public var leaderCommit: Int
    /// The leader's heartbeat round, echoed back: a ReadIndex read waits for a majority to
    /// acknowledge a round that started after the read arrived.
    public var round: UInt64
}

public struct AppendEntriesReply: Equatable, Sendable {
    public var term: Term
    public var success: Bool
    /// On success, the last index known to match the leader's log.
    public var matchIndex: Int
    /// On failure, where the leader should retry: the follower's first index of the
    /// conflicting term, or its log length when its log is too short (the "fast backup" of
    /// the paper's §5.3, as specified in the 6.824 lab notes).
    public var conflictIndex: Int
    public var conflictTerm: Term?
    /// The term of the request this answers, and its round: only replies to this term's
    /// requests speak for this leader's rounds (etcd binds a ReadIndex to its request context).
    public var forTerm: Term
    public var round: UInt64
}

/// A snapshot: the state machine after applying every entry through `lastIncludedIndex`.
public struct RaftSnapshot: Equatable, Sendable {
    public var lastIncludedIndex: Int
    public var lastIncludedTerm: Term
    public var state: KVStore
}

public struct InstallSnapshot: Equatable, Sendable {
    public var term: Term
    public var leader: NodeID
    public var snapshot: RaftSnapshot
    public var round: UInt64
}

public struct InstallSnapshotReply: Equatable, Sendable {
    public var term: Term
    public var lastIncludedIndex: Int
    /// As in `AppendEntriesReply`.
    public var forTerm: Term
    public var round: UInt64
}

public enum RaftMessage: Equatable, Sendable {
    case requestVote(RequestVote)
    case requestVoteReply(RequestVoteReply)
    case appendEntries(AppendEntries)
    case appendEntriesReply(AppendEntriesReply)
    case installSnapshot(InstallSnapshot)
    case installSnapshotReply(InstallSnapshotReply)

    /// The term the message speaks for (a pre-vote request speaks for none yet).
    public var term: Term {
        switch self {
        case .requestVote(let m): m.term
        case .requestVoteReply(let m): m.term
        case .appendEntries(let m): m.term
        case .appendEntriesReply(let m): m.term
        case .installSnapshot(let m): m.term
        case .installSnapshotReply(let m): m.term
        }
    }

    /// A short name for traffic counts.
    public var kind: String {
        switch self {
        case .requestVote(let m): m.preVote ? "PreVote" : "RequestVote"
        case .requestVoteReply(let m): m.preVote ? "PreVoteReply" : "RequestVoteReply"
        case .appendEntries: "AppendEntries"
        case .appendEntriesReply: "AppendEntriesReply"
        case .installSnapshot: "InstallSnapshot"
        case .installSnapshotReply: "InstallSnapshotReply"
        }
    }
}

/// What survives a crash (Figure 2, "Persistent state on all servers", plus the snapshot).
public struct RaftDurable: Equatable, Sendable {
    public var currentTerm: Term
    public var votedFor: NodeID?
    public var log: RaftLog
    public var snapshot: RaftSnapshot?
}
