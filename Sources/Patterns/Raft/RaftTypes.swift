/// The vocabulary of Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus
/// Algorithm", USENIX ATC 2014, Figure 2) and of the replicated key-value store it runs:
/// terms, log entries, client requests with session ids (Ongaro's thesis §6.3), results, and
/// what a node reports outward.
///
/// Simplifications:
/// - Keys are small integers, printed as `k0`, `k1`, …; values are integers.
/// - Client replies leave a node as outputs; the demo's harness carries them back to clients
///   with a network delay of its own (clients are outside the simulated cluster).
/// - Cluster membership is fixed (no joint consensus, paper §6).

import Simulation


/// A Raft term. Zero means "before any election".
public typealias Term = UInt64

/// A client's operation on the key-value store.
public enum KVOperation: Equatable, Hashable, Sendable, CustomStringConvertible {
    case read(key: Int)
    case write(key: Int, value: Int)
    /// Compare-and-set: write `new` when the current value equals `expected`.
    case cas(key: Int, expected: Int, new: Int)

    public var key: Int {
        switch self {
        case .read(let key), .write(let key, _), .cas(let key, _, _): key
        }
    }

    public var isRead: Bool {
        if case .read = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .read(let key): "read k\(key)"
        case .write(let key, let value): "write k\(key)=\(value)"
        case .cas(let key, let expected, let new): "cas k\(key) \(expected)→\(new)"
        }
    }
}

/// A command from a client session: `(client, sequence)` names it uniquely, so a retried
/// request that was already applied is answered from the session table, not applied again.
public struct ClientRequest: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var client: Int
    public var sequence: Int
    public var operation: KVOperation

    public init(client: Int, sequence: Int, operation: KVOperation) {
        self.client = client
        self.sequence = sequence
        self.operation = operation
    }

    public var description: String { "c\(client)#\(sequence) \(operation)" }
}

/// What the state machine answered.
public enum KVResult: Equatable, Hashable, Sendable, CustomStringConvertible {
    case value(Int?)
    case written
    case casApplied
    case casRejected(current: Int?)

    public var description: String {
        switch self {
        case .value(let value): value.map(String.init) ?? "nil"
        case .written, .casApplied: "ok"
        case .casRejected(let current): "rejected (is \(current.map(String.init) ?? "nil"))"
        }
    }
}

/// A node's answer to a client.
public struct ClientReply: Equatable, Sendable {
    public enum Status: Equatable, Sendable {
        case done(KVResult)
        /// Not the leader (or no longer): the request was not accepted; try `hint`.
        case notLeader(hint: NodeID?)
    }

    public var client: Int
    public var sequence: Int
    public var status: Status

    public init(client: Int, sequence: Int, status: Status) {
        self.client = client
        self.sequence = sequence
        self.status = status
    }
}

/// What an entry carries: a client command, or the no-op a new leader appends so that it can
/// commit entries of earlier terms and serve reads (paper §5.4.2 and §8).
public enum LogPayload: Equatable, Hashable, Sendable {
    case noop
    case client(ClientRequest)
}

public struct LogEntry: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var term: Term
    public var payload: LogPayload

    public init(term: Term, payload: LogPayload) {
        self.term = term
        self.payload = payload
    }

    public var description: String {
        switch payload {
        case .noop: "t\(term) no-op"
        case .client(let request): "t\(term) \(request)"
        }
    }
}

public enum RaftRole: String, Sendable {
    case follower, preCandidate = "pre-candidate", candidate, leader
}

/// Why a leader gave up leadership.
public enum StepDownReason: String, Sendable {
    case higherTerm = "saw a higher term"
    case lostQuorum = "heard from no majority within an election timeout (check quorum)"
}

/// What a node reports: client replies, and facts the timeline prints and the safety checker
/// verifies (every log change, commit and application is reported).
public enum RaftOutput: Equatable, Sendable {
    case reply(ClientReply)
    case preVoteStarted(term: Term)
    case electionStarted(term: Term)
    case becameLeader(term: Term)
    case steppedDown(term: Term, reason: StepDownReason)
    /// The log's entries from `from` on were replaced or added.
    case logChanged(from: Int)
    /// The commit index rose to `index`.
    case committed(index: Int)
    case applied(index: Int, entry: LogEntry)
    case snapshotTaken(index: Int)
    case snapshotInstalled(index: Int, term: Term)
}

/// The requests a node accepts from outside the cluster.
public enum RaftCommand: Equatable, Sendable {
    case client(ClientRequest)
}
