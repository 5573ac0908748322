/// A Raft server as a pure state machine (Ongaro & Ousterhout 2014, Figure 2): its state, its
/// role changes, and the dispatch of messages, timers and client commands. Elections live in
/// `RaftNode+Election.swift`, log replication and commitment in `RaftNode+Replication.swift`,
/// client commands, reads and snapshots in `RaftNode+Client.swift`.
///
/// Simplifications:
/// - Membership is fixed; there is no leadership transfer.
/// - Stable storage is the simulator's disk: `persist` is atomic, and no message leaves before
///   the writes recorded ahead of it are durable, except a candidate's vote requests (see
///   `startElection`) and a leader's AppendEntries once its term is durable (see `sendAppend`).

import Simulation

public struct RaftNode: SimulatedNode {
    public typealias Message = RaftMessage
    public typealias Command = RaftCommand
    public typealias Output = RaftOutput
    public typealias Durable = RaftDurable
    public typealias Context = NodeContext<RaftNode>

    public enum Timer: Hashable, Sendable {
        /// A follower's or candidate's election timeout; a leader's check-quorum period.
        case election
        case heartbeat
    }

    /// A ReadIndex read waiting for leadership to be confirmed and the state to catch up.
    struct PendingRead {
        var request: ClientRequest
        var readIndex: Int
        var round: UInt64
    }

    struct RequestKey: Hashable {
        var client: Int
        var sequence: Int
    }

    public let id: NodeID
    public let cluster: [NodeID]
    public let config: RaftConfig
    let peers: [NodeID]
    var majority: Int { cluster.count / 2 + 1 }

    // Persistent state (Figure 2).
    public internal(set) var currentTerm: Term = 0
    public internal(set) var votedFor: NodeID?
    public internal(set) var log = RaftLog()
    public internal(set) var snapshot: RaftSnapshot?

    // Volatile state on all servers.
    public internal(set) var role: RaftRole = .follower
    public internal(set) var commitIndex = 0
    public internal(set) var lastApplied = 0
    public internal(set) var store = KVStore()
    public internal(set) var leaderHint: NodeID?
    var votes: [Bool]
    /// Peers that answered the current (pre-)vote request, so retries skip them.
    var answered: [Bool]
    var lastLeaderContact: SimTime?
    /// When the election timeout expires. Resetting it only moves this deadline; the timer is
    /// re-armed when it fires early, so a busy follower does not queue a timer per message.
    var electionDeadline = SimTime.zero
    /// When the pending `.election` timer fires, if one is pending.
    var electionTimerAt: SimTime?

    // Volatile state on leaders, indexed by node id.
    public internal(set) var nextIndex: [Int]
    public internal(set) var matchIndex: [Int]
    /// Answered since the last check-quorum period.
    var recentlyActive: [Bool]
    /// The last reply was a success, so entries can be streamed without waiting.
    var inSync: [Bool]
    var round: UInt64 = 0
    var ackedRound: [UInt64]
    var pendingReads: [PendingRead] = []
    var awaitingReply: Set<RequestKey> = []
    /// The index of this leader's own no-op: reads wait until it is applied.
    var termStartIndex = 0
    /// This candidate's or leader's term and vote are on its disk.
    var termIsDurable = false
    /// A leader's log is on its disk through this index; it counts itself toward a majority
    /// only that far.
    var durableLastIndex = 0

    public init(id: NodeID, cluster: [NodeID], durable: RaftDurable?) {
        self.init(id: id, cluster: cluster, durable: durable, config: RaftConfig())
    }

    public init(id: NodeID, cluster: [NodeID], durable: RaftDurable?, config: RaftConfig) {
        self.id = id
        self.cluster = cluster
        self.config = config
        peers = cluster.filter { $0 != id }
        let count = (cluster.max() ?? 0) + 1
        votes = Array(repeating: false, count: count)
        answered = Array(repeating: false, count: count)
        nextIndex = Array(repeating: 1, count: count)
        matchIndex = Array(repeating: 0, count: count)
        recentlyActive = Array(repeating: false, count: count)
        inSync = Array(repeating: false, count: count)
        ackedRound = Array(repeating: 0, count: count)
        if let durable {
            currentTerm = durable.currentTerm
            votedFor = durable.votedFor
            log = durable.log
            snapshot = durable.snapshot
        }
        if let snapshot {
            // Everything in a snapshot is committed and applied; the rest is replayed once a
            // leader tells this node the commit index again.
            commitIndex = snapshot.lastIncludedIndex
            lastApplied = snapshot.lastIncludedIndex
            store = snapshot.state
        }
    }

    // MARK: SimulatedNode

    public mutating func start(_ context: inout Context) {
        resetElectionTimer(&context)
    }

    public mutating func receive(_ message: RaftMessage, from sender: NodeID, _ context: inout Context) {
        switch message {
        case .requestVote(let m): handleRequestVote(m, from: sender, &context)
        case .requestVoteReply(let m): handleVoteReply(m, from: sender, &context)
        case .appendEntries(let m): handleAppendEntries(m, from: sender, &context)
        case .appendEntriesReply(let m): handleAppendEntriesReply(m, from: sender, &context)
        case .installSnapshot(let m): handleInstallSnapshot(m, from: sender, &context)
        case .installSnapshotReply(let m): handleInstallSnapshotReply(m, from: sender, &context)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout Context) {
        switch timer {
        case .heartbeat:
            switch role {
            case .leader:
                broadcastAppend(&context)
                context.setTimer(.heartbeat, after: config.heartbeat)
            case .candidate, .preCandidate:
                // §5.1: RPCs are retried when no answer comes in time.
                requestVotes(retry: true, &context)
                context.setTimer(.heartbeat, after: config.heartbeat)
            case .follower:
                break
            }
        case .election:
            electionTimerAt = nil
            if role != .leader && context.now < electionDeadline {
                armElectionTimer(at: electionDeadline, &context)
            } else if role == .leader {
                checkQuorum(&context)
            } else if config.preVote {
                startPreVote(&context)
            } else {
                startElection(&context)
            }
        }
    }

    /// Everything but a client's reply reports the node's own progress to the checker.
    public static func isReport(_ output: RaftOutput) -> Bool {
        if case .reply = output { return false }
        return true
    }

    /// A write this node asked about is on disk (a candidate's vote, a leader's entries).
    public mutating func persisted(_ state: RaftDurable, _ context: inout Context) {
        guard state.currentTerm == currentTerm else { return }
        switch role {
        case .candidate: ownVoteIsDurable(&context)
        case .leader: leaderLogIsDurable(through: state.log.lastIndex, &context)
        case .follower, .preCandidate: break
        }
    }

    public mutating func handle(_ command: RaftCommand, _ context: inout Context) {
        switch command {
        case .client(let request): handleClientRequest(request, &context)
        }
    }

    // MARK: Shared helpers

    /// Writes the persistent state (all of it but the vote, for the flaw that forgets it).
    mutating func persist(_ context: inout Context, notifyWhenDurable notify: Bool = false) {
        let vote = config.flaw == .forgetsVote ? nil : votedFor
        context.persist(RaftDurable(currentTerm: currentTerm, votedFor: vote, log: log, snapshot: snapshot),
                        notifyWhenDurable: notify)
    }

    mutating func resetElectionTimer(_ context: inout Context) {
        let timeout = SimDuration.random(in: config.electionTimeoutMin, config.electionTimeoutMax, using: &context.rng)
        electionDeadline = context.now + timeout
        if let pending = electionTimerAt, pending <= electionDeadline, pending > context.now { return }
        armElectionTimer(at: electionDeadline, &context)
    }

    mutating func armElectionTimer(at time: SimTime, _ context: inout Context) {
        context.setTimer(.election, after: time - context.now)
        electionTimerAt = time
    }

    /// Adopts `term` (forgetting the vote when it is new) and follows. A leader that steps
    /// down drops what it owed clients: they time out and retry elsewhere.
    mutating func becomeFollower(term: Term, _ context: inout Context) {
        let wasLeader = role == .leader
        if term > currentTerm {
            currentTerm = term
            votedFor = nil
            persist(&context)
        }
        role = .follower
        if wasLeader {
            context.output(.steppedDown(term: currentTerm, reason: .higherTerm))
            dropLeaderState(&context)
        }
    }

    mutating func dropLeaderState(_ context: inout Context) {
        pendingReads.removeAll()
        awaitingReply.removeAll()
        context.cancelTimer(.heartbeat)
        resetElectionTimer(&context)
    }

    /// Has this node heard from a live leader within the minimum election timeout? Then it
    /// refuses (pre-)votes: a leader exists, and a candidate is most likely a node that was
    /// cut off (thesis §4.2.3 and §9.6).
    func heardFromLeaderRecently(_ now: SimTime) -> Bool {
        if role == .leader { return true }
        guard let contact = lastLeaderContact else { return false }
        return now < contact + config.electionTimeoutMin
    }
}
