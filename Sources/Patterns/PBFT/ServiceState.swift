import Simulation

/// The deterministic service PBFT replicates (Castro & Liskov 1999, §3: "a state machine
/// replicated across different nodes"): an append-only log kept as a hash chain. Each
/// operation's result is the chain hash after it, so a result names the whole order of
/// execution before it: two replicas return the same result for a request only if they
/// executed the same requests in the same order up to it. That is what lets the checker
/// compare client-accepted results with the agreed order.
///
/// The last reply per client is part of the state, as in the paper (§4.1), so that a replica
/// that fetched a checkpoint still answers retransmissions and discards duplicates.
///
/// Simplifications:
/// - Client ids are mapped to slots `id - firstClient`; the number of clients is fixed.

public struct ServiceState: Equatable, Sendable {
    public private(set) var executed: UInt64 = 0
    public private(set) var chain: UInt64 = 0
    /// Per client slot: timestamp and result of the last executed request.
    public private(set) var lastReply: [(timestamp: UInt64, result: UInt64)]
    public let firstClient: NodeID

    public init(clients: Int, firstClient: NodeID) {
        lastReply = Array(repeating: (0, 0), count: clients)
        self.firstClient = firstClient
    }

    public static func == (a: ServiceState, b: ServiceState) -> Bool { a.digest == b.digest }

    /// Executes `request`; returns its result, or nil when it is the null request or a
    /// duplicate (timestamp not newer than the client's last executed one).
    public mutating func execute(_ request: BFTRequest) -> UInt64? {
        guard !request.isNull, let slot = slot(of: request.client),
              request.timestamp > lastReply[slot].timestamp else { return nil }
        executed += 1
        chain = bftMix(chain ^ request.digest.value ^ (executed << 1))
        lastReply[slot] = (request.timestamp, chain)
        return chain
    }

    /// The cached reply for a retransmitted request, if it was the client's last.
    public func cachedReply(for request: BFTRequest) -> UInt64? {
        guard let slot = slot(of: request.client), lastReply[slot].timestamp == request.timestamp else { return nil }
        return lastReply[slot].result
    }

    public func lastTimestamp(of client: NodeID) -> UInt64 {
        slot(of: client).map { lastReply[$0].timestamp } ?? 0
    }

    public var digest: Digest {
        Digest(hashing: [executed, chain] + lastReply.flatMap { [$0.timestamp, $0.result] })
    }

    private func slot(of client: NodeID) -> Int? {
        let slot = client - firstClient
        return slot >= 0 && slot < lastReply.count ? slot : nil
    }
}
