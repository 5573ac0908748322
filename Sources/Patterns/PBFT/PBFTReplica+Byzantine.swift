import Simulation

/// What a faulty replica does differently (Castro & Liskov 1999 assume an adversary that
/// controls up to f replicas, coordinates them, and delays messages, but cannot break
/// cryptography, §2). Every faulty replica still runs the correct code underneath; these
/// hooks change only what it sends, always signed with its own key.
///
/// - equivocate: as primary, the same sequence number goes to one request for one half of
///   the correct backups and to another request (or the null request) for the other half; the
///   coalition's backups prepare and commit each variant towards the half that holds it. With
///   odds `commitBothWaysPerMille` the primary commits both variants too: harmless with at
///   most f faulty (quorum intersection: at most one half can complete), fatal with f+1.
/// - lie: wrong digests in prepares, commits and checkpoints, prepared certificates withheld
///   from view changes, wrong results in replies.
/// - silent: nothing leaves the replica (see `emit`).
///
/// Simplifications:
/// - The coalition splits the correct backups by id: the lower half gets variant A.

extension PBFTReplica {
    /// The correct backups of the current view, split in two halves.
    func coalitionSplit() -> (a: [NodeID], b: [NodeID]) {
        let correct = (0..<n).filter { !config.isFaulty($0) && $0 != config.primary(of: view) }
        let half = (correct.count + 1) / 2
        return (Array(correct.prefix(half)), Array(correct.dropFirst(half)))
    }

    mutating func multicastPrePrepare(_ pp: PrePrepare, _ context: inout Context) {
        guard misbehaving else { return multicast(.prePrepare(pp), &context) }
        switch config.behaviour {
        case .equivocate:
            let other = pending.first { $0.digest != pp.digest && !assigned.contains($0.digest) } ?? .null
            var variant = PrePrepare(view: pp.view, seq: pp.seq, digest: other.digest, request: other,
                                     signature: Signature(signer: id, tag: 0))
            variant.signature = signer.sign(variant.content)
            let (a, b) = coalitionSplit()
            for node in a { emit(.prePrepare(pp), to: node, &context) }
            for node in b { emit(.prePrepare(variant), to: node, &context) }
            for node in config.faulty where node != id { emit(.coalition(pp, variant, groupA: a), to: node, &context) }
            let commitBoth = context.rng.chance(perMille: config.commitBothWaysPerMille)
            context.output(.misbehaved("equivocates on seq \(pp.seq): \(label(pp.request)) to "
                                       + names(a) + ", \(label(other)) to " + names(b)
                                       + (commitBoth ? "; commits both" : "; withholds its commit")))
            if commitBoth { coalitionVotes(pp, variant, groupA: a, primaryCommits: true, &context) }
        case .lie:
            var forged = pp
            forged.digest = Digest(pp.digest.value ^ 0xBAD0_0000_0000_0BAD)
            forged.signature = signer.sign(forged.content)
            context.output(.misbehaved("pre-prepares seq \(pp.seq) with a digest that is not its request's"))
            multicast(.prePrepare(forged), &context)
        case .silent, .none:
            multicast(.prePrepare(pp), &context)
        }
    }

    /// A coalition backup votes for each variant towards the half that holds it.
    mutating func onCoalition(_ a: PrePrepare, _ b: PrePrepare, groupA: [NodeID], from sender: NodeID,
                              _ context: inout Context) {
        guard config.isFaulty(sender), isFaulty, config.behaviour == .equivocate else { return }
        coalitionVotes(a, b, groupA: groupA, primaryCommits: false, &context)
    }

    mutating func coalitionVotes(_ a: PrePrepare, _ b: PrePrepare, groupA: [NodeID], primaryCommits: Bool,
                                 _ context: inout Context) {
        // The primary's prepares do not count (§4.2), so it only ever adds commits.
        let fromPrimary = id == config.primary(of: a.view)
        if fromPrimary && !primaryCommits { return }
        let phases: [Vote.Phase] = fromPrimary ? [.commit] : [.prepare, .commit]
        for node in 0..<n where node != id && !config.isFaulty(node) {
            let pp = groupA.contains(node) ? a : b
            for phase in phases {
                var vote = Vote(phase: phase, view: a.view, seq: a.seq, digest: pp.digest, signature: Signature(signer: id, tag: 0))
                vote.signature = signer.sign(vote.content)
                emit(.vote(vote), to: node, &context)
            }
        }
    }

    mutating func multicastVote(_ vote: Vote, _ context: inout Context) {
        guard misbehaving else { return multicast(.vote(vote), &context) }
        switch config.behaviour {
        case .lie:
            var forged = vote
            forged.digest = Digest(vote.digest.value ^ 0x0000_BAD0_0BAD_0000)
            forged.signature = signer.sign(forged.content)
            multicast(.vote(forged), &context)
        case .equivocate:
            // A coalition backup that was not told of an equivocation votes correctly; the
            // primary of an equivocating view keeps its own commit unless committing both ways.
            if isPrimary { return }
            multicast(.vote(vote), &context)
        case .silent, .none:
            multicast(.vote(vote), &context)
        }
    }

    func multicastCheckpoint(_ checkpoint: Checkpoint, _ context: inout Context) {
        guard misbehaving, config.behaviour == .lie else { return multicast(.checkpoint(checkpoint), &context) }
        var forged = checkpoint
        forged.stateDigest = Digest(checkpoint.stateDigest.value ^ 0xBAD)
        forged.signature = signer.sign(forged.content)
        multicast(.checkpoint(forged), &context)
    }

    /// A lying replica hides its prepared certificates, hoping the new view forgets a request.
    func tamperViewChange(_ vc: ViewChange) -> ViewChange {
        guard misbehaving, config.behaviour == .lie else { return vc }
        var hidden = vc
        hidden.prepared = []
        return hidden
    }

    /// A lying replica's reply result, wrong on purpose.
    func replyResult(_ result: UInt64) -> UInt64 {
        misbehaving && config.behaviour == .lie ? result ^ 0xBAD : result
    }

    func label(_ request: BFTRequest) -> String { request.isNull ? "null" : "c\(request.client)#\(request.timestamp)" }
    func names(_ nodes: [NodeID]) -> String { "{" + nodes.map { "n\($0)" }.joined(separator: ",") + "}" }
}
