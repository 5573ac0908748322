import Testing
@testable import Raft
@testable import Simulation

/// Unit tests of one Raft node fed by hand: the rules of Figure 2, one at a time.
@Suite struct RaftNodeTests {
    typealias Context = NodeContext<RaftNode>

    static func context(at ms: UInt64 = 1_000) -> Context {
        var context = Context(rng: SeededRNG(seed: 1))
        context.reset(now: .zero + .milliseconds(ms), id: 0)
        return context
    }

    static func log(_ terms: [Term]) -> RaftLog {
        var log = RaftLog()
        for (i, term) in terms.enumerated() {
            log.append(LogEntry(term: term, payload: .client(ClientRequest(client: 9, sequence: i + 1,
                                                                             operation: .write(key: 0, value: i)))))
        }
        return log
    }

    static func node(_ id: NodeID = 0, nodes: Int = 5, term: Term = 0, log terms: [Term] = [],
                     config: RaftConfig = RaftConfig(preVote: false)) -> RaftNode {
        let durable = RaftDurable(currentTerm: term, votedFor: nil, log: log(terms), snapshot: nil)
        return RaftNode(id: id, cluster: Array(0..<nodes), durable: durable, config: config)
    }

    static func replies(_ context: Context) -> [RaftMessage] { context.sends.map(\.message) }

    @Test func grantsOneVotePerTermAndPersistsItBeforeAnswering() {
        var follower = Self.node(term: 2, log: [1, 2])
        var context = Self.context()
        let request = RequestVote(term: 3, candidate: 1, lastLogIndex: 2, lastLogTerm: 2, preVote: false)
        follower.receive(.requestVote(request), from: 1, &context)
        #expect(follower.currentTerm == 3 && follower.votedFor == 1)
        #expect(context.persisted?.votedFor == 1 && context.persisted?.currentTerm == 3)
        #expect(Self.replies(context) == [.requestVoteReply(RequestVoteReply(term: 3, granted: true, preVote: false))])
        // A second candidate of the same term is refused.
        context = Self.context()
        var other = request
        other.candidate = 2
        follower.receive(.requestVote(other), from: 2, &context)
        #expect(Self.replies(context) == [.requestVoteReply(RequestVoteReply(term: 3, granted: false, preVote: false))])
    }

    @Test func refusesACandidateWithAStaleLog() {
        var follower = Self.node(term: 2, log: [1, 2, 2])
        var context = Self.context()
        // Higher term but an older last term: refused (§5.4.1), though the term is adopted.
        follower.receive(.requestVote(RequestVote(term: 5, candidate: 1, lastLogIndex: 9, lastLogTerm: 1,
                                                  preVote: false)), from: 1, &context)
        #expect(follower.currentTerm == 5 && follower.votedFor == nil)
        // Same last term, shorter log: refused too.
        follower.receive(.requestVote(RequestVote(term: 5, candidate: 2, lastLogIndex: 2, lastLogTerm: 2,
                                                  preVote: false)), from: 2, &context)
        #expect(follower.votedFor == nil)
        follower.receive(.requestVote(RequestVote(term: 5, candidate: 3, lastLogIndex: 3, lastLogTerm: 2,
                                                  preVote: false)), from: 3, &context)
        #expect(follower.votedFor == 3)
    }

    @Test func forgetfulVariantDoesNotPersistItsVote() {
        var follower = Self.node(term: 2, config: RaftConfig(preVote: false, flaw: .forgetsVote))
        var context = Self.context()
        follower.receive(.requestVote(RequestVote(term: 3, candidate: 1, lastLogIndex: 0, lastLogTerm: 0,
                                                  preVote: false)), from: 1, &context)
        #expect(follower.votedFor == 1)
        #expect(context.persisted?.currentTerm == 3 && context.persisted?.votedFor == nil)
    }

    @Test func preVoteChangesNeitherTermNorVote() {
        var follower = Self.node(term: 4, log: [1, 4])
        var context = Self.context()
        follower.receive(.requestVote(RequestVote(term: 5, candidate: 1, lastLogIndex: 2, lastLogTerm: 4,
                                                  preVote: true)), from: 1, &context)
        #expect(follower.currentTerm == 4 && follower.votedFor == nil && context.persisted == nil)
        #expect(Self.replies(context) == [.requestVoteReply(RequestVoteReply(term: 5, granted: true, preVote: true))])
    }

    @Test func preVoteIsRefusedWhileALeaderIsHeardFrom() {
        var follower = Self.node(term: 4, log: [1, 4])
        var context = Self.context(at: 1_000)
        let heartbeat = AppendEntries(term: 4, leader: 2, prevLogIndex: 2, prevLogTerm: 4, entries: [],
                                      leaderCommit: 0, round: 1)
        follower.receive(.appendEntries(heartbeat), from: 2, &context)
        context = Self.context(at: 1_100)
        follower.receive(.requestVote(RequestVote(term: 5, candidate: 1, lastLogIndex: 2, lastLogTerm: 4,
                                                  preVote: true)), from: 1, &context)
        #expect(Self.replies(context) == [.requestVoteReply(RequestVoteReply(term: 4, granted: false, preVote: true))])
    }

    @Test func appendEntriesRejectionsCarryTheConflictHint() {
        var follower = Self.node(term: 3, log: [1, 1, 2, 2, 2])
        var context = Self.context()
        // The leader's entry at 5 has term 3: conflict on term 2, which starts at index 3.
        follower.receive(.appendEntries(AppendEntries(term: 3, leader: 1, prevLogIndex: 5, prevLogTerm: 3, entries: [],
                                                      leaderCommit: 0, round: 1)), from: 1, &context)
        guard case .appendEntriesReply(let reply) = Self.replies(context).first else { Issue.record("no reply"); return }
        #expect(!reply.success && reply.conflictTerm == 2 && reply.conflictIndex == 3)
        // Too short: the hint is the follower's log length.
        context = Self.context()
        follower.receive(.appendEntries(AppendEntries(term: 3, leader: 1, prevLogIndex: 9, prevLogTerm: 3, entries: [],
                                                      leaderCommit: 0, round: 1)), from: 1, &context)
        guard case .appendEntriesReply(let short) = Self.replies(context).first else { Issue.record("no reply"); return }
        #expect(!short.success && short.conflictTerm == nil && short.conflictIndex == 6)
    }

    @Test func appendEntriesTruncatesOnlyOnConflictAndCommitsOnlyWhatItVouchedFor() {
        var follower = Self.node(term: 3, log: [1, 1, 2, 2])
        var context = Self.context()
        let entry = LogEntry(term: 3, payload: .noop)
        follower.receive(.appendEntries(AppendEntries(term: 3, leader: 1, prevLogIndex: 2, prevLogTerm: 1,
                                                      entries: [entry], leaderCommit: 9, round: 1)), from: 1, &context)
        #expect(follower.log.lastIndex == 3 && follower.log.term(at: 3) == 3)
        #expect(follower.commitIndex == 3)
        #expect(context.persisted?.log == follower.log)
        // A stale, shorter message agreeing with the log must not truncate it.
        context = Self.context()
        follower.receive(.appendEntries(AppendEntries(term: 3, leader: 1, prevLogIndex: 1, prevLogTerm: 1,
                                                      entries: [], leaderCommit: 1, round: 1)), from: 1, &context)
        #expect(follower.log.lastIndex == 3 && context.persisted == nil)
    }

    /// A candidate asks for votes without waiting for its own to be written, but counts that
    /// vote only once the disk reports it durable; a write of an older term does not count.
    @Test func countsItsOwnVoteOnlyOnceWritten() {
        var candidate = Self.node(term: 3, log: [1, 2])
        var context = Self.context()
        candidate.fire(.election, &context)
        let firstWrite = context.persisted!
        #expect(firstWrite.currentTerm == 4 && firstWrite.votedFor == 0)
        #expect(context.sends.count == 4 && context.sends.allSatisfy { !$0.waits })
        for voter in [1, 2] {
            candidate.receive(.requestVoteReply(RequestVoteReply(term: 4, granted: true, preVote: false)), from: voter,
                              &context)
        }
        #expect(candidate.role == .candidate)
        // It times out again before the disk is done: the term-4 write no longer counts.
        context = Self.context(at: 2_000)
        candidate.fire(.election, &context)
        let secondWrite = context.persisted!
        candidate.persisted(firstWrite, &context)
        for voter in [1, 2] {
            candidate.receive(.requestVoteReply(RequestVoteReply(term: 5, granted: true, preVote: false)), from: voter,
                              &context)
        }
        #expect(candidate.role == .candidate && candidate.currentTerm == 5)
        candidate.persisted(secondWrite, &context)
        #expect(candidate.role == .leader)
    }

    /// The paper's Figure 8: a leader of term 4 must not commit an entry of term 2 merely
    /// because a majority stores it; it commits once an entry of its own term is on a majority.
    @Test(arguments: [nil, RaftFlaw.commitsOldTermsByCounting])
    func figure8CommitRule(flaw: RaftFlaw?) {
        var leader = Self.node(term: 3, log: [1, 2], config: RaftConfig(preVote: false, flaw: flaw))
        var context = Self.context()
        leader.fire(.election, &context)
        #expect(leader.role == .candidate && leader.currentTerm == 4)
        leader.persisted(context.persisted!, &context)
        for voter in [1, 2] {
            leader.receive(.requestVoteReply(RequestVoteReply(term: 4, granted: true, preVote: false)), from: voter, &context)
        }
        #expect(leader.role == .leader && leader.log.lastIndex == 3)
        leader.persisted(context.persisted!, &context)
        func ack(_ match: Int, from peer: NodeID) {
            leader.receive(.appendEntriesReply(AppendEntriesReply(term: 4, success: true, matchIndex: match, conflictIndex: 0,
                                                                  conflictTerm: nil, forTerm: 4, round: 1)), from: peer, &context)
        }
        ack(2, from: 1)
        ack(2, from: 2)
        #expect(leader.commitIndex == (flaw == nil ? 0 : 2))
        ack(3, from: 1)
        ack(3, from: 2)
        #expect(leader.commitIndex == 3)
    }

    @Test func readIndexWaitsForAHeartbeatRoundFromAMajority() {
        var leader = Self.node(nodes: 3, config: RaftConfig(preVote: false))
        var context = Self.context()
        leader.fire(.election, &context)
        leader.persisted(context.persisted!, &context)
        leader.receive(.requestVoteReply(RequestVoteReply(term: 1, granted: true, preVote: false)), from: 1, &context)
        #expect(leader.role == .leader)
        let noop = context.persisted!
        leader.receive(.appendEntriesReply(AppendEntriesReply(term: 1, success: true, matchIndex: 1, conflictIndex: 0,
                                                              conflictTerm: nil, forTerm: 1, round: 1)), from: 1, &context)
        // One follower holds the no-op, but the leader's own copy is not yet on its disk.
        #expect(leader.commitIndex == 0)
        leader.persisted(noop, &context)
        #expect(leader.commitIndex == 1)
        context = Self.context()
        leader.handle(.client(ClientRequest(client: 1, sequence: 1, operation: .read(key: 0))), &context)
        #expect(!context.outputs.contains { if case .reply = $0 { true } else { false } })
        // An acknowledgement of an older round does not confirm leadership for this read.
        leader.receive(.appendEntriesReply(AppendEntriesReply(term: 1, success: true, matchIndex: 1, conflictIndex: 0,
                                                              conflictTerm: nil, forTerm: 1, round: 1)), from: 1, &context)
        #expect(!context.outputs.contains { if case .reply = $0 { true } else { false } })
        leader.receive(.appendEntriesReply(AppendEntriesReply(term: 1, success: true, matchIndex: 1, conflictIndex: 0,
                                                              conflictTerm: nil, forTerm: 1, round: leader.round)), from: 2, &context)
        #expect(context.outputs.contains(.reply(ClientReply(client: 1, sequence: 1, status: .done(.value(nil))))))
    }

    /// Figure 2, AppendEntries step 5: a follower holding a stale tail (entries 2 and 3 of term
    /// 1, never committed) learns of commit index 3 from a message that vouches only for its
    /// log through index 1. It may commit through 1; the broken build commits its stale tail.
    @Test(arguments: [nil, RaftFlaw.commitsPastLastNewEntry])
    func aFollowerCommitsNoFurtherThanTheMessageVouches(flaw: RaftFlaw?) {
        var follower = Self.node(1, term: 1, log: [1, 1, 1], config: RaftConfig(preVote: false, flaw: flaw))
        var context = Self.context()
        follower.receive(.appendEntries(AppendEntries(term: 2, leader: 0, prevLogIndex: 1, prevLogTerm: 1, entries: [],
                                                      leaderCommit: 3, round: 1)), from: 0, &context)
        #expect(follower.commitIndex == (flaw == nil ? 1 : 3))
    }

    /// A follower that answers a request of an earlier term after it moved to this one echoes
    /// that request's round, which may be high (another incarnation's count). It must not
    /// confirm this leader's reads; the broken build that counts it answers at once.
    @Test(arguments: [nil, RaftFlaw.acceptsStaleReadAcks])
    func aReplyToAnEarlierTermsRequestConfirmsNoRead(flaw: RaftFlaw?) {
        var leader = Self.node(nodes: 3, config: RaftConfig(preVote: false, flaw: flaw))
        var context = Self.context()
        leader.fire(.election, &context)
        leader.persisted(context.persisted!, &context)
        leader.receive(.requestVoteReply(RequestVoteReply(term: 1, granted: true, preVote: false)), from: 1, &context)
        let noop = context.persisted!
        leader.receive(.appendEntriesReply(AppendEntriesReply(term: 1, success: true, matchIndex: 1, conflictIndex: 0,
                                                              conflictTerm: nil, forTerm: 1, round: 1)), from: 1, &context)
        leader.persisted(noop, &context)
        #expect(leader.role == .leader && leader.commitIndex == 1)
        context = Self.context()
        leader.handle(.client(ClientRequest(client: 1, sequence: 1, operation: .read(key: 0))), &context)
        leader.receive(.appendEntriesReply(AppendEntriesReply(term: 1, success: false, matchIndex: 0, conflictIndex: 0,
                                                              conflictTerm: nil, forTerm: 0, round: 99)), from: 2, &context)
        let answered = context.outputs.contains { if case .reply = $0 { true } else { false } }
        #expect(answered == (flaw != nil))
    }

    @Test func followersRedirectClientsToTheLeader() {
        var follower = Self.node(term: 2)
        var context = Self.context()
        follower.receive(.appendEntries(AppendEntries(term: 2, leader: 3, prevLogIndex: 0, prevLogTerm: 0, entries: [],
                                                      leaderCommit: 0, round: 1)), from: 3, &context)
        context = Self.context()
        follower.handle(.client(ClientRequest(client: 1, sequence: 1, operation: .write(key: 0, value: 1))), &context)
        #expect(context.outputs == [.reply(ClientReply(client: 1, sequence: 1, status: .notLeader(hint: 3)))])
    }
}
