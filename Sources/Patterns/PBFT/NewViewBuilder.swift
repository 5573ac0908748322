import Simulation

/// The pure part of PBFT's view change (Castro & Liskov 1999, OSDI, §4.4): checking that a
/// VIEW-CHANGE message is well formed, and computing the pre-prepares O that the NEW-VIEW must
/// carry from a set V of 2f+1 view-change messages. The new primary and every backup run the
/// same computation, so a backup can verify O instead of trusting the primary.
///
/// From the paper: min-s is the sequence number of the latest stable checkpoint in V and max-s
/// the highest sequence number in a prepare message in V. For every n in (min-s, max-s], the
/// new primary re-issues the request of the prepared certificate with the highest view for n
/// in V, or the null request when no certificate for n exists.
///
/// Simplifications:
/// - A certificate carries its request body, so no backup has to fetch a missing request.

public enum NewViewBuilder {
    /// min-s, max-s and the (seq, request) pairs O must contain, in sequence order.
    public static func plan(for viewChanges: [ViewChange]) -> (minS: Int, maxS: Int, requests: [(seq: Int, request: BFTRequest)]) {
        let minS = viewChanges.map(\.stableSeq).max() ?? 0
        let certificates = viewChanges.flatMap(\.prepared)
        let maxS = max(minS, certificates.map(\.prePrepare.seq).max() ?? minS)
        var requests: [(Int, BFTRequest)] = []
        if maxS > minS {
            for seq in (minS + 1)...maxS {
                let best = certificates.filter { $0.prePrepare.seq == seq }.max { $0.prePrepare.view < $1.prePrepare.view }
                requests.append((seq, best?.prePrepare.request ?? .null))
            }
        }
        return (minS, maxS, requests)
    }

    /// Whether `vc` is a valid VIEW-CHANGE for a cluster with `config`: signed by its sender,
    /// with a valid checkpoint proof and valid prepared certificates above it.
    public static func isValid(_ vc: ViewChange, config: BFTConfig) -> Bool {
        let keys = config.keys
        let f = config.f
        guard keys.verify(vc.signature, vc.content) else { return false }
        if vc.stableSeq > 0 {
            let proof = vc.checkpointProof.filter {
                $0.seq == vc.stableSeq && keys.verify($0.signature, $0.content)
            }
            guard let digest = proof.first?.stateDigest else { return false }
            let signers = Set(proof.filter { $0.stateDigest == digest }.map(\.replica))
            guard signers.count >= 2 * f + 1 else { return false }
        }
        for cert in vc.prepared {
            guard isValid(cert, config: config, below: vc.newView),
                  cert.prePrepare.seq > vc.stableSeq, cert.prePrepare.seq <= vc.stableSeq + config.logWindow
            else { return false }
        }
        return true
    }

    /// A pre-prepare signed by its view's primary and 2f matching prepares from distinct backups.
    public static func isValid(_ cert: PreparedCertificate, config: BFTConfig, below view: Int) -> Bool {
        let pp = cert.prePrepare
        let primary = config.primary(of: pp.view)
        guard pp.view < view, pp.signature.signer == primary, config.keys.verify(pp.signature, pp.content),
              pp.digest == pp.request.digest else { return false }
        var signers: [NodeID] = []
        for vote in cert.prepares where vote.phase == .prepare && vote.view == pp.view && vote.seq == pp.seq
            && vote.digest == pp.digest && vote.replica != primary && config.keys.verify(vote.signature, vote.content)
            && !signers.contains(vote.replica) {
            signers.append(vote.replica)
        }
        return signers.count >= 2 * config.f
    }

    /// Whether `nv` is a NEW-VIEW a backup may accept: signed by the view's primary, carrying
    /// 2f+1 valid view changes for that view from distinct replicas, and exactly the O they imply.
    public static func isValid(_ nv: NewView, config: BFTConfig) -> Bool {
        let primary = config.primary(of: nv.view)
        guard nv.signature.signer == primary, config.keys.verify(nv.signature, nv.content) else { return false }
        var senders: [NodeID] = []
        for vc in nv.viewChanges where vc.newView == nv.view && isValid(vc, config: config) {
            if !senders.contains(vc.replica) { senders.append(vc.replica) }
        }
        guard senders.count >= 2 * config.f + 1, senders.count == nv.viewChanges.count else { return false }
        let expected = plan(for: nv.viewChanges).requests
        guard expected.count == nv.prePrepares.count else { return false }
        for (want, pp) in zip(expected, nv.prePrepares) {
            guard pp.view == nv.view, pp.seq == want.seq, pp.request == want.request, pp.digest == want.request.digest,
                  pp.signature.signer == primary, config.keys.verify(pp.signature, pp.content) else { return false }
        }
        return true
    }
}
