import Simulation

/// A PBFT replica, normal case and checkpoints (Castro & Liskov 1999, OSDI, §4.2–4.3).
///
/// Normal case: the primary of view v gives a client request the next sequence number and
/// multicasts a signed PRE-PREPARE; a backup that accepts it multicasts PREPARE; with the
/// pre-prepare and 2f matching prepares the request is *prepared*, the replica multicasts
/// COMMIT; with 2f+1 matching commits it is *committed-local* and is executed once every lower
/// number has been, and the result goes straight back to the client.
///
/// Checkpoints: after every K-th execution a replica multicasts the digest of its state; 2f+1
/// matching CHECKPOINT messages make it *stable*, which moves the low watermark h, discards
/// the log below it, and lets a replica that fell behind fetch the state (a minimal state
/// transfer). A primary assigns numbers only in (h, h+L].
///
/// View changes are in `PBFTReplica+ViewChange.swift`, Byzantine behaviour in
/// `PBFTReplica+Byzantine.swift`.
///
/// Simplifications:
/// - One request per sequence number (no batching), no read-only or tentative execution.
/// - State transfer fetches the whole (small) state from one replica in the checkpoint proof.
/// - No crash recovery: the demo's faults are Byzantine replicas and the network.
/// - Loss recovery: a client's retransmitted request makes replicas re-send their messages
///   for unexecuted numbers, and the primary runs the request timer too (the paper leaves it
///   to backups), so that a primary stuck in a view no quorum can finish leaves it.

public struct PBFTReplica: Sendable {
    public let id: NodeID
    public let config: BFTConfig
    let signer: Signer
    public internal(set) var view = 0
    /// Between sending VIEW-CHANGE and installing the NEW-VIEW of `view`.
    public internal(set) var viewChanging = false
    var nextSeq = 0
    public internal(set) var log: PBFTLog
    public internal(set) var state: ServiceState
    public internal(set) var lastExecuted = 0
    public internal(set) var stableSeq = 0
    var stableDigest: Digest
    var stableProof: [Checkpoint] = []
    var checkpoints: [Int: [Checkpoint]] = [:]
    var snapshots: [Int: ServiceState] = [:]
    /// Requests received and not yet executed, in arrival order.
    var pending: [BFTRequest] = []
    /// Digests a primary has given a number in the current view.
    var assigned: [Digest] = []
    var viewChanges: [Int: [ViewChange]] = [:]
    var timerRunning = false
    var timeoutMultiplier: UInt64 = 1
    var lastNewView: NewView?
    var suspected: [Int] = []
    /// Pre-prepares of a view this replica has not entered yet: with reordering, the new
    /// primary's first pre-prepares can overtake its NEW-VIEW.
    var early: [PrePrepare] = []

    public var n: Int { config.replicas }
    public var f: Int { config.f }
    public var isPrimary: Bool { config.primary(of: view) == id }
    public var isFaulty: Bool { config.isFaulty(id) }

    public init(id: NodeID, config: BFTConfig) {
        self.id = id
        self.config = config
        signer = Signer(id: id, keys: config.keys)
        log = PBFTLog(f: config.f, replicas: config.replicas)
        state = ServiceState(clients: config.clients, firstClient: config.firstClient)
        stableDigest = state.digest
        snapshots[0] = state
    }

    typealias Context = NodeContext<PBFTNode>

    public mutating func receive(_ message: BFTMessage, from sender: NodeID, _ context: inout NodeContext<PBFTNode>) {
        switch message {
        case .request(let request): onRequest(request, from: sender, &context)
        case .prePrepare(let pp): onPrePrepare(pp, from: sender, &context)
        case .vote(let vote): onVote(vote, from: sender, &context)
        case .checkpoint(let checkpoint): onCheckpoint(checkpoint, from: sender, &context)
        case .viewChange(let vc): onViewChange(vc, from: sender, &context)
        case .newView(let nv): onNewView(nv, from: sender, &context)
        case .fetchState(let seq):
            if let snapshot = snapshots[seq] { emit(.state(seq: seq, snapshot), to: sender, &context) }
        case let .state(seq, snapshot): onState(seq: seq, snapshot, &context)
        case let .coalition(a, b, groupA): onCoalition(a, b, groupA: groupA, from: sender, &context)
        case .reply: break
        }
    }

    public mutating func fire(_ timer: BFTTimer, _ context: inout NodeContext<PBFTNode>) {
        if timer == .resendViewChange {
            guard viewChanging, let mine = viewChanges[view]?.first(where: { $0.replica == id }) else { return }
            multicast(.viewChange(mine), &context)
            context.setTimer(.resendViewChange, after: config.viewChangeTimeout)
            return
        }
        guard timer == .viewChange else { return }
        timerRunning = false
        timeoutMultiplier = min(timeoutMultiplier * 2, 64)
        startViewChange(to: view + 1, reason: viewChanging ? "new view \(view) did not arrive in time"
                        : "request timer expired in view \(view)", &context)
    }

    // MARK: Requests and pre-prepares

    mutating func onRequest(_ request: BFTRequest, from sender: NodeID, _ context: inout Context) {
        if let result = state.cachedReply(for: request) {
            sendReply(request, result: result, &context)
            return
        }
        guard request.timestamp > state.lastTimestamp(of: request.client), !request.isNull else { return }
        if pending.contains(request) {
            // The client is retransmitting: our own messages for it may have been lost.
            if sender >= config.firstClient && !viewChanging { retransmitUnexecuted(&context) }
        } else {
            pending.append(request)
        }
        if isPrimary {
            if !viewChanging { assignPending(&context) }
        } else if sender >= config.firstClient {
            emit(.request(request), to: config.primary(of: view), &context)
        }
        startTimerIfNeeded(&context)
    }

    /// Re-sends this replica's pre-prepares or votes of the current view for every number it
    /// has not executed yet (the paper's implementation retransmits until acknowledged).
    mutating func retransmitUnexecuted(_ context: inout Context) {
        for seq in log.sequenceNumbers where seq > lastExecuted {
            guard let slot = log.slot(seq), let pp = slot.prePrepare, pp.view == view else { continue }
            if isPrimary { multicastPrePrepare(pp, &context) }
            for vote in slot.prepares + slot.commits where vote.replica == id && vote.view == view {
                multicastVote(vote, &context)
            }
        }
    }

    /// The primary numbers every pending request it has not numbered yet, within (h, h+L].
    mutating func assignPending(_ context: inout Context) {
        for request in pending where !assigned.contains(request.digest) {
            guard nextSeq + 1 <= stableSeq + config.logWindow else { return }
            nextSeq += 1
            assigned.append(request.digest)
            var pp = PrePrepare(view: view, seq: nextSeq, digest: request.digest, request: request,
                                signature: Signature(signer: id, tag: 0))
            pp.signature = signer.sign(pp.content)
            log.update(pp.seq) { $0.prePrepare = pp }
            multicastPrePrepare(pp, &context)
        }
    }

    mutating func onPrePrepare(_ pp: PrePrepare, from sender: NodeID, _ context: inout Context) {
        if (pp.view > view || (pp.view == view && viewChanging)) && sender == config.primary(of: pp.view)
            && early.count < 4 * config.logWindow {
            early.append(pp)
            return
        }
        guard pp.view == view, !viewChanging, sender == config.primary(of: view), sender != id else { return }
        guard pp.signature.signer == sender, config.keys.verify(pp.signature, pp.content) else {
            context.output(.rejected(from: sender, reason: "pre-prepare with a bad signature"))
            return
        }
        guard pp.digest == pp.request.digest else {
            context.output(.rejected(from: sender, reason: "pre-prepare seq \(pp.seq) digest \(pp.digest) does not match its request"))
            // The request is real and waiting: time the primary on it.
            if !pp.request.isNull && pp.request.timestamp > state.lastTimestamp(of: pp.request.client)
                && !pending.contains(pp.request) {
                pending.append(pp.request)
            }
            startTimerIfNeeded(&context)
            return
        }
        guard inWindow(pp.seq) else { return }
        if let existing = log.slot(pp.seq)?.prePrepare, existing.view == view {
            if existing.digest != pp.digest {
                context.output(.rejected(from: sender, reason: "second pre-prepare for seq \(pp.seq) with another digest"))
            }
            return
        }
        log.update(pp.seq) { $0.prePrepare = pp }
        if !pp.request.isNull && pp.request.timestamp > state.lastTimestamp(of: pp.request.client)
            && !pending.contains(pp.request) {
            pending.append(pp.request)
        }
        startTimerIfNeeded(&context)
        sendVote(.prepare, seq: pp.seq, digest: pp.digest, &context)
        progress(pp.seq, &context)
    }

    // MARK: Prepares and commits

    mutating func sendVote(_ phase: Vote.Phase, seq: Int, digest: Digest, _ context: inout Context) {
        var vote = Vote(phase: phase, view: view, seq: seq, digest: digest, signature: Signature(signer: id, tag: 0))
        vote.signature = signer.sign(vote.content)
        log.add(vote)
        multicastVote(vote, &context)
    }

    mutating func onVote(_ vote: Vote, from sender: NodeID, _ context: inout Context) {
        guard vote.replica == sender, sender < n, config.keys.verify(vote.signature, vote.content) else {
            context.output(.rejected(from: sender, reason: "vote with a bad signature"))
            return
        }
        guard vote.view >= view, inWindow(vote.seq) else { return }
        if vote.phase == .prepare && sender == config.primary(of: vote.view) { return }
        log.add(vote)
        if vote.view == view && !viewChanging {
            detectEquivocation(vote.seq, &context)
            progress(vote.seq, &context)
        }
    }

    /// f+1 backups preparing another digest than the pre-prepare we hold means at least one
    /// correct backup got a different pre-prepare: the primary equivocated. We only report
    /// it; the request timer drives the view change, as in the paper.
    mutating func detectEquivocation(_ seq: Int, _ context: inout Context) {
        guard !suspected.contains(seq), let slot = log.slot(seq), let pp = slot.prePrepare else { return }
        let others = slot.prepares.filter { $0.view == view && $0.digest != pp.digest }
        var byDigest: [(Digest, [NodeID])] = []
        for vote in others {
            if let i = byDigest.firstIndex(where: { $0.0 == vote.digest }) {
                if !byDigest[i].1.contains(vote.replica) { byDigest[i].1.append(vote.replica) }
            } else {
                byDigest.append((vote.digest, [vote.replica]))
            }
        }
        if let (digest, voters) = byDigest.first(where: { $0.1.count >= f + 1 }) {
            suspected.append(seq)
            context.output(.suspectsPrimary(seq: seq, view: view, mine: pp.digest, theirs: digest, voters: voters.sorted()))
        }
    }

    /// Moves `seq` along: prepared → commit sent; then executes whatever is committed in order.
    mutating func progress(_ seq: Int, _ context: inout Context) {
        if let slot = log.slot(seq), let pp = slot.prePrepare, !slot.commitSent, let proof = log.preparedProof(seq) {
            log.update(seq) { slot in
                slot.commitSent = true
                if (slot.certificate?.prePrepare.view ?? -1) < pp.view {
                    slot.certificate = PreparedCertificate(prePrepare: pp, prepares: proof)
                }
            }
            context.output(.prepared(seq: seq, view: view, digest: pp.digest))
            sendVote(.commit, seq: seq, digest: pp.digest, &context)
        }
        executeCommitted(&context)
    }

    mutating func executeCommitted(_ context: inout Context) {
        while log.isCommittedLocal(lastExecuted + 1), let pp = log.slot(lastExecuted + 1)?.prePrepare {
            let seq = lastExecuted + 1
            context.output(.committed(seq: seq, view: view, digest: pp.digest))
            let result = state.execute(pp.request)
            lastExecuted = seq
            log.update(seq) { $0.executed = true }
            context.output(.executed(seq: seq, view: view, request: pp.request, result: result))
            if let result { sendReply(pp.request, result: result, &context) }
            pending.removeAll { $0.timestamp <= state.lastTimestamp(of: $0.client) }
            timeoutMultiplier = 1
            restartTimer(&context)
            if seq % config.checkpointInterval == 0 { takeCheckpoint(&context) }
        }
    }

    mutating func sendReply(_ request: BFTRequest, result: UInt64, _ context: inout Context) {
        emit(.reply(view: view, client: request.client, timestamp: request.timestamp, result: replyResult(result)),
             to: request.client, &context)
    }

    // MARK: Checkpoints and state transfer

    mutating func takeCheckpoint(_ context: inout Context) {
        snapshots[lastExecuted] = state
        var checkpoint = Checkpoint(seq: lastExecuted, stateDigest: state.digest, signature: Signature(signer: id, tag: 0))
        checkpoint.signature = signer.sign(checkpoint.content)
        multicastCheckpoint(checkpoint, &context)
        onCheckpoint(checkpoint, from: id, &context)
    }

    mutating func onCheckpoint(_ checkpoint: Checkpoint, from sender: NodeID, _ context: inout Context) {
        guard checkpoint.replica == sender, config.keys.verify(checkpoint.signature, checkpoint.content) else { return }
        guard checkpoint.seq > stableSeq else { return }
        var list = checkpoints[checkpoint.seq] ?? []
        guard !list.contains(where: { $0.replica == sender }) else { return }
        list.append(checkpoint)
        checkpoints[checkpoint.seq] = list
        let matching = list.filter { $0.stateDigest == checkpoint.stateDigest }
        if matching.count >= 2 * f + 1 {
            makeStable(seq: checkpoint.seq, digest: checkpoint.stateDigest, proof: Array(matching.prefix(2 * f + 1)), &context)
        }
    }

    mutating func makeStable(seq: Int, digest: Digest, proof: [Checkpoint], _ context: inout Context) {
        guard seq > stableSeq else { return }
        stableSeq = seq
        stableDigest = digest
        stableProof = proof
        log.collectGarbage(upTo: seq)
        for key in checkpoints.keys.sorted() where key <= seq { checkpoints[key] = nil }
        for key in snapshots.keys.sorted() where key < seq { snapshots[key] = nil }
        context.output(.checkpointStable(seq: seq, digest: digest))
        if lastExecuted < seq {
            // We fell behind: fetch the state from the replicas that vouched for it.
            for checkpoint in proof where checkpoint.replica != id { emit(.fetchState(seq: seq), to: checkpoint.replica, &context) }
        }
        if isPrimary && !viewChanging { nextSeq = max(nextSeq, seq); assignPending(&context) }
    }

    mutating func onState(seq: Int, _ snapshot: ServiceState, _ context: inout Context) {
        guard seq == stableSeq, lastExecuted < seq, snapshot.digest == stableDigest else { return }
        state = snapshot
        lastExecuted = seq
        snapshots[seq] = snapshot
        pending.removeAll { $0.timestamp <= state.lastTimestamp(of: $0.client) }
        context.output(.stateTransferred(seq: seq))
        restartTimer(&context)
        executeCommitted(&context)
    }

    // MARK: Helpers

    func inWindow(_ seq: Int) -> Bool { seq > stableSeq && seq <= stableSeq + config.logWindow }

    mutating func startTimerIfNeeded(_ context: inout Context) {
        guard !timerRunning, !viewChanging, !pending.isEmpty else { return }
        timerRunning = true
        context.setTimer(.viewChange, after: config.viewChangeTimeout * timeoutMultiplier)
    }

    /// After progress: the timer runs only while some request waits to execute.
    mutating func restartTimer(_ context: inout Context) {
        guard !viewChanging else { return }
        if pending.isEmpty {
            if timerRunning { context.cancelTimer(.viewChange) }
            timerRunning = false
        } else {
            timerRunning = true
            context.setTimer(.viewChange, after: config.viewChangeTimeout * timeoutMultiplier)
        }
    }

    /// Every message leaves through here, so that a silent replica can stay silent.
    func emit(_ message: BFTMessage, to node: NodeID, _ context: inout Context) {
        if isFaulty && config.behaviour == .silent && misbehaving { return }
        context.output(.sent(kind: message.kind, to: node))
        context.send(message, to: node)
    }

    func multicast(_ message: BFTMessage, _ context: inout Context) {
        for node in 0..<n where node != id { emit(message, to: node, &context) }
    }

    var misbehaving: Bool { isFaulty && config.behaviour != .none && max(lastExecuted, nextSeq) >= config.misbehaveFromSeq }
}
