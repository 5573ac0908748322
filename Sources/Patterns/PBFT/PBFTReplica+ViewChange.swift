import Simulation

/// The view-change protocol of PBFT (Castro & Liskov 1999, OSDI, §4.4–4.5.2).
///
/// A backup whose request timer expires moves to view v+1 and multicasts VIEW-CHANGE with its
/// stable checkpoint and proof (C) and a prepared certificate for every request that prepared
/// here above it (P). The primary of v+1 collects 2f+1 valid ones (V), computes the
/// pre-prepares O (`NewViewBuilder`), and multicasts NEW-VIEW; backups check V and recompute O
/// before adopting it, then prepare every pre-prepare in O as in the normal case (requests
/// already executed are not executed again).
///
/// Liveness rules of §4.5.2: the new-view timer starts only once 2f+1 view changes for the
/// view are in, and doubles with each consecutive view change; a replica that sees f+1 view
/// changes for higher views joins the smallest of them even if its own timer has not fired.
///
/// Simplifications:
/// - A replica re-multicasts its VIEW-CHANGE every timeout period until the new view is
///   installed; a replica that receives a VIEW-CHANGE for a view whose NEW-VIEW it sent (the
///   view it leads, or one it has since moved past) re-sends that NEW-VIEW to the sender (the
///   paper's retransmission is more general).

extension PBFTReplica {
    mutating func startViewChange(to newView: Int, reason: String, _ context: inout Context) {
        guard newView > view else { return }
        view = newView
        viewChanging = true
        timerRunning = false
        context.cancelTimer(.viewChange)
        let certificates = log.sequenceNumbers.compactMap { seq -> PreparedCertificate? in
            guard seq > stableSeq, let cert = log.slot(seq)?.certificate else { return nil }
            return cert
        }
        var vc = ViewChange(newView: newView, stableSeq: stableSeq, checkpointProof: stableProof,
                            prepared: certificates, signature: Signature(signer: id, tag: 0))
        vc = tamperViewChange(vc)
        vc.signature = signer.sign(vc.content)
        context.output(.viewChangeSent(newView: newView, stableSeq: stableSeq, certificates: vc.prepared.count, reason: reason))
        multicast(.viewChange(vc), &context)
        context.setTimer(.resendViewChange, after: config.viewChangeTimeout)
        record(vc, &context)
        for seq in viewChanges.keys.sorted() where seq < newView { viewChanges[seq] = nil }
    }

    mutating func onViewChange(_ vc: ViewChange, from sender: NodeID, _ context: inout Context) {
        guard vc.replica == sender, sender < n, NewViewBuilder.isValid(vc, config: config) else {
            context.output(.rejected(from: sender, reason: "invalid view-change"))
            return
        }
        if vc.newView < view || (vc.newView == view && !viewChanging) {
            // The sender still waits for a view this replica has installed or moved past. If
            // this replica was that view's primary, the NEW-VIEW it sent was lost on the way:
            // send it again, or the sender waits forever (its new-view timer needs 2f+1 view
            // changes, and the replicas that moved on no longer send theirs for that view).
            if let nv = lastNewView, nv.view == vc.newView { emit(.newView(nv), to: sender, &context) }
            return
        }
        record(vc, &context)
        // f+1 replicas want a higher view: at least one is correct, so join the smallest.
        let higher = viewChanges.keys.sorted().filter { $0 > view }
        var senders: [NodeID] = []
        for v in higher { for other in viewChanges[v] ?? [] where !senders.contains(other.replica) { senders.append(other.replica) } }
        if senders.count >= f + 1, let smallest = higher.first {
            startViewChange(to: smallest, reason: "f+1 replicas asked for view \(smallest)", &context)
        }
    }

    /// Stores a view change; starts the new-view timer at 2f+1, and lets the new primary act.
    mutating func record(_ vc: ViewChange, _ context: inout Context) {
        var list = viewChanges[vc.newView] ?? []
        list.removeAll { $0.replica == vc.replica }
        list.append(vc)
        viewChanges[vc.newView] = list
        guard viewChanging, vc.newView == view, list.count >= 2 * f + 1 else { return }
        if !timerRunning {
            timerRunning = true
            context.setTimer(.viewChange, after: config.viewChangeTimeout * timeoutMultiplier * 2)
        }
        if isPrimary { sendNewView(&context) }
    }

    mutating func sendNewView(_ context: inout Context) {
        let mine = (viewChanges[view] ?? []).filter { $0.replica == id }
        let others = (viewChanges[view] ?? []).filter { $0.replica != id }.sorted { $0.replica < $1.replica }
        let chosen = Array((mine + others).prefix(2 * f + 1))
        guard chosen.count == 2 * f + 1 else { return }
        let plan = NewViewBuilder.plan(for: chosen)
        let prePrepares = plan.requests.map { seq, request -> PrePrepare in
            var pp = PrePrepare(view: view, seq: seq, digest: request.digest, request: request,
                                signature: Signature(signer: id, tag: 0))
            pp.signature = signer.sign(pp.content)
            return pp
        }
        var nv = NewView(view: view, viewChanges: chosen, prePrepares: prePrepares, signature: Signature(signer: id, tag: 0))
        nv.signature = signer.sign(nv.content)
        lastNewView = nv
        multicast(.newView(nv), &context)
        install(nv, &context)
    }

    mutating func onNewView(_ nv: NewView, from sender: NodeID, _ context: inout Context) {
        guard nv.view >= view, !(nv.view == view && !viewChanging), sender == config.primary(of: nv.view) else { return }
        guard NewViewBuilder.isValid(nv, config: config) else {
            context.output(.rejected(from: sender, reason: "new-view for view \(nv.view) whose O does not follow from V"))
            return
        }
        install(nv, &context)
    }

    /// Adopts a verified NEW-VIEW: the stable checkpoint it implies, then its pre-prepares.
    mutating func install(_ nv: NewView, _ context: inout Context) {
        let plan = NewViewBuilder.plan(for: nv.viewChanges)
        view = nv.view
        viewChanging = false
        timerRunning = false
        context.cancelTimer(.viewChange)
        context.cancelTimer(.resendViewChange)
        log.resetForNewView(view)
        assigned = []
        if plan.minS > stableSeq, let vc = nv.viewChanges.first(where: { $0.stableSeq == plan.minS }) {
            let proof = vc.checkpointProof
            makeStable(seq: plan.minS, digest: proof.first?.stateDigest ?? stableDigest, proof: proof, &context)
        }
        for pp in nv.prePrepares where inWindow(pp.seq) {
            log.update(pp.seq) { $0.prePrepare = pp }
            assigned.append(pp.digest)
            if !isPrimary { sendVote(.prepare, seq: pp.seq, digest: pp.digest, &context) }
        }
        nextSeq = max(plan.maxS, stableSeq)
        let nulls = plan.requests.filter { $0.request.isNull }.count
        context.output(.newViewInstalled(view: view, minS: plan.minS, maxS: plan.maxS,
                                         reissued: plan.requests.count - nulls, nulls: nulls, primary: isPrimary))
        for seq in log.sequenceNumbers { progress(seq, &context) }
        let held = early.filter { $0.view == view }
        early.removeAll { $0.view <= view }
        for pp in held { onPrePrepare(pp, from: config.primary(of: view), &context) }
        if isPrimary { assignPending(&context) }
        restartTimer(&context)
    }
}
