import Simulation

/// The values PBFT agrees on and the signed statements replicas exchange (Castro & Liskov
/// 1999, OSDI, §4: REQUEST, PRE-PREPARE, PREPARE, COMMIT, CHECKPOINT).
///
/// Authentication is modelled as in the paper's signature version (§4; the MAC optimisation
/// is §5 and the later TOCS paper): every protocol statement carries a tag computed with its
/// signer's key. A Byzantine replica may sign anything *with its own key*, but it holds no
/// other key, so it cannot make a statement that verifies as another replica's. Statements are
/// relayed inside certificates (prepared certificates, checkpoint proofs, view-change sets),
/// which is why direct channel identity alone would not be enough.
///
/// Simplifications:
/// - Keys are derived from a per-run secret; the verifier recomputes tags (a MAC with a
///   trusted verifier standing in for public-key signatures). Only a node's own `Signer`
///   is ever handed to its code.
/// - Digests are 64-bit mixes, not SHA-256: collision resistance against accidents only.
/// - Client requests are authenticated by their channel (clients are correct in this demo).

/// A client operation: append `op` to the replicated log.
public struct BFTRequest: Equatable, Hashable, Sendable {
    public var client: NodeID
    public var timestamp: UInt64
    public var op: UInt64

    public init(client: NodeID, timestamp: UInt64, op: UInt64) {
        self.client = client
        self.timestamp = timestamp
        self.op = op
    }

    /// The null request a new primary uses to fill a gap in the sequence (§4.4).
    public static let null = BFTRequest(client: -1, timestamp: 0, op: 0)
    public var isNull: Bool { client < 0 }

    public var digest: Digest { isNull ? Digest(0) : Digest(hashing: [UInt64(client), timestamp, op, 0x5245_5155]) }
}

/// A 64-bit message digest.
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public init(hashing words: [UInt64]) {
        var h: UInt64 = 0x6A09_E667_F3BC_C908
        for w in words { h = bftMix(h ^ w) }
        value = h
    }
    public static func < (a: Digest, b: Digest) -> Bool { a.value < b.value }
    /// Four hex digits are enough to tell digests apart on the timeline.
    public var description: String {
        guard value != 0 else { return "null" }
        let hex = String(value >> 48, radix: 16)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }
}

@inline(__always)
func bftMix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A signature: who signed, and a tag binding the signer's key to the content.
public struct Signature: Equatable, Hashable, Sendable {
    public var signer: NodeID
    public var tag: UInt64
}

/// The only way a node signs: with its own key.
public struct Signer: Sendable {
    public let id: NodeID
    private let key: UInt64
    init(id: NodeID, keys: KeyRing) {
        self.id = id
        key = keys.key(of: id)
    }
    public func sign(_ content: Digest) -> Signature {
        Signature(signer: id, tag: bftMix(key ^ content.value))
    }
}

/// Verifies signatures: plays the part of the public-key directory.
public struct KeyRing: Equatable, Sendable {
    public let secret: UInt64
    public init(secret: UInt64) { self.secret = secret }
    fileprivate func key(of node: NodeID) -> UInt64 { bftMix(secret ^ (UInt64(truncatingIfNeeded: node) &* 0xD6E8_FEB8_6659_FD93)) }
    public func verify(_ signature: Signature, _ content: Digest) -> Bool {
        signature.tag == bftMix(key(of: signature.signer) ^ content.value)
    }
}

/// ⟨PRE-PREPARE, v, n, d⟩σp with the request piggybacked (§4.2).
public struct PrePrepare: Equatable, Sendable {
    public var view: Int
    public var seq: Int
    public var digest: Digest
    public var request: BFTRequest
    public var signature: Signature
    public var content: Digest { Digest(hashing: [1, UInt64(view), UInt64(seq), digest.value]) }
}

/// ⟨PREPARE, v, n, d, i⟩σi or ⟨COMMIT, v, n, d, i⟩σi.
public struct Vote: Equatable, Sendable {
    public enum Phase: UInt64, Sendable { case prepare = 2, commit = 3 }
    public var phase: Phase
    public var view: Int
    public var seq: Int
    public var digest: Digest
    public var signature: Signature
    public var replica: NodeID { signature.signer }
    public var content: Digest { Digest(hashing: [phase.rawValue, UInt64(view), UInt64(seq), digest.value]) }
}

/// ⟨CHECKPOINT, n, d, i⟩σi: the digest of the service state after executing `seq`.
public struct Checkpoint: Equatable, Sendable {
    public var seq: Int
    public var stateDigest: Digest
    public var signature: Signature
    public var replica: NodeID { signature.signer }
    public var content: Digest { Digest(hashing: [4, UInt64(seq), stateDigest.value]) }
}

/// A pre-prepare and 2f matching prepares from distinct backups: proof that a request was
/// prepared at (view, seq) (§4.2, the P component of a view change).
public struct PreparedCertificate: Equatable, Sendable {
    public var prePrepare: PrePrepare
    public var prepares: [Vote]
}

/// ⟨VIEW-CHANGE, v+1, n, C, P, i⟩σi (§4.4).
public struct ViewChange: Equatable, Sendable {
    public var newView: Int
    public var stableSeq: Int
    public var checkpointProof: [Checkpoint]
    public var prepared: [PreparedCertificate]
    public var signature: Signature
    public var replica: NodeID { signature.signer }
    public var content: Digest {
        var words: [UInt64] = [5, UInt64(newView), UInt64(stableSeq)]
        words += checkpointProof.map { $0.content.value ^ UInt64(truncatingIfNeeded: $0.replica) }
        for cert in prepared {
            words += [cert.prePrepare.content.value] + cert.prepares.map { $0.content.value ^ UInt64(truncatingIfNeeded: $0.replica) }
        }
        return Digest(hashing: words)
    }
}

/// ⟨NEW-VIEW, v+1, V, O⟩σp (§4.4).
public struct NewView: Equatable, Sendable {
    public var view: Int
    public var viewChanges: [ViewChange]
    public var prePrepares: [PrePrepare]
    public var signature: Signature
    public var content: Digest {
        Digest(hashing: [6, UInt64(view)] + viewChanges.map(\.content.value) + prePrepares.map(\.content.value))
    }
}
