import Simulation

/// A service instance with its sidecar, or the edge proxy that injects client requests.
/// Inbound, an instance queues requests for a pool of workers (FIFO) and sheds with a 503 when
/// more than `maxInFlight` are inside; after processing it calls its upstream service through
/// its sidecar and answers with the result, or answers itself when it is the last tier.
///
/// Simplifications:
/// - A request's processing occupies a worker; waiting for the upstream does not (async I/O).
/// - A failing instance still spends its processing time before answering 503 (it tried its
///   database); a slow instance answers late without holding a worker (a gray failure).
/// - Configuration is on each node's disk at boot (the simulator's `disks:`), standing in for a
///   config file; behaviour changes arrive as commands from the harness.
public struct MeshNode: SimulatedNode {
    public enum Message: Sendable {
        case request(id: Int, root: Int)
        case response(id: Int, ok: Bool)
    }

    public enum Timer: Hashable, Sendable {
        case tryTimeout(Int)
        case backoff(call: Int)
        case processed(worker: Int)
        case slowReply(Int)
    }

    public enum Behavior: Sendable, Equatable {
        case healthy
        case slow(SimDuration)
        case failing
        /// Every request takes `factor` times as long to process (a brownout: less capacity).
        case degraded(factor: UInt64)
    }

    public struct Config: Sendable {
        /// The edge proxy answers clients instead of an inbound caller.
        public var edge: Bool
        public var upstream: [NodeID]
        public var policy: Sidecar.Policy
        public var perTryTimeout: SimDuration
        public var processing: SimDuration
        public var workers: Int
        public var maxInFlight: Int
    }

    public enum Command: Sendable {
        case clientRequest(root: Int)
        case behave(Behavior)
    }

    public enum Output: Sendable {
        case rootDone(root: Int, ok: Bool, latency: SimDuration)
        case callStarted
        case attempt(retry: Bool, pending: Int)
        case callDone(attempts: Int, ok: Bool)
        case tryTimedOut
        case budgetExhausted
        case overflow
        case ejected(host: NodeID, until: SimTime)
        case shed
    }

    struct Inbound: Sendable {
        var caller: NodeID
        var id: Int
        var root: Int
    }

    public let id: NodeID
    var config: Config?
    public private(set) var sidecar: Sidecar?
    var behavior = Behavior.healthy
    var inbound: [Int: Inbound] = [:]
    var queue: [Int] = []
    var queueHead = 0
    var busy: [Int?] = []
    var nextInbound = 0
    var rootStart: [Int: SimTime] = [:]

    public init(id: NodeID, cluster: [NodeID], durable config: Config?) {
        self.id = id
        guard let config else { return }
        self.config = config
        busy = Array(repeating: nil, count: config.workers)
        if !config.upstream.isEmpty {
            sidecar = Sidecar(upstream: config.upstream, policy: config.policy, perTryTimeout: config.perTryTimeout)
        }
    }

    public mutating func start(_ context: inout NodeContext<MeshNode>) {}

    public mutating func handle(_ command: Command, _ context: inout NodeContext<MeshNode>) {
        switch command {
        case .clientRequest(let root):
            rootStart[root] = context.now
            if let done = sidecar?.call(root: root, parent: root, &context) { finished(done, &context) }
        case .behave(let behavior):
            self.behavior = behavior
        }
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<MeshNode>) {
        switch message {
        case let .request(requestID, root):
            guard let config, inbound.count < config.maxInFlight else {
                context.output(.shed)
                context.send(.response(id: requestID, ok: false), to: sender)
                return
            }
            let local = nextInbound
            nextInbound += 1
            inbound[local] = Inbound(caller: sender, id: requestID, root: root)
            queue.append(local)
            dispatchWorkers(&context)
        case let .response(attemptID, ok):
            if let done = sidecar?.responded(attempt: attemptID, ok: ok, &context) { finished(done, &context) }
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<MeshNode>) {
        switch timer {
        case .tryTimeout(let attemptID):
            if let done = sidecar?.timedOut(attempt: attemptID, &context) { finished(done, &context) }
        case .backoff(let call):
            if let done = sidecar?.backoffOver(call: call, &context) { finished(done, &context) }
        case .processed(let worker):
            guard let local = busy[worker] else { return }
            busy[worker] = nil
            processed(local, &context)
            dispatchWorkers(&context)
        case .slowReply(let local):
            reply(local, ok: true, &context)
        }
    }

    private mutating func processed(_ local: Int, _ context: inout NodeContext<MeshNode>) {
        guard let request = inbound[local] else { return }
        switch behavior {
        case .failing:
            reply(local, ok: false, &context)
        case .slow(let extra) where sidecar == nil:
            context.setTimer(.slowReply(local), after: extra)
        default:
            if sidecar != nil {
                if let done = sidecar!.call(root: request.root, parent: local, &context) { finished(done, &context) }
            } else {
                reply(local, ok: true, &context)
            }
        }
    }

    private mutating func dispatchWorkers(_ context: inout NodeContext<MeshNode>) {
        guard let config else { return }
        for worker in busy.indices where busy[worker] == nil && queueHead < queue.count {
            busy[worker] = queue[queueHead]
            queueHead += 1
            var time = SimDuration.random(in: config.processing / 2, config.processing * 3 / 2, using: &context.rng)
            if case .degraded(let factor) = behavior { time = time * factor }
            context.setTimer(.processed(worker: worker), after: time)
        }
        if queueHead > 512 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    /// A sidecar call ended: answer the inbound request it served, or the edge's client.
    private mutating func finished(_ done: Sidecar.Finished, _ context: inout NodeContext<MeshNode>) {
        if config?.edge == true, let start = rootStart.removeValue(forKey: done.parent) {
            context.output(.rootDone(root: done.parent, ok: done.ok, latency: context.now - start))
        } else {
            reply(done.parent, ok: done.ok, &context)
        }
    }

    private mutating func reply(_ local: Int, ok: Bool, _ context: inout NodeContext<MeshNode>) {
        guard let request = inbound.removeValue(forKey: local) else { return }
        context.send(.response(id: request.id, ok: ok), to: request.caller)
    }

    /// Requests inside this instance: queued, processing, or waiting for the upstream.
    public var inFlight: Int { inbound.count }
}
