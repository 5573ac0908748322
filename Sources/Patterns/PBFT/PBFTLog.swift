import Simulation

/// A replica's message log (Castro & Liskov 1999, §4.2–4.3): per sequence number, the
/// accepted pre-prepare and the prepares and commits received, and the predicates the paper
/// defines over them:
///
/// - prepared(m, v, n, i): the log holds m, a pre-prepare for m in view v with number n, and
///   2f prepares from different backups matching it (the replica's own counts);
/// - committed-local(m, v, n, i): prepared, and 2f+1 matching commits from different
///   replicas (possibly including its own).
///
/// The log also keeps, per number, the prepared certificate of the highest view in which the
/// request prepared here: the P component of a VIEW-CHANGE (§4.4).
///
/// Simplifications:
/// - A dictionary keyed by sequence number, always walked in sorted order.

public struct PBFTLog: Sendable {
    public struct Slot: Sendable {
        public var prePrepare: PrePrepare?
        public var prepares: [Vote] = []
        public var commits: [Vote] = []
        public var commitSent = false
        public var executed = false
        /// Highest-view proof that a request prepared at this number, kept across views.
        public var certificate: PreparedCertificate?
    }

    public let f: Int
    public let replicas: Int
    private var slots: [Int: Slot] = [:]

    public init(f: Int, replicas: Int) {
        self.f = f
        self.replicas = replicas
    }

    public func slot(_ seq: Int) -> Slot? { slots[seq] }
    public var sequenceNumbers: [Int] { slots.keys.sorted() }

    public mutating func update(_ seq: Int, _ body: (inout Slot) -> Void) {
        var slot = slots[seq] ?? Slot()
        body(&slot)
        slots[seq] = slot
    }

    /// Accepts a vote unless the same replica already voted the same phase, view and digest.
    public mutating func add(_ vote: Vote) {
        update(vote.seq) { slot in
            let list = vote.phase == .prepare ? slot.prepares : slot.commits
            guard !list.contains(where: { $0.replica == vote.replica && $0.view == vote.view && $0.digest == vote.digest })
            else { return }
            if vote.phase == .prepare { slot.prepares.append(vote) } else { slot.commits.append(vote) }
        }
    }

    /// The 2f prepares that make `seq` prepared in its pre-prepare's view, if there are enough.
    public func preparedProof(_ seq: Int) -> [Vote]? {
        guard let slot = slots[seq], let pp = slot.prePrepare else { return nil }
        let primary = pp.view % replicas
        var seen: [NodeID] = []
        var proof: [Vote] = []
        for vote in slot.prepares where vote.view == pp.view && vote.digest == pp.digest
            && vote.replica != primary && !seen.contains(vote.replica) {
            seen.append(vote.replica)
            proof.append(vote)
        }
        return proof.count >= 2 * f ? Array(proof.prefix(2 * f)) : nil
    }

    public func isPrepared(_ seq: Int) -> Bool { preparedProof(seq) != nil }

    public func isCommittedLocal(_ seq: Int) -> Bool {
        guard isPrepared(seq), let slot = slots[seq], let pp = slot.prePrepare else { return false }
        var seen: [NodeID] = []
        for vote in slot.commits where vote.view == pp.view && vote.digest == pp.digest && !seen.contains(vote.replica) {
            seen.append(vote.replica)
        }
        return seen.count >= 2 * f + 1
    }

    /// Discards everything at or below a stable checkpoint (§4.3 garbage collection).
    public mutating func collectGarbage(upTo seq: Int) {
        for key in slots.keys.sorted() where key <= seq { slots[key] = nil }
    }

    /// Entering `view`: pre-prepares and votes of older views no longer count (votes for this
    /// view that arrived early stay), but prepared certificates and executed marks stay.
    public mutating func resetForNewView(_ view: Int) {
        for key in slots.keys.sorted() {
            slots[key]?.prePrepare = nil
            slots[key]?.prepares.removeAll { $0.view < view }
            slots[key]?.commits.removeAll { $0.view < view }
            slots[key]?.commitSent = false
        }
    }

    public var count: Int { slots.count }
}
