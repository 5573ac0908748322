import Simulation

/// The simulated cluster of the load-balancing demo: node 0 is a layer-7 balancer, nodes
/// 1...k are backends. Clients hand requests to the balancer (a command per arrival); the
/// balancer routes each to a backend, arms a deadline, and answers the client with the
/// backend's reply or a timeout. Backends serve one request at a time, first come first served
/// (an M/G/1 queue each), so a slow backend that is sent its round-robin share builds a queue.
///
/// Simplifications:
/// - No retries at the balancer: a timed-out request fails (a 504), its work still done later
///   by the backend, as in a real proxy without cancellation.
/// - Configuration is what each node finds on its disk at boot (the simulator's `disks:`),
///   standing in for a config file; nothing else is ever written.
public struct BalancerNode: SimulatedNode {
    public enum Message: Sendable {
        case request(id: Int, work: UInt64)
        case response(id: Int)
    }

    public enum Timer: Hashable, Sendable {
        case deadline(Int)
        case serviceDone
    }

    public enum Command: Sendable {
        /// A client request arriving at the balancer.
        case arrive(id: Int, key: UInt64, work: UInt64)
    }

    public enum Output: Sendable {
        case completed(id: Int, backend: Int, latency: SimDuration)
        case timedOut(id: Int, backend: Int)
        case ejected(backend: Int, until: SimTime)
    }

    public enum Config: Sendable {
        case balancer(policy: BalancingPolicy, backends: Int, timeout: SimDuration, leakOnTimeout: Bool)
        /// Nanoseconds of service per unit of work: the backend's speed.
        case backend(nanosPerWork: UInt64)
    }

    public typealias Durable = Config

    struct Pending {
        var backend: Int
        var start: SimTime
    }

    public let id: NodeID
    var config: Config?
    // Balancer state.
    public private(set) var balancer: Balancer?
    var pending: [Int: Pending] = [:]
    var timeout = SimDuration.milliseconds(200)
    var leakOnTimeout = false
    // Backend state: the FIFO queue, head in service.
    public private(set) var queue: [(id: Int, work: UInt64)] = []
    var queueHead = 0
    public private(set) var served = 0

    public init(id: NodeID, cluster: [NodeID], durable: Config?) {
        self.id = id
        if let durable { apply(durable) }
    }

    public mutating func start(_ context: inout NodeContext<BalancerNode>) {}

    mutating func apply(_ config: Config) {
        self.config = config
        if case let .balancer(policy, backends, timeout, leak) = config {
            balancer = Balancer(policy: policy, backendCount: backends)
            self.timeout = timeout
            leakOnTimeout = leak
        }
    }

    /// Requests waiting or in service at this backend.
    public var queueLength: Int { queue.count - queueHead }

    /// Requests the balancer has routed and not yet finished, per backend.
    var pendingPerBackend: [Int] {
        var counts = [Int](repeating: 0, count: balancer?.backendCount ?? 0)
        for entry in pending.values { counts[entry.backend] += 1 }
        return counts
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<BalancerNode>) {
        switch command {
        case let .arrive(requestID, key, work):
            guard var balancer else { return }
            let backend = balancer.route(key: key, at: context.now, rng: &context.rng)
            self.balancer = balancer
            pending[requestID] = Pending(backend: backend, start: context.now)
            context.send(.request(id: requestID, work: work), to: backend + 1)
            context.setTimer(.deadline(requestID), after: timeout)
        }
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<BalancerNode>) {
        switch message {
        case let .request(requestID, work):
            queue.append((requestID, work))
            if queueLength == 1 { beginService(&context) }
        case let .response(requestID):
            // A reply after the deadline, or a duplicate, finds nothing pending.
            guard let entry = pending.removeValue(forKey: requestID) else { return }
            context.cancelTimer(.deadline(requestID))
            _ = balancer?.finished(entry.backend, success: true, at: context.now)
            context.output(.completed(id: requestID, backend: entry.backend, latency: context.now - entry.start))
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<BalancerNode>) {
        switch timer {
        case .deadline(let requestID):
            guard let entry = pending.removeValue(forKey: requestID) else { return }
            context.output(.timedOut(id: requestID, backend: entry.backend))
            if leakOnTimeout { return }
            if let until = balancer?.finished(entry.backend, success: false, at: context.now) {
                context.output(.ejected(backend: entry.backend, until: until))
            }
        case .serviceDone:
            let done = queue[queueHead]
            queueHead += 1
            served += 1
            if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            context.send(.response(id: done.id), to: 0)
            if queueLength > 0 { beginService(&context) }
        }
    }

    private mutating func beginService(_ context: inout NodeContext<BalancerNode>) {
        guard case .backend(let nanosPerWork) = config else { return }
        let work = queue[queueHead].work
        context.setTimer(.serviceDone, after: SimDuration(nanoseconds: work * nanosPerWork))
    }
}
