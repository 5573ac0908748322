import Simulation

/// The wire messages, commands, timers, outputs and configuration of the PBFT demo
/// (Castro & Liskov 1999, OSDI, §4), and the Byzantine behaviours it can inject.
///
/// Simplifications:
/// - A reply's sender is its channel identity (a MAC in the paper, §5), so it carries no
///   signature; protocol statements that are relayed carry signatures (see `PBFTTypes`).
/// - `coalition` exists only between Byzantine replicas, which may coordinate freely.

public enum ByzantineBehaviour: String, CaseIterable, Sendable {
    /// A faulty primary gives the same sequence number to different requests for different
    /// backups; faulty backups vote for both.
    case equivocate
    /// Faulty replicas sign wrong digests in prepares, commits and checkpoints, hide their
    /// prepared certificates in view changes, and reply with wrong results.
    case lie
    /// Faulty replicas send nothing at all.
    case silent
    case none
}

public struct BFTConfig: Sendable {
    public var f: Int
    public var clients: Int
    public var checkpointInterval: Int
    /// L: how far past the low watermark a primary may assign numbers (§4.3).
    public var logWindow: Int
    public var viewChangeTimeout: SimDuration
    public var keys: KeyRing
    public var faulty: [NodeID]
    public var behaviour: ByzantineBehaviour
    /// Faulty replicas act correctly until the log reaches this sequence number.
    public var misbehaveFromSeq: Int
    /// In `equivocate`, the odds that the faulty primary also commits both variants of an
    /// equivocation (the attack that breaks safety once more than f replicas collude).
    public var commitBothWaysPerMille: UInt32

    public var replicas: Int { 3 * f + 1 }
    public var firstClient: NodeID { replicas }
    public func primary(of view: Int) -> NodeID { view % replicas }
    public func isFaulty(_ node: NodeID) -> Bool { faulty.contains(node) }

    public init(f: Int, clients: Int, checkpointInterval: Int = 4, logWindow: Int = 8,
                viewChangeTimeout: SimDuration = .milliseconds(60), keys: KeyRing = KeyRing(secret: 1),
                faulty: [NodeID] = [], behaviour: ByzantineBehaviour = .none, misbehaveFromSeq: Int = 0,
                commitBothWaysPerMille: UInt32 = 0) {
        self.f = f
        self.clients = clients
        self.checkpointInterval = checkpointInterval
        self.logWindow = logWindow
        self.viewChangeTimeout = viewChangeTimeout
        self.keys = keys
        self.faulty = faulty
        self.behaviour = behaviour
        self.misbehaveFromSeq = misbehaveFromSeq
        self.commitBothWaysPerMille = commitBothWaysPerMille
    }
}

public enum BFTMessage: Sendable {
    case request(BFTRequest)
    case prePrepare(PrePrepare)
    case vote(Vote)
    case reply(view: Int, client: NodeID, timestamp: UInt64, result: UInt64)
    case checkpoint(Checkpoint)
    case viewChange(ViewChange)
    case newView(NewView)
    case fetchState(seq: Int)
    case state(seq: Int, ServiceState)
    /// Between Byzantine replicas: the two variants an equivocating primary sent.
    case coalition(PrePrepare, PrePrepare, groupA: [NodeID])

    /// The name used for message counts.
    public var kind: String {
        switch self {
        case .request: "request"
        case .prePrepare: "pre-prepare"
        case .vote(let v): v.phase == .prepare ? "prepare" : "commit"
        case .reply: "reply"
        case .checkpoint: "checkpoint"
        case .viewChange: "view-change"
        case .newView: "new-view"
        case .fetchState, .state: "state-transfer"
        case .coalition: "coalition"
        }
    }
}

public enum BFTCommand: Sendable {
    /// For a client: issue `requests` requests, one at a time, `think` apart.
    case startClient(requests: Int, think: SimDuration, retry: SimDuration)
}

public enum BFTTimer: Hashable, Sendable {
    /// A backup waiting for a request to execute (§4.4); also the new-view wait.
    case viewChange
    /// While a view change is pending, re-multicast our VIEW-CHANGE (messages get lost).
    case resendViewChange
    case clientRetry
    case clientNext
}

public enum BFTOutput: Sendable {
    case sent(kind: String, to: NodeID)
    case executed(seq: Int, view: Int, request: BFTRequest, result: UInt64?)
    case prepared(seq: Int, view: Int, digest: Digest)
    case committed(seq: Int, view: Int, digest: Digest)
    case accepted(request: BFTRequest, result: UInt64, replies: [NodeID], latency: SimDuration)
    case retransmit(request: BFTRequest)
    case viewChangeSent(newView: Int, stableSeq: Int, certificates: Int, reason: String)
    case newViewInstalled(view: Int, minS: Int, maxS: Int, reissued: Int, nulls: Int, primary: Bool)
    case checkpointStable(seq: Int, digest: Digest)
    case stateTransferred(seq: Int)
    case rejected(from: NodeID, reason: String)
    case suspectsPrimary(seq: Int, view: Int, mine: Digest, theirs: Digest, voters: [NodeID])
    case misbehaved(String)
}

/// A node's disk: the configuration, as a config file (crashes are not modelled, so nothing else).
public struct BFTDurable: Sendable {
    public var config: BFTConfig

    public init(config: BFTConfig) {
        self.config = config
    }
}
