/// Log replication and commitment (Ongaro & Ousterhout 2014, §5.3 and §5.4.2; Figure 2,
/// AppendEntries; Figure 13, InstallSnapshot): the consistency check, fast backtracking of a
/// divergent follower by conflicting term (§5.3, last paragraphs, as the 6.824 lab notes spell
/// it out), and the commit rule that counts replicas only for entries of the leader's own term.
///
/// Simplifications:
/// - A follower known to be in sync is sent new entries optimistically (nextIndex moves on at
///   send time, as etcd's "replicate" state does); any loss shows up as a rejection at the next
///   message and the leader backs up.

import Simulation

extension RaftNode {
    /// One round to every follower: new entries where there are some, a heartbeat otherwise.
    mutating func broadcastAppend(_ context: inout Context) {
        round += 1
        for peer in peers { sendAppend(to: peer, &context) }
    }

    mutating func sendAppend(to peer: NodeID, _ context: inout Context) {
        let next = nextIndex[peer]
        if next <= log.snapshotIndex, let snapshot {
            let message = InstallSnapshot(term: currentTerm, leader: id, snapshot: snapshot, round: round)
            sendAsLeader(.installSnapshot(message), to: peer, &context)
            return
        }
        let prev = next - 1
        let entries = log.entries(from: next, limit: config.maxEntriesPerMessage)
        let message = AppendEntries(term: currentTerm, leader: id, prevLogIndex: prev,
                                    prevLogTerm: log.term(at: prev) ?? 0, entries: entries,
                                    leaderCommit: commitIndex, round: round)
        if inSync[peer] && !entries.isEmpty { nextIndex[peer] = next + entries.count }
        sendAsLeader(.appendEntries(message), to: peer, &context)
    }

    /// Thesis §10.2.1: a leader writes its log in parallel with sending it, and counts itself
    /// toward a majority only for entries its disk holds (`durableLastIndex`). It does so only
    /// once its term is durable: a leader that crashed with its term unwritten could come back
    /// in the previous term, be elected again in this one by the same voters, and send other
    /// entries under the same index and term. Until then its messages wait for its writes.
    mutating func sendAsLeader(_ message: RaftMessage, to peer: NodeID, _ context: inout Context) {
        if termIsDurable {
            context.sendAheadOfWrites(message, to: peer)
        } else {
            context.send(message, to: peer)
        }
    }

    mutating func appendToLog(_ payload: LogPayload, _ context: inout Context) {
        log.append(LogEntry(term: currentTerm, payload: payload))
        persist(&context, notifyWhenDurable: true)
        context.output(.logChanged(from: log.lastIndex))
    }

    /// A leader's write is on disk through `index`, and with it its term.
    mutating func leaderLogIsDurable(through index: Int, _ context: inout Context) {
        termIsDurable = true
        guard index > durableLastIndex else { return }
        durableLastIndex = index
        advanceCommitIndex(&context)
        serveReads(&context)
    }

    /// Figure 2, AppendEntries receiver implementation.
    mutating func handleAppendEntries(_ m: AppendEntries, from sender: NodeID, _ context: inout Context) {
        guard m.term >= currentTerm else {
            let reply = AppendEntriesReply(term: currentTerm, success: false, matchIndex: 0,
                                           conflictIndex: 0, conflictTerm: nil, forTerm: m.term, round: m.round)
            context.send(.appendEntriesReply(reply), to: sender)
            return
        }
        acceptLeader(term: m.term, leader: m.leader, &context)
        var reply = AppendEntriesReply(term: currentTerm, success: false, matchIndex: 0,
                                       conflictIndex: 0, conflictTerm: nil, forTerm: m.term, round: m.round)
        if m.prevLogIndex > log.lastIndex {
            reply.conflictIndex = log.lastIndex + 1
        } else if m.prevLogIndex > log.snapshotIndex, let term = log.term(at: m.prevLogIndex), term != m.prevLogTerm {
            reply.conflictTerm = term
            reply.conflictIndex = log.firstIndex(ofTermAt: m.prevLogIndex)
        } else {
            // Entries at or below the snapshot are committed, hence identical to the leader's.
            var changed: Int?
            if config.flaw == .truncatesOnEveryAppend && m.prevLogIndex >= log.snapshotIndex
                && m.prevLogIndex < log.lastIndex {
                log.truncate(after: m.prevLogIndex)
                changed = m.prevLogIndex + 1
            }
            if let merged = log.merge(m.entries, after: m.prevLogIndex,
                                      keepingTail: config.flaw == .keepsConflictingEntries) {
                changed = min(changed ?? merged, merged)
            }
            if let changed {
                persist(&context)
                context.output(.logChanged(from: changed))
            }
            let lastNew = m.prevLogIndex + m.entries.count
            reply.success = true
            reply.matchIndex = lastNew
            // Figure 2, step 5: never past the last entry this message vouched for.
            let vouched = config.flaw == .commitsPastLastNewEntry ? log.lastIndex : lastNew
            setCommitIndex(min(m.leaderCommit, vouched), &context)
        }
        if config.flaw == .acksAppendBeforeDurable {
            context.sendAheadOfWrites(.appendEntriesReply(reply), to: sender)
        } else {
            context.send(.appendEntriesReply(reply), to: sender)
        }
    }

    /// A message from the leader of `term`: follow it and restart the election timeout.
    mutating func acceptLeader(term: Term, leader: NodeID, _ context: inout Context) {
        if term > currentTerm || role != .follower {
            becomeFollower(term: term, &context)
        }
        leaderHint = leader
        lastLeaderContact = context.now
        resetElectionTimer(&context)
    }

    mutating func handleAppendEntriesReply(_ m: AppendEntriesReply, from sender: NodeID, _ context: inout Context) {
        guard noteReply(term: m.term, forTerm: m.forTerm, round: m.round, from: sender, &context) else { return }
        if m.success {
            matchIndex[sender] = max(matchIndex[sender], m.matchIndex)
            nextIndex[sender] = max(nextIndex[sender], matchIndex[sender] + 1)
            inSync[sender] = true
            advanceCommitIndex(&context)
        } else {
            var next = m.conflictIndex
            if let conflictTerm = m.conflictTerm, let last = log.lastIndex(ofTerm: conflictTerm) {
                next = last + 1
            }
            nextIndex[sender] = max(matchIndex[sender] + 1, min(next, log.lastIndex + 1))
            inSync[sender] = false
        }
        serveReads(&context)
        if !m.success || nextIndex[sender] <= log.lastIndex {
            sendAppend(to: sender, &context)
        }
    }

    /// The common part of every reply a leader gets: step down on a higher term, ignore stale
    /// replies, and record that the follower is alive and acknowledged `round`. A reply to a
    /// request of an earlier term is stale even when the follower has since reached this term:
    /// its round was counted by another leader, perhaps this node before a crash reset `round`,
    /// and would confirm reads (and keep CheckQuorum content) with no heartbeat of this term.
    mutating func noteReply(term: Term, forTerm: Term, round: UInt64, from sender: NodeID,
                            _ context: inout Context) -> Bool {
        if term > currentTerm {
            becomeFollower(term: term, &context)
            return false
        }
        guard role == .leader, term == currentTerm else { return false }
        guard forTerm == currentTerm || config.flaw == .acceptsStaleReadAcks else { return false }
        recentlyActive[sender] = true
        ackedRound[sender] = max(ackedRound[sender], round)
        return true
    }

    /// §5.3–5.4.2: the highest index stored on a majority commits, but only if its entry is of
    /// the current term; older entries then commit indirectly (Figure 8).
    mutating func advanceCommitIndex(_ context: inout Context) {
        guard role == .leader else { return }
        var candidate = log.lastIndex
        // The majority-th largest match index, by counting down (clusters are small).
        while candidate > commitIndex {
            let counted = durableLastIndex >= candidate || config.flaw == .countsOwnEntriesEarly
            var replicas = counted ? 1 : 0
            for peer in peers where matchIndex[peer] >= candidate { replicas += 1 }
            if replicas >= majority { break }
            candidate -= 1
        }
        guard candidate > commitIndex, let term = log.term(at: candidate) else { return }
        if term == currentTerm || config.flaw == .commitsOldTermsByCounting {
            setCommitIndex(candidate, &context)
        }
    }

    mutating func setCommitIndex(_ index: Int, _ context: inout Context) {
        guard index > commitIndex else { return }
        commitIndex = index
        context.output(.committed(index: index))
        applyCommitted(&context)
    }

    /// Figure 13, InstallSnapshot receiver implementation (one chunk).
    mutating func handleInstallSnapshot(_ m: InstallSnapshot, from sender: NodeID, _ context: inout Context) {
        guard m.term >= currentTerm else {
            let reply = InstallSnapshotReply(term: currentTerm, lastIncludedIndex: 0, forTerm: m.term, round: m.round)
            context.send(.installSnapshotReply(reply), to: sender)
            return
        }
        acceptLeader(term: m.term, leader: m.leader, &context)
        let incoming = m.snapshot
        if incoming.lastIncludedIndex > commitIndex || config.flaw == .installsStaleSnapshot {
            log.installSnapshot(index: incoming.lastIncludedIndex, term: incoming.lastIncludedTerm)
            snapshot = incoming
            store = incoming.state
            commitIndex = incoming.lastIncludedIndex
            lastApplied = incoming.lastIncludedIndex
            persist(&context)
            context.output(.snapshotInstalled(index: incoming.lastIncludedIndex, term: incoming.lastIncludedTerm))
        }
        let reply = InstallSnapshotReply(term: currentTerm, lastIncludedIndex: incoming.lastIncludedIndex,
                                         forTerm: m.term, round: m.round)
        context.send(.installSnapshotReply(reply), to: sender)
    }

    mutating func handleInstallSnapshotReply(_ m: InstallSnapshotReply, from sender: NodeID, _ context: inout Context) {
        guard noteReply(term: m.term, forTerm: m.forTerm, round: m.round, from: sender, &context) else { return }
        matchIndex[sender] = max(matchIndex[sender], m.lastIncludedIndex)
        nextIndex[sender] = max(nextIndex[sender], matchIndex[sender] + 1)
        advanceCommitIndex(&context)
        serveReads(&context)
        if nextIndex[sender] <= log.lastIndex { sendAppend(to: sender, &context) }
    }
}
