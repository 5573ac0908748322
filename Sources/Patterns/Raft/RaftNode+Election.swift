/// Leader election (Ongaro & Ousterhout 2014, §5.2 and §5.4.1; Figure 2, RequestVote), with
/// the two extensions of Ongaro's thesis that keep a cluster stable: PreVote (§9.6), so a node
/// that was partitioned away cannot depose a healthy leader by inflating terms, and check
/// quorum (§6.2), so a leader that cannot reach a majority steps down instead of lingering.
///
/// Simplifications:
/// - A follower that heard from a leader within the minimum election timeout ignores vote
///   requests only when check quorum is on (it must then trust that the leader would step
///   down were it really cut off); pre-votes always honour that rule, as the thesis says.

import Simulation

extension RaftNode {
    /// Asks whether an election could be won before disturbing anyone's term.
    mutating func startPreVote(_ context: inout Context) {
        role = .preCandidate
        leaderHint = nil
        clearVotes()
        votes[id] = true
        context.output(.preVoteStarted(term: currentTerm + 1))
        resetElectionTimer(&context)
        if majority == 1 {
            startElection(&context)
            return
        }
        requestVotes(retry: false, &context)
    }

    /// Figure 2, "Candidates": increment the term, vote for self, ask everyone.
    ///
    /// The requests go out while the new term and vote are still being written, and the
    /// candidate's own vote counts only once that write is durable (`ownVoteIsDurable`): the
    /// overlap Ongaro's thesis allows when it totals the time of an election (chapter 9). A
    /// request for votes promises nothing on the sender's behalf, but a vote does. A candidate that counted its vote before writing it could win,
    /// crash, forget the vote, and vote for someone else in the same term. It may still win on
    /// others' votes alone before its write is done; that is safe because everything it then
    /// sends as leader waits for the write (the simulator's messages never overtake a node's
    /// writes), so a leader whose term was lost in a crash has said nothing.
    mutating func startElection(_ context: inout Context) {
        currentTerm += 1
        votedFor = id
        role = .candidate
        leaderHint = nil
        clearVotes()
        termIsDurable = false
        persist(&context, notifyWhenDurable: true)
        if config.flaw == .countsOwnVoteEarly { votes[id] = true }
        context.output(.electionStarted(term: currentTerm))
        resetElectionTimer(&context)
        if !peers.isEmpty { requestVotes(retry: false, &context) }
    }

    /// A candidate's write of its term is on disk: its vote for itself now counts (every
    /// write a candidate makes in its term carries that vote).
    mutating func ownVoteIsDurable(_ context: inout Context) {
        termIsDurable = true
        guard !votes[id] else { return }
        votes[id] = true
        if voteCount >= majority { becomeLeader(&context) }
    }

    /// Sends this round's (pre-)vote request to every peer, or on a retry to those that have
    /// not answered yet.
    mutating func requestVotes(retry: Bool, _ context: inout Context) {
        let preVote = role == .preCandidate
        let request = RequestVote(term: preVote ? currentTerm + 1 : currentTerm, candidate: id,
                                  lastLogIndex: log.lastIndex, lastLogTerm: log.lastTerm, preVote: preVote)
        if !retry {
            for peer in peers { answered[peer] = false }
            context.setTimer(.heartbeat, after: config.heartbeat)
        }
        // Sent ahead of the candidate's own write: see `startElection`.
        for peer in peers where !answered[peer] { context.sendAheadOfWrites(.requestVote(request), to: peer) }
    }

    mutating func handleRequestVote(_ m: RequestVote, from sender: NodeID, _ context: inout Context) {
        let upToDate = config.flaw == .votesWithoutLogCheck
            || log.isUpToDate(lastIndex: m.lastLogIndex, lastTerm: m.lastLogTerm)
        if m.preVote {
            // A pre-vote changes nothing here: neither the term nor the vote.
            let grant = m.term > currentTerm && upToDate && !heardFromLeaderRecently(context.now)
            let reply = RequestVoteReply(term: grant ? m.term : currentTerm, granted: grant, preVote: true)
            context.send(.requestVoteReply(reply), to: sender)
            return
        }
        if m.term > currentTerm {
            if config.checkQuorum && heardFromLeaderRecently(context.now) { return }
            becomeFollower(term: m.term, &context)
        }
        var granted = false
        if m.term == currentTerm, votedFor == nil || votedFor == m.candidate, upToDate {
            // A retried request finds the vote already given: writing it again would only queue
            // another write (and delay the reply) on a slow disk. The reply still waits for the
            // first write if that is in flight.
            if votedFor == nil {
                votedFor = m.candidate
                persist(&context)
            }
            granted = true
            resetElectionTimer(&context)
        }
        let reply = RaftMessage.requestVoteReply(RequestVoteReply(term: currentTerm, granted: granted, preVote: false))
        if config.flaw == .repliesToVoteBeforeDurable {
            context.sendAheadOfWrites(reply, to: sender)
        } else {
            context.send(reply, to: sender)
        }
    }

    mutating func handleVoteReply(_ m: RequestVoteReply, from sender: NodeID, _ context: inout Context) {
        // A granted pre-vote carries the proposed term, which is not a reason to step down.
        if m.term > currentTerm && !(m.preVote && m.granted) {
            becomeFollower(term: m.term, &context)
            return
        }
        if m.preVote ? role == .preCandidate : (role == .candidate && m.term == currentTerm) {
            answered[sender] = true
        }
        guard m.granted else { return }
        if m.preVote {
            guard role == .preCandidate, m.term == currentTerm + 1 else { return }
            votes[sender] = true
            if voteCount >= majority { startElection(&context) }
        } else {
            guard role == .candidate, m.term == currentTerm else { return }
            votes[sender] = true
            if voteCount >= majority { becomeLeader(&context) }
        }
    }

    /// Figure 2, "Leaders": reset the per-follower indices, append a no-op of the new term
    /// (so that earlier entries can commit and reads can be served, §8), and assert authority.
    mutating func becomeLeader(_ context: inout Context) {
        role = .leader
        leaderHint = id
        for peer in cluster {
            nextIndex[peer] = log.lastIndex + 1
            matchIndex[peer] = 0
            recentlyActive[peer] = false
            inSync[peer] = false
            ackedRound[peer] = 0
        }
        pendingReads.removeAll()
        awaitingReply.removeAll()
        durableLastIndex = 0
        context.output(.becameLeader(term: currentTerm))
        appendToLog(.noop, &context)
        termStartIndex = log.lastIndex
        broadcastAppend(&context)
        context.setTimer(.heartbeat, after: config.heartbeat)
        if config.checkQuorum {
            armElectionTimer(at: context.now + config.electionTimeoutMax, &context)
        } else {
            context.cancelTimer(.election)
            electionTimerAt = nil
        }
        advanceCommitIndex(&context)
    }

    /// A leader's periodic check: has a majority (itself included) answered since the last
    /// check? If not, it is probably cut off, and a leader that cannot commit should not keep
    /// clients waiting on it.
    mutating func checkQuorum(_ context: inout Context) {
        var active = 1
        for peer in peers where recentlyActive[peer] { active += 1 }
        for peer in peers { recentlyActive[peer] = false }
        if active < majority {
            role = .follower
            leaderHint = nil
            context.output(.steppedDown(term: currentTerm, reason: .lostQuorum))
            dropLeaderState(&context)
        } else {
            armElectionTimer(at: context.now + config.electionTimeoutMax, &context)
        }
    }

    var voteCount: Int {
        var count = 0
        for voted in votes where voted { count += 1 }
        return count
    }

    mutating func clearVotes() {
        for index in votes.indices { votes[index] = false }
    }
}
