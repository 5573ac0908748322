/// Simulated clients of the replicated store, in the manner of Jepsen's workers: each slot runs
/// one operation at a time, retries it (same session id) at another node when a request goes
/// unanswered, and records invocations and completions as a history for the linearizability
/// checker. Requests and replies travel with network-like delays drawn from the harness's own
/// random stream, so the workload does not shift the cluster's random draws.
///
/// Simplifications:
/// - Clients reach every node (partitions cut only links between servers).
/// - A read that times out is recorded as `fail` (a read changes nothing); a write or cas that
///   times out is `info`, and the slot continues as a new process with a new session, as
///   Jepsen does.

import Simulation

public struct RaftWorkload: Equatable, Sendable {
    public var clients: Int
    public var operations: Int
    public var keys: Int
    /// Operations are spread over about this much time.
    public var span: SimDuration
    /// A request unanswered for this long is sent again, to another node.
    public var requestTimeout: SimDuration
    /// An operation unanswered for this long is given up (`info` or, for a read, `fail`).
    public var deadline: SimDuration
    public var start: SimTime

    public init(clients: Int = 4, operations: Int = 40, keys: Int = 3, span: SimDuration = .seconds(4),
                requestTimeout: SimDuration = .milliseconds(250), deadline: SimDuration = .milliseconds(1500),
                start: SimTime = .zero + .milliseconds(700)) {
        self.clients = clients
        self.operations = operations
        self.keys = keys
        self.span = span
        self.requestTimeout = requestTimeout
        self.deadline = deadline
        self.start = start
    }

    /// Mean pause between a slot's operations, so that all of them spread over `span`; a
    /// pause is drawn from zero to twice this.
    public var thinkTime: SimDuration {
        min(span, span * UInt64(clients) / UInt64(max(operations, 1)))
    }
}

/// One finished operation, for the timeline.
public struct ClientCompletion: Sendable {
    public var invoke: HistoryEvent
    public var completion: HistoryEvent
    public var node: NodeID?
    public var tries: Int
}

public final class RaftClients {
    struct Pending {
        var request: ClientRequest
        var invoke: HistoryEvent
        var target: NodeID
        var tries: Int
        var attempt: Int
    }

    struct Slot {
        var process: Int
        var sequence = 0
        var pending: Pending?
        /// Where this client last found the leader; each client learns on its own.
        var leaderGuess: NodeID?
    }

    public let workload: RaftWorkload
    // Touched on every step by this class alone, on one thread: dynamic exclusivity checks
    // on these properties would cost more than the work they guard.
    @exclusivity(unchecked) public private(set) var history: [HistoryEvent] = []
    @exclusivity(unchecked) public private(set) var completions: [ClientCompletion] = []
    @exclusivity(unchecked) public private(set) var invoked = 0
    @exclusivity(unchecked) private var slots: [Slot]
    @exclusivity(unchecked) private var slotOfProcess: [Int: Int] = [:]
    @exclusivity(unchecked) private var nextProcess: Int
    @exclusivity(unchecked) private var nextAttempt = 0
    /// The last value the clients saw per key: a cas usually expects it (read-modify-write),
    /// so that some succeed and some race.
    @exclusivity(unchecked) private var lastSeen: [Int: Int] = [:]
    @exclusivity(unchecked) private var rng: SeededRNG
    private let nodeCount: Int
    /// `k0`, `k1`, …: built once, not per operation.
    private let keyNames: [String]

    public init(workload: RaftWorkload, nodeCount: Int, rng: SeededRNG) {
        self.workload = workload
        self.nodeCount = nodeCount
        self.rng = rng
        keyNames = (0..<workload.keys).map { "k\($0)" }
        slots = (0..<workload.clients).map { Slot(process: $0) }
        nextProcess = workload.clients
        for slot in slots.indices { slotOfProcess[slot] = slot }
    }

    public var isDone: Bool { invoked >= workload.operations && outstanding == 0 }
    @exclusivity(unchecked) private var outstanding = 0

    /// Schedules every slot's first operation.
    public func start(on cluster: RaftCluster) {
        for slot in slots.indices {
            let delay = (workload.start - cluster.now) + SimDuration.random(in: .zero, thinkTime, using: &rng)
            cluster.sim.schedule(.clientReady(slot: slot), after: delay)
        }
    }

    private var thinkTime: SimDuration { workload.thinkTime }

    /// Feeds the clients one step: their own events, and replies the step produced.
    public func observe(_ occurrence: RaftCluster.Sim.Occurrence, on cluster: RaftCluster) {
        let outputs = cluster.sim.outputs
        if !outputs.isEmpty {
            for (node, output) in outputs {
                guard case .reply(let reply) = output else { continue }
                cluster.sim.schedule(.clientReply(from: node, reply), after: wireDelay(cluster))
            }
        }
        guard case .external(let event) = occurrence else { return }
        switch event {
        case .clientReady(let slot): invokeNext(slot, on: cluster)
        case .clientTimeout(let slot, let attempt): timedOut(slot, attempt: attempt, on: cluster)
        case .clientReply(let node, let reply): received(reply, from: node, on: cluster)
        case .script: break
        }
    }

    private func wireDelay(_ cluster: RaftCluster) -> SimDuration {
        SimDuration.random(in: cluster.sim.network.delayMin, cluster.sim.network.delayMax, using: &rng)
    }

    private func invokeNext(_ slot: Int, on cluster: RaftCluster) {
        guard invoked < workload.operations, slots[slot].pending == nil else { return }
        invoked += 1
        slots[slot].sequence += 1
        let key = Int(rng.below(UInt64(workload.keys)))
        let operation: KVOperation
        let function: HistoryEvent.Function
        let value: HistoryEvent.Value
        switch rng.below(10) {
        case 0..<3:
            (operation, function, value) = (.read(key: key), .read, .none)
        case 3..<7:
            let v = Int(rng.below(5))
            (operation, function, value) = (.write(key: key, value: v), .write, .int(v))
        default:
            let guess = Int(rng.below(5))
            let e = rng.below(4) == 0 ? guess : lastSeen[key] ?? guess
            let n = Int(rng.below(5))
            (operation, function, value) = (.cas(key: key, expected: e, new: n), .cas, .pair(e, n))
        }
        let process = slots[slot].process
        let request = ClientRequest(client: process, sequence: slots[slot].sequence, operation: operation)
        let invoke = HistoryEvent(process: process, kind: .invoke, function: function, key: keyNames[key],
                                  value: value, time: cluster.now.nanoseconds)
        history.append(invoke)
        let target = slots[slot].leaderGuess ?? Int(rng.below(UInt64(nodeCount)))
        slots[slot].pending = Pending(request: request, invoke: invoke, target: target, tries: 0, attempt: 0)
        outstanding += 1
        send(slot, to: target, after: wireDelay(cluster), on: cluster)
    }

    private func send(_ slot: Int, to node: NodeID, after delay: SimDuration, on cluster: RaftCluster) {
        guard var pending = slots[slot].pending else { return }
        nextAttempt += 1
        pending.target = node
        pending.tries += 1
        pending.attempt = nextAttempt
        slots[slot].pending = pending
        cluster.submit(pending.request, to: node, after: delay)
        cluster.sim.schedule(.clientTimeout(slot: slot, attempt: nextAttempt), after: delay + workload.requestTimeout)
    }

    private func timedOut(_ slot: Int, attempt: Int, on cluster: RaftCluster) {
        guard let pending = slots[slot].pending, pending.attempt == attempt else { return }
        slots[slot].leaderGuess = nil
        if cluster.now - SimTime(nanoseconds: pending.invoke.time) >= workload.deadline {
            let kind: HistoryEvent.Kind = pending.invoke.function == .read ? .fail : .info
            complete(slot, kind: kind, value: pending.invoke.value, node: nil, on: cluster)
        } else {
            send(slot, to: (pending.target + 1) % nodeCount, after: wireDelay(cluster), on: cluster)
        }
    }

    private func received(_ reply: ClientReply, from node: NodeID, on cluster: RaftCluster) {
        guard let slot = slotOfProcess[reply.client], let pending = slots[slot].pending,
              pending.request.sequence == reply.sequence else { return }
        switch reply.status {
        case .notLeader(let hint):
            guard pending.target == node else { return }
            slots[slot].leaderGuess = hint
            // No leader known: wait a little for an election before trying the next node.
            let next = hint ?? (node + 1) % nodeCount
            let pause = hint == nil ? workload.requestTimeout / 2 : .zero
            send(slot, to: next, after: pause + wireDelay(cluster), on: cluster)
        case .done(let result):
            slots[slot].leaderGuess = node
            let key = pending.request.operation.key
            switch result {
            case .value(let value):
                lastSeen[key] = value
                complete(slot, kind: .ok, value: value.map { .int($0) } ?? .none, node: node, on: cluster)
            case .written, .casApplied:
                switch pending.request.operation {
                case .write(_, let v), .cas(_, _, let v): lastSeen[key] = v
                case .read: break
                }
                complete(slot, kind: .ok, value: pending.invoke.value, node: node, on: cluster)
            case .casRejected:
                complete(slot, kind: .fail, value: pending.invoke.value, node: node, on: cluster)
            }
        }
    }

    private func complete(_ slot: Int, kind: HistoryEvent.Kind, value: HistoryEvent.Value, node: NodeID?,
                          on cluster: RaftCluster) {
        guard let pending = slots[slot].pending else { return }
        var event = pending.invoke
        event.kind = kind
        event.value = value
        event.time = cluster.now.nanoseconds
        history.append(event)
        completions.append(ClientCompletion(invoke: pending.invoke, completion: event, node: node, tries: pending.tries))
        slots[slot].pending = nil
        outstanding -= 1
        if kind == .info {
            // Jepsen: a process whose operation is in doubt is retired; a fresh one takes its place.
            slotOfProcess[slots[slot].process] = nil
            slots[slot].process = nextProcess
            slots[slot].sequence = 0
            slotOfProcess[nextProcess] = slot
            nextProcess += 1
        }
        if invoked < workload.operations {
            let pause = SimDuration.random(in: .zero, thinkTime * 2, using: &rng)
            cluster.sim.schedule(.clientReady(slot: slot), after: pause)
        }
    }
}
