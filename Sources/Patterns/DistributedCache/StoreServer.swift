import Simulation

/// The slow, authoritative backing store: every key has a version, a write increments it.
/// A fixed pool of workers serves requests first come first served, so a thundering herd shows
/// as a queue (and its latency) here.
///
/// Simplifications:
/// - A single linearizable node (a database primary); no replication, it never crashes.
/// - Values are their versions: what matters to freshness is which write a read reflects.
public struct StoreServer: Sendable {
    struct Request: Sendable {
        var op: Int
        var key: Int
        var write: Bool
        var from: NodeID
    }

    public private(set) var versions: [Int]
    let service: SimDuration
    private var waiting: [Request] = []
    private var waitingHead = 0
    private var busy: [Request?]
    public private(set) var reads = 0
    public private(set) var writes = 0

    init(keys: Int, workers: Int, service: SimDuration) {
        versions = Array(repeating: 0, count: keys)
        self.service = service
        busy = Array(repeating: nil, count: workers)
    }

    /// Requests queued or in service.
    public var load: Int { waiting.count - waitingHead + busy.lazy.filter { $0 != nil }.count }

    mutating func enqueue(op: Int, key: Int, write: Bool, from: NodeID, _ context: inout NodeContext<CacheClusterNode>) {
        waiting.append(Request(op: op, key: key, write: write, from: from))
        dispatch(&context)
    }

    mutating func finish(worker: Int, _ context: inout NodeContext<CacheClusterNode>) {
        guard let request = busy[worker] else { return }
        busy[worker] = nil
        if request.write {
            versions[request.key] += 1
            writes += 1
        } else {
            reads += 1
        }
        context.output(.storeServed(key: request.key, write: request.write))
        context.send(.storeReply(op: request.op, key: request.key, version: versions[request.key],
                                 servedAt: context.now), to: request.from)
        dispatch(&context)
    }

    private mutating func dispatch(_ context: inout NodeContext<CacheClusterNode>) {
        for worker in busy.indices where busy[worker] == nil && waitingHead < waiting.count {
            busy[worker] = waiting[waitingHead]
            waitingHead += 1
            // Service time varies by up to a half around its mean.
            let jitter = SimDuration.random(in: service / 2, service * 3 / 2, using: &context.rng)
            context.setTimer(.storeDone(worker: worker), after: jitter)
        }
        if waitingHead > 256 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }
}
