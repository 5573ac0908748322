/// The replicated state machine: a key-value store with read, write and compare-and-set, and a
/// session table that makes every client command apply exactly once (Ongaro's thesis §6.3,
/// "Implementing linearizable semantics"). The whole value is the snapshot (paper §7).
///
/// Simplifications:
/// - A client has at most one command outstanding (as in Jepsen and the 6.824 labs), so the
///   session keeps only the last sequence number and its result; sessions never expire.

import Simulation

public struct KVStore: Equatable, Sendable {
    struct Session: Equatable, Sendable {
        var sequence: Int
        var result: KVResult
    }

    private var values: [Int: Int] = [:]
    private var sessions: [Int: Session] = [:]

    public init() {}

    public func value(of key: Int) -> Int? { values[key] }

    /// The cached result of `request` when it was applied already; nil if it was not.
    public func cachedResult(of request: ClientRequest) -> KVResult? {
        guard let session = sessions[request.client], session.sequence >= request.sequence else { return nil }
        // An older sequence than the session's last can only be a duplicate of a request whose
        // client has moved on; its reply is no longer awaited, so any answer will do.
        return session.sequence == request.sequence ? session.result : .written
    }

    /// Applies a committed command, or returns the remembered result of a duplicate (unless
    /// `deduplicating` is off: the broken build `RaftFlaw.ignoresSessions`).
    public mutating func apply(_ request: ClientRequest, deduplicating: Bool = true) -> KVResult {
        if deduplicating, let cached = cachedResult(of: request) { return cached }
        let result = execute(request.operation)
        if !request.operation.isRead {
            sessions[request.client] = Session(sequence: request.sequence, result: result)
        }
        return result
    }

    /// A read served outside the log (ReadIndex): no session entry, as a read changes nothing.
    public func read(_ key: Int) -> KVResult { .value(values[key]) }

    private mutating func execute(_ operation: KVOperation) -> KVResult {
        switch operation {
        case .read(let key):
            return .value(values[key])
        case .write(let key, let value):
            values[key] = value
            return .written
        case .cas(let key, let expected, let new):
            guard values[key] == expected else { return .casRejected(current: values[key]) }
            values[key] = new
            return .casApplied
        }
    }
}
