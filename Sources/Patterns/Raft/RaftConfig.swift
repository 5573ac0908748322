/// The settings of a Raft node: timing (paper §5.2 and §9.3), the thesis's extensions (PreVote
/// and check quorum, Ongaro's thesis §9.6 and §6.2; ReadIndex, §6.4), log compaction (§7), and
/// the deliberately broken build to run, if any (`RaftFlaw`).
///
/// Simplifications:
/// - Timeouts are fixed per run; nothing adapts them to measured latency.

import Simulation

public struct RaftConfig: Equatable, Sendable {
    /// How reads are made linearizable.
    public enum ReadMode: String, CaseIterable, Equatable, Sendable {
        /// Reads go through the log like writes.
        case log
        /// The leader records its commit index, confirms with a round of heartbeats that it is
        /// still leader, waits to apply up to that index, then answers (thesis §6.4).
        case readIndex = "read-index"
    }

    /// How often a leader sends AppendEntries when it has nothing new to say.
    public var heartbeat: SimDuration
    /// Election timeouts are drawn uniformly from this range at every reset.
    public var electionTimeoutMin: SimDuration
    public var electionTimeoutMax: SimDuration
    /// Ask for pre-votes before starting an election, so a node that was cut off does not bump
    /// everybody's term when it comes back (thesis §9.6).
    public var preVote: Bool
    /// A leader steps down when a majority has not answered within an election timeout, and a
    /// follower that heard from a leader within the minimum timeout ignores vote requests
    /// (thesis §6.2 and §4.2.3).
    public var checkQuorum: Bool
    public var readMode: ReadMode
    /// Take a snapshot once this many applied entries follow the last one (0: never).
    public var snapshotThreshold: Int
    /// At most this many entries ride in one AppendEntries.
    public var maxEntriesPerMessage: Int
    /// A deliberately broken build (nil: the protocol as specified).
    public var flaw: RaftFlaw?

    public init(
        heartbeat: SimDuration = .milliseconds(100),
        electionTimeoutMin: SimDuration = .milliseconds(300),
        electionTimeoutMax: SimDuration = .milliseconds(600),
        preVote: Bool = true, checkQuorum: Bool = true, readMode: ReadMode = .readIndex,
        snapshotThreshold: Int = 64, maxEntriesPerMessage: Int = 64, flaw: RaftFlaw? = nil
    ) {
        self.heartbeat = heartbeat
        self.electionTimeoutMin = electionTimeoutMin
        self.electionTimeoutMax = electionTimeoutMax
        self.preVote = preVote
        self.checkQuorum = checkQuorum
        self.readMode = readMode
        self.snapshotThreshold = snapshotThreshold
        self.maxEntriesPerMessage = maxEntriesPerMessage
        self.flaw = flaw
    }
}
