/// Client interaction and the state machine (Ongaro's thesis, chapter 6): commands enter the
/// leader's log and are answered once applied, exactly once thanks to client sessions (§6.3);
/// reads go through the log or use ReadIndex (§6.4); applied state is compacted into snapshots
/// (paper §7).
///
/// Simplifications:
/// - A leader answers only requests it received itself; one that loses leadership forgets
///   them, and the client's retry (same session id) finds the outcome through the session table.
/// - A snapshot is taken synchronously once `snapshotThreshold` applied entries accumulate.

import Simulation

extension RaftNode {
    mutating func handleClientRequest(_ request: ClientRequest, _ context: inout Context) {
        guard role == .leader else {
            context.output(.reply(ClientReply(client: request.client, sequence: request.sequence,
                                              status: .notLeader(hint: leaderHint))))
            return
        }
        if !request.operation.isRead, config.flaw != .ignoresSessions, let cached = store.cachedResult(of: request) {
            reply(to: request, .done(cached), &context)
            return
        }
        if request.operation.isRead && config.flaw == .servesReadsLocally {
            reply(to: request, .done(store.read(request.operation.key)), &context)
            return
        }
        if request.operation.isRead && config.readMode == .readIndex {
            // Thesis §6.4 steps 1–2: remember the commit index (at least this term's no-op),
            // then confirm leadership with a fresh round of heartbeats.
            let readIndex = config.flaw == .readsBeforeOwnNoOp ? commitIndex : max(commitIndex, termStartIndex)
            pendingReads.append(PendingRead(request: request, readIndex: readIndex, round: round + 1))
            broadcastAppend(&context)
            serveReads(&context)
            return
        }
        awaitingReply.insert(RequestKey(client: request.client, sequence: request.sequence))
        appendToLog(.client(request), &context)
        broadcastAppend(&context)
        advanceCommitIndex(&context)
        if config.flaw == .appliesBeforeCommit { applyCommitted(&context) }
    }

    func reply(to request: ClientRequest, _ status: ClientReply.Status, _ context: inout Context) {
        context.output(.reply(ClientReply(client: request.client, sequence: request.sequence, status: status)))
    }

    /// Figure 2, "All servers": apply every committed entry in order.
    mutating func applyCommitted(_ context: inout Context) {
        let through = config.flaw == .appliesBeforeCommit && role == .leader ? log.lastIndex : commitIndex
        while lastApplied < through {
            lastApplied += 1
            guard let entry = log.entry(at: lastApplied) else { continue }
            context.output(.applied(index: lastApplied, entry: entry))
            guard case .client(let request) = entry.payload else { continue }
            let result = store.apply(request, deduplicating: config.flaw != .ignoresSessions)
            if role == .leader,
               awaitingReply.remove(RequestKey(client: request.client, sequence: request.sequence)) != nil {
                reply(to: request, .done(result), &context)
            }
        }
        serveReads(&context)
        takeSnapshotIfDue(&context)
    }

    /// Thesis §6.4 steps 3–4: a read is answered once a majority acknowledged a heartbeat round
    /// that began after it arrived, and the state machine has applied up to its read index.
    mutating func serveReads(_ context: inout Context) {
        guard role == .leader, !pendingReads.isEmpty else { return }
        var waiting: [PendingRead] = []
        for read in pendingReads {
            var acks = 1
            for peer in peers where ackedRound[peer] >= read.round { acks += 1 }
            if acks >= majority && lastApplied >= read.readIndex {
                reply(to: read.request, .done(store.read(read.request.operation.key)), &context)
            } else {
                waiting.append(read)
            }
        }
        pendingReads = waiting
    }

    /// Paper §7: once enough applied entries pile up, the state machine's state replaces them.
    mutating func takeSnapshotIfDue(_ context: inout Context) {
        guard config.snapshotThreshold > 0, lastApplied - log.snapshotIndex >= config.snapshotThreshold,
              let term = log.term(at: lastApplied) else { return }
        snapshot = RaftSnapshot(lastIncludedIndex: lastApplied, lastIncludedTerm: term, state: store)
        log.compact(through: lastApplied, term: term)
        persist(&context)
        context.output(.snapshotTaken(index: lastApplied))
    }
}
