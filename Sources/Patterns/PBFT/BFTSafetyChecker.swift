import Simulation

/// The safety properties PBFT guarantees with at most f faulty replicas (Castro & Liskov
/// 1999, OSDI, §4.5.1 and the appendix), checked from outside the replicas as they execute:
///
/// - agreement: for every sequence number, all correct replicas that executed it executed the
///   same request (state machine safety);
/// - order: a correct replica executes sequence numbers one after another (a stable
///   checkpoint fetched by state transfer may skip it forward);
/// - client results: a result a client accepted (f+1 matching replies) is the result a
///   correct replica computed for that request in the agreed order.
///
/// Faulty replicas are not judged. With more than f of them the demo expects agreement to
/// break, and the checker collects every conflict instead of stopping at the first.
///
/// Simplifications:
/// - Requests are identified by (client, timestamp).

public struct BFTSafetyChecker: Sendable {
    public struct Conflict: Sendable {
        public var seq: Int
        public var first: (replica: NodeID, request: BFTRequest)
        public var second: (replica: NodeID, request: BFTRequest)
    }

    public let faulty: [NodeID]
    /// The first request a correct replica executed at each sequence number.
    private var agreed: [Int: (replica: NodeID, request: BFTRequest)] = [:]
    private var lastSeq: [Int]
    private var results: [BFTRequest: UInt64] = [:]
    public private(set) var conflicts: [Conflict] = []
    public private(set) var executions = 0

    public init(replicas: Int, faulty: [NodeID]) {
        self.faulty = faulty
        lastSeq = Array(repeating: 0, count: replicas)
    }

    public func isCorrect(_ replica: NodeID) -> Bool { !faulty.contains(replica) }

    /// Records an execution by a correct replica; returns what it broke, if anything.
    public mutating func executed(replica: NodeID, seq: Int, request: BFTRequest, result: UInt64?) -> (String, String)? {
        guard isCorrect(replica) else { return nil }
        executions += 1
        defer { lastSeq[replica] = seq }
        if seq != lastSeq[replica] + 1 {
            return ("order", "n\(replica) executed seq \(seq) right after seq \(lastSeq[replica])")
        }
        if let result, !request.isNull { results[key(request)] = results[key(request)] ?? result }
        if let first = agreed[seq] {
            if first.request != request {
                conflicts.append(Conflict(seq: seq, first: first, second: (replica, request)))
                return ("agreement", "seq \(seq): n\(first.replica) executed \(label(first.request)) but "
                        + "n\(replica) executed \(label(request))")
            }
        } else {
            agreed[seq] = (replica, request)
        }
        return nil
    }

    /// A correct replica installed a checkpoint by state transfer.
    public mutating func transferred(replica: NodeID, seq: Int) {
        if isCorrect(replica) { lastSeq[replica] = max(lastSeq[replica], seq) }
    }

    /// A client accepted `result` for `request`; returns what it broke, if anything.
    public func accepted(_ request: BFTRequest, result: UInt64) -> (String, String)? {
        guard let computed = results[key(request)] else {
            return ("client results", "client c\(request.client) accepted #\(request.timestamp) that no correct replica executed")
        }
        guard computed == result else {
            return ("client results", "client c\(request.client) accepted result \(hex(result)) for #\(request.timestamp), "
                    + "but the agreed order gives \(hex(computed))")
        }
        return nil
    }

    public func request(at seq: Int) -> BFTRequest? { agreed[seq]?.request }

    private func key(_ request: BFTRequest) -> BFTRequest {
        BFTRequest(client: request.client, timestamp: request.timestamp, op: request.op)
    }

    func label(_ request: BFTRequest) -> String { request.isNull ? "null" : "c\(request.client)#\(request.timestamp)" }
    func hex(_ x: UInt64) -> String { Digest(x).description }
}
