import Simulation
import Testing
@testable import PBFT

/// Unit tests of PBFT's pieces: signatures, the log's predicates, the service, and the pure
/// new-view computation.

let keys = KeyRing(secret: 42)
let config1 = BFTConfig(f: 1, clients: 1, keys: keys)

func signedPrePrepare(view: Int, seq: Int, request: BFTRequest, by signerID: NodeID) -> PrePrepare {
    var pp = PrePrepare(view: view, seq: seq, digest: request.digest, request: request, signature: Signature(signer: signerID, tag: 0))
    pp.signature = Signer(id: signerID, keys: keys).sign(pp.content)
    return pp
}

func signedVote(_ phase: Vote.Phase, view: Int, seq: Int, digest: Digest, by signerID: NodeID) -> Vote {
    var vote = Vote(phase: phase, view: view, seq: seq, digest: digest, signature: Signature(signer: signerID, tag: 0))
    vote.signature = Signer(id: signerID, keys: keys).sign(vote.content)
    return vote
}

let requestA = BFTRequest(client: 4, timestamp: 1, op: 7)
let requestB = BFTRequest(client: 4, timestamp: 2, op: 8)

@Test func signaturesBindSignerAndContent() {
    let vote = signedVote(.prepare, view: 0, seq: 1, digest: requestA.digest, by: 2)
    #expect(keys.verify(vote.signature, vote.content))
    var altered = vote
    altered.digest = requestB.digest
    #expect(!keys.verify(altered.signature, altered.content), "a changed statement must not verify")
    var impersonated = vote
    impersonated.signature.signer = 3
    #expect(!keys.verify(impersonated.signature, impersonated.content), "a tag is only valid for its signer")
    #expect(!KeyRing(secret: 43).verify(vote.signature, vote.content))
}

@Test func preparedNeedsTwoFMatchingBackupPreparesAndCommittedTwoFPlusOne() {
    var log = PBFTLog(f: 1, replicas: 4)
    log.update(1) { $0.prePrepare = signedPrePrepare(view: 0, seq: 1, request: requestA, by: 0) }
    log.add(signedVote(.prepare, view: 0, seq: 1, digest: requestA.digest, by: 0))  // primary: ignored
    log.add(signedVote(.prepare, view: 0, seq: 1, digest: requestB.digest, by: 2))  // wrong digest
    log.add(signedVote(.prepare, view: 0, seq: 1, digest: requestA.digest, by: 1))
    log.add(signedVote(.prepare, view: 0, seq: 1, digest: requestA.digest, by: 1))  // duplicate
    #expect(!log.isPrepared(1))
    log.add(signedVote(.prepare, view: 0, seq: 1, digest: requestA.digest, by: 3))
    #expect(log.isPrepared(1))
    log.add(signedVote(.commit, view: 0, seq: 1, digest: requestA.digest, by: 1))
    log.add(signedVote(.commit, view: 0, seq: 1, digest: requestA.digest, by: 2))
    log.add(signedVote(.commit, view: 1, seq: 1, digest: requestA.digest, by: 3))  // other view
    #expect(!log.isCommittedLocal(1))
    log.add(signedVote(.commit, view: 0, seq: 1, digest: requestA.digest, by: 0))
    #expect(log.isCommittedLocal(1))
    log.collectGarbage(upTo: 1)
    #expect(log.slot(1) == nil)
}

@Test func serviceResultsDependOnOrderAndDuplicatesAreNotExecuted() {
    var a = ServiceState(clients: 2, firstClient: 4)
    var b = ServiceState(clients: 2, firstClient: 4)
    let other = BFTRequest(client: 5, timestamp: 1, op: 9)
    let ra = [a.execute(requestA), a.execute(other)]
    let rb = [b.execute(other), b.execute(requestA)]
    #expect(ra[1] != rb[1])
    #expect(a.digest != b.digest)
    #expect(a.execute(requestA) == nil, "a request is executed at most once")
    #expect(a.cachedReply(for: requestA) == ra[0])
    _ = a.execute(requestB)
    #expect(a.cachedReply(for: requestA) == nil, "only the client's last reply is cached")
    #expect(a.cachedReply(for: other) == ra[1])
    #expect(a.execute(.null) == nil)
}

func viewChange(from replica: NodeID, newView: Int, certificates: [PreparedCertificate]) -> ViewChange {
    var vc = ViewChange(newView: newView, stableSeq: 0, checkpointProof: [], prepared: certificates,
                        signature: Signature(signer: replica, tag: 0))
    vc.signature = Signer(id: replica, keys: keys).sign(vc.content)
    return vc
}

func certificate(view: Int, seq: Int, request: BFTRequest) -> PreparedCertificate {
    let primary = view % 4
    let backups = (0..<4).filter { $0 != primary }.prefix(2)
    return PreparedCertificate(prePrepare: signedPrePrepare(view: view, seq: seq, request: request, by: primary),
                               prepares: backups.map { signedVote(.prepare, view: view, seq: seq, digest: request.digest, by: $0) })
}

@Test func newViewReissuesHighestViewCertificateAndFillsGapsWithNull() {
    let vcs = [
        viewChange(from: 1, newView: 2, certificates: [certificate(view: 0, seq: 1, request: requestA),
                                                      certificate(view: 0, seq: 3, request: requestA)]),
        viewChange(from: 2, newView: 2, certificates: [certificate(view: 1, seq: 3, request: requestB)]),
        viewChange(from: 3, newView: 2, certificates: []),
    ]
    #expect(vcs.allSatisfy { NewViewBuilder.isValid($0, config: config1) })
    let plan = NewViewBuilder.plan(for: vcs)
    #expect(plan.minS == 0 && plan.maxS == 3)
    #expect(plan.requests.map(\.seq) == [1, 2, 3])
    #expect(plan.requests.map(\.request) == [requestA, .null, requestB])
}

@Test func forgedCertificatesAndNewViewsAreRejected() {
    var cert = certificate(view: 0, seq: 1, request: requestA)
    cert.prepares.removeLast()
    #expect(!NewViewBuilder.isValid(viewChange(from: 1, newView: 1, certificates: [cert]), config: config1))
    var wrongPrimary = certificate(view: 0, seq: 1, request: requestA)
    wrongPrimary.prePrepare = signedPrePrepare(view: 0, seq: 1, request: requestA, by: 1)
    #expect(!NewViewBuilder.isValid(viewChange(from: 2, newView: 1, certificates: [wrongPrimary]), config: config1))

    let vcs = (1...3).map { viewChange(from: $0, newView: 1, certificates: $0 == 1 ? [certificate(view: 0, seq: 1, request: requestA)] : []) }
    func newView(_ requests: [BFTRequest]) -> NewView {
        let pps = requests.enumerated().map { signedPrePrepare(view: 1, seq: $0.offset + 1, request: $0.element, by: 1) }
        var nv = NewView(view: 1, viewChanges: vcs, prePrepares: pps, signature: Signature(signer: 1, tag: 0))
        nv.signature = Signer(id: 1, keys: keys).sign(nv.content)
        return nv
    }
    #expect(NewViewBuilder.isValid(newView([requestA]), config: config1))
    #expect(!NewViewBuilder.isValid(newView([requestB]), config: config1), "O must follow from V")
    #expect(!NewViewBuilder.isValid(newView([]), config: config1), "a prepared request cannot be dropped")
}
