import Simulation

/// A PBFT client (Castro & Liskov 1999, OSDI, §4.1): sends its request to the replica it
/// believes is the primary, waits for f+1 replies from different replicas with the same
/// timestamp and result (at least one of them comes from a correct replica), and on timeout
/// multicasts the request to all replicas, which forward it to the primary and start their
/// view-change timers. Replies carry the view, so the client learns who the primary is.
///
/// Simplifications:
/// - One outstanding request at a time (as in the paper), a fixed number of requests, and a
///   fixed retransmission timeout.

public struct PBFTClient: Sendable {
    public let id: NodeID
    public let f: Int
    public let replicas: Int
    public private(set) var view = 0
    public private(set) var timestamp: UInt64 = 0
    public private(set) var remaining = 0
    public private(set) var accepted = 0
    var current: BFTRequest?
    var sentAt = SimTime.zero
    var replies: [(replica: NodeID, result: UInt64)] = []
    var think = SimDuration.zero
    var retry = SimDuration.zero

    public init(id: NodeID, f: Int, replicas: Int) {
        self.id = id
        self.f = f
        self.replicas = replicas
    }

    typealias Context = NodeContext<PBFTNode>

    public mutating func start(requests: Int, think: SimDuration, retry: SimDuration, _ context: inout NodeContext<PBFTNode>) {
        remaining = requests
        self.think = think
        self.retry = retry
        context.setTimer(.clientNext, after: SimDuration.random(in: .zero, think, using: &context.rng))
    }

    public mutating func fire(_ timer: BFTTimer, _ context: inout NodeContext<PBFTNode>) {
        switch timer {
        case .clientNext: issue(&context)
        case .clientRetry:
            guard let request = current else { return }
            context.output(.retransmit(request: request))
            for replica in 0..<replicas { context.send(.request(request), to: replica) }
            context.setTimer(.clientRetry, after: retry)
        case .viewChange, .resendViewChange: break
        }
    }

    mutating func issue(_ context: inout Context) {
        guard remaining > 0, current == nil else { return }
        remaining -= 1
        timestamp += 1
        let request = BFTRequest(client: id, timestamp: timestamp, op: context.rng.next())
        current = request
        replies = []
        sentAt = context.now
        context.send(.request(request), to: view % replicas)
        context.output(.sent(kind: "request", to: view % replicas))
        context.setTimer(.clientRetry, after: retry)
    }

    public mutating func receive(_ message: BFTMessage, from sender: NodeID, _ context: inout NodeContext<PBFTNode>) {
        guard case let .reply(replyView, client, stamp, result) = message, client == id, sender < replicas,
              let request = current, stamp == request.timestamp else { return }
        view = max(view, replyView)
        guard !replies.contains(where: { $0.replica == sender }) else { return }
        replies.append((sender, result))
        let matching = replies.filter { $0.result == result }
        guard matching.count >= f + 1 else { return }
        current = nil
        accepted += 1
        context.cancelTimer(.clientRetry)
        context.output(.accepted(request: request, result: result, replies: matching.map(\.replica).sorted(),
                                 latency: context.now - sentAt))
        if remaining > 0 { context.setTimer(.clientNext, after: SimDuration.random(in: think / 2, think, using: &context.rng)) }
    }

    public var isDone: Bool { remaining == 0 && current == nil }
}
