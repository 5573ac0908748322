/// The classic Raft bugs, each a deliberately broken build that `check raft --variants` must
/// catch under the default sweep (the correct protocol passes the same sweep). Each is one
/// rule of the paper's Figure 2 or of the thesis broken on purpose; names say what the broken
/// node does.
public enum RaftFlaw: String, CaseIterable, Sendable {
    /// Figure 8: commits an entry of an earlier term as soon as a majority stores it.
    case commitsOldTermsByCounting
    /// §5.4.1: grants votes without the up-to-date check on the candidate's log.
    case votesWithoutLogCheck
    /// Figure 2, persistent state: does not persist `votedFor`, so after a restart it may
    /// vote twice in a term.
    case forgetsVote
    /// Sends its vote before the write that records it is durable: a crash in between lets it
    /// vote twice in a term (needs a disk that takes time).
    case repliesToVoteBeforeDurable
    /// Counts its own vote as a candidate before the write that records it is durable.
    case countsOwnVoteEarly
    /// A follower acknowledges entries before they are durable.
    case acksAppendBeforeDurable
    /// A leader counts itself toward a majority before its own write of the entry is durable.
    case countsOwnEntriesEarly
    /// Figure 2, AppendEntries step 3: keeps its entries after a conflicting one instead of
    /// deleting them.
    case keepsConflictingEntries
    /// Deletes everything after `prevLogIndex` on every AppendEntries, even where the entries
    /// match: a delayed, shorter message then erases acknowledged entries.
    case truncatesOnEveryAppend
    /// Figure 2, AppendEntries step 5: advances its commit index to `leaderCommit` capped at
    /// its own last index rather than at the last entry this message vouched for.
    case commitsPastLastNewEntry
    /// Thesis §6.4: a leader answers reads from its own state without confirming it still leads.
    case servesReadsLocally
    /// Thesis §6.4 step 1: a new leader serves ReadIndex reads before its own no-op commits, so
    /// its commit index may lag what an earlier leader committed.
    case readsBeforeOwnNoOp
    /// Counts a ReadIndex confirmation from a reply to an earlier term's message, whose round
    /// belongs to another incarnation.
    case acceptsStaleReadAcks
    /// Applies an entry to the state machine when it is appended, before it commits.
    case appliesBeforeCommit
    /// Thesis §6.3: executes a retried command again instead of answering from the session.
    case ignoresSessions
    /// Figure 13: installs a snapshot older than its own commit index, rolling its state back.
    case installsStaleSnapshot
}
