/// The one deterministic discrete-event simulator every demo runs on (in the manner of
/// TigerBeetle's VOPR): it owns the virtual clock, the only random generator, the network,
/// every node's stable storage and the fault plan. `Node` is the protocol under test;
/// `External` is whatever the demo's harness schedules for itself (client ticks, checks).
///
/// One call to `step()` takes the next event off the queue (by time, then by the order it was
/// scheduled), hands it to the node or applies it, and reports what happened. The same seed,
/// nodes and plan give the same sequence of steps, on any machine.
public final class Simulator<Node: SimulatedNode, External> {
    /// What one step did.
    public enum Occurrence {
        case delivered(from: NodeID, to: NodeID, Node.Message)
        /// A message that reached the wire but not its destination.
        case dropped(from: NodeID, to: NodeID, Node.Message, DropReason)
        case timerFired(NodeID, Node.Timer)
        case commandHandled(NodeID, Node.Command)
        /// A command sent to a node that was down when it arrived.
        case commandLost(NodeID, Node.Command)
        case faultApplied(Fault)
        /// A node's write reached its disk (only with a storage write latency).
        case persisted(NodeID)
        case external(External)
    }

    public enum DropReason: String, Sendable {
        case partitioned = "partition"
        case destinationDown = "node down"
        /// One direction of the link was cut (`Fault.link`).
        case linkCut = "link cut"
    }

    public struct Statistics: Equatable, Sendable {
        public var events: UInt64 = 0
        public var messagesSent: UInt64 = 0
        public var messagesDelivered: UInt64 = 0
        /// Lost on the wire, cut by a partition, or addressed to a node that was down.
        public var messagesDropped: UInt64 = 0
        public var messagesDuplicated: UInt64 = 0
        public var crashes: UInt64 = 0
        public var restarts: UInt64 = 0
    }

    enum Event {
        /// `id` numbers the send (its copies share it), for the trace.
        case deliver(from: NodeID, to: NodeID, Node.Message, id: UInt64)
        case timer(NodeID, Node.Timer, generation: UInt64)
        case command(NodeID, Node.Command)
        case fault(Fault)
        case external(External)
        /// The disk of a node finishes the write with this id.
        case writeDone(NodeID, write: UInt64)
    }

    public let seed: UInt64
    public let cluster: [NodeID]
    public var now: SimTime { state.now }
    public var stats: Statistics { state.stats }
    public var network: NetworkConditions {
        get { state.network }
        set { state.network = newValue }
    }
    public var storage: StorageConditions {
        get { state.storage }
        set { state.storage = newValue }
    }
    public var partition: Partition? { state.partition }
    /// Each node's live state; nil while it is crashed.
    public var nodes: [Node?] { state.nodes }
    /// Each node's stable storage: the last value it persisted that is durable.
    public var disks: [Node.Durable?] { state.disks }
    /// What nodes reported during the last step, in the order they reported it.
    public var outputs: [(node: NodeID, output: Node.Output)] { state.outputs }

    /// Everything that changes while the simulation runs, in one struct. Each access to a
    /// class's stored property is checked for exclusivity at run time (a runtime call that
    /// reads thread-local storage), and a step touched a dozen of them: about 15 checks and 40%
    /// of the instructions per event. Inside a struct's mutating methods the checks are static,
    /// so a whole step now costs one dynamic check, on `state`.
    private var state: State

    /// Builds a node at boot and at every restart, from its id, the cluster and its disk.
    public typealias NodeFactory = (NodeID, [NodeID], Node.Durable?) -> Node

    /// Boots `nodeCount` nodes at time zero and schedules every fault of `faults`.
    /// `makeNode` builds each node (at boot and at every restart) when a protocol needs
    /// settings that are not on its disk, such as timeouts; by default `Node.init` is used.
    /// `disks`, when given (one per node), is what each node finds on its disk at boot: a run
    /// can start from a constructed state instead of an empty cluster.
    public init(seed: UInt64, nodeCount: Int, network: NetworkConditions = .reliable,
                storage: StorageConditions = .instant, faults: FaultPlan = .none,
                disks: [Node.Durable?]? = nil, makeNode: NodeFactory? = nil) {
        precondition(nodeCount > 0, "a cluster needs at least one node")
        precondition(disks == nil || disks!.count == nodeCount, "one disk per node")
        self.seed = seed
        cluster = Array(0..<nodeCount)
        state = State(seed: seed, cluster: cluster, network: network, storage: storage,
                      makeNode: makeNode ?? { Node(id: $0, cluster: $1, durable: $2) })
        if let disks { state.disks = disks }
        for scheduled in faults.faults {
            state.queue.push(.fault(scheduled.fault), at: scheduled.at)
        }
        for id in cluster { state.boot(id) }
    }

    // MARK: Driving the simulation

    /// Processes the next event. Returns nil when nothing is left to do.
    @discardableResult
    public func step() -> Occurrence? {
        state.step(notAfter: nil)
    }

    /// Runs every event due at or before `limit`, calling `observe` after each, then moves the
    /// clock to `limit`. Stops early, returning false, when `observe` returns false.
    @discardableResult
    public func run(until limit: SimTime, observe: (Occurrence) -> Bool = { _ in true }) -> Bool {
        // Each `state.step` is one access to `state`, over before `observe` runs, so `observe`
        // may read the simulator and schedule on it.
        while let occurrence = state.step(notAfter: limit) {
            if !observe(occurrence) { return false }
        }
        state.now = max(state.now, limit)
        return true
    }

    /// The time of the next pending event, if any.
    public var nextEventTime: SimTime? { state.queue.nextTime }

    // MARK: Scheduling from outside

    /// Delivers `command` to `node` after `delay`.
    public func submit(_ command: Node.Command, to node: NodeID, after delay: SimDuration = .zero) {
        state.queue.push(.command(node, command), at: state.now + delay)
    }

    /// Hands `value` back to the harness through `step()` after `delay`.
    public func schedule(_ value: External, after delay: SimDuration) {
        state.queue.push(.external(value), at: state.now + delay)
    }

    /// Applies `fault` after `delay` (zero: as the next event at this instant).
    public func inject(_ fault: Fault, after delay: SimDuration = .zero) {
        state.queue.push(.fault(fault), at: state.now + delay)
    }

    public func isUp(_ node: NodeID) -> Bool { state.nodes[node] != nil }

    /// A generator for the harness's own choices, independent of the nodes' draws.
    public func stream(_ purpose: UInt64) -> SeededRNG { SeededRNG(seed: seed).stream(purpose) }

    // MARK: Internals

    struct State {
        var now: SimTime = .zero
        var stats = Statistics()
        var network: NetworkConditions
        var storage: StorageConditions
        var partition: Partition?
        /// Cut or slowed links; usually empty, so a send checks one count.
        var links: [LinkFault] = []
        /// Nodes armed to crash once their next write is durable (`Fault.crashAfterWrite`).
        var crashOnWrite: Set<NodeID> = []
        /// Nodes armed to crash inside their next write that messages overtake (`Fault.crashDuringWrite`).
        var crashMidWrite: Set<NodeID> = []
        var nodes: [Node?]
        var disks: [Node.Durable?]
        var outputs: [(node: NodeID, output: Node.Output)] = []
        var queue = EventQueue<Event>()
        private let cluster: [NodeID]
        private var timerGenerations: [[Node.Timer: UInt64]]
        private var nextGeneration: UInt64 = 0
        /// Each node's writes in flight, oldest first; always empty with instant storage.
        private var writes: [[PendingWrite<Node>]]
        /// How many writes are in flight on all disks: zero lets a step skip looking at them.
        private var writesInFlight = 0
        /// When each node's disk finishes the writes it has been given.
        private var diskFreeAt: [SimTime]
        private var nextWrite: UInt64 = 0
        private var context: NodeContext<Node>
        private let makeNode: NodeFactory
        /// The run's recorder, if it is being traced, and this simulator's number in it.
        let trace: TraceRecorder?
        private var traceSimulation = 0
        /// Each node's state fields as last recorded, serialized, to record only changes.
        private var traceStates: [String]

        init(seed: UInt64, cluster: [NodeID], network: NetworkConditions, storage: StorageConditions,
             makeNode: @escaping NodeFactory) {
            self.cluster = cluster
            self.network = network
            self.storage = storage
            self.makeNode = makeNode
            writes = Array(repeating: [], count: cluster.count)
            diskFreeAt = Array(repeating: .zero, count: cluster.count)
            nodes = Array(repeating: nil, count: cluster.count)
            disks = Array(repeating: nil, count: cluster.count)
            timerGenerations = Array(repeating: [:], count: cluster.count)
            context = NodeContext(rng: SeededRNG(seed: seed))
            trace = TraceRecorder.current
            traceStates = Array(repeating: "", count: cluster.count)
            traceSimulation = trace?.beginSimulation(seed: seed, nodeCount: cluster.count) ?? 0
        }

        private mutating func drop(_ from: NodeID, _ to: NodeID, _ message: Node.Message, id: UInt64,
                                   _ reason: DropReason) -> Occurrence {
            stats.messagesDropped += 1
            if let trace {
                trace.record([("type", "drop"), ("sim", JSONValue(traceSimulation)), ("id", JSONValue(id)),
                              ("at", JSONValue(now.nanoseconds)), ("reason", .string(reason.rawValue))])
            }
            return .dropped(from: from, to: to, message, reason)
        }

        private func persistRecord(_ id: NodeID) -> [(String, JSONValue)] {
            [("type", "persist"), ("sim", JSONValue(traceSimulation)), ("node", JSONValue(id)), ("at", JSONValue(now.nanoseconds))]
        }

        /// Records node `id`'s declared state when it changed (or `down` after a crash).
        private mutating func traceState(_ id: NodeID) {
            guard let trace else { return }
            let fields: [(String, JSONValue)]
            if let node = nodes[id] {
                guard let traceable = node as? any TraceableNode else { return }
                fields = traceable.traceState
            } else {
                fields = [("down", true)]
            }
            let text = JSONValue.object(fields).serialized
            guard text != traceStates[id] else { return }
            traceStates[id] = text
            trace.record([("type", "state"), ("sim", JSONValue(traceSimulation)), ("node", JSONValue(id)),
                          ("at", JSONValue(now.nanoseconds)), ("state", .object(fields))])
        }

        /// Processes the next event due at or before `limit` (any time when nil). Stale timers
        /// are skipped without crossing `limit`, so the clock never runs past it.
        mutating func step(notAfter limit: SimTime?) -> Occurrence? {
            while let next = queue.nextTime {
                if let limit, next > limit { return nil }
                let (time, event) = queue.popFirst()
                if let occurrence = process(event, at: time) { return occurrence }
            }
            return nil
        }

        /// Handles one event; nil for a stale timer, which counts as no step at all.
        private mutating func process(_ event: consuming Event, at time: SimTime) -> Occurrence? {
            now = time
            stats.events += 1
            if !outputs.isEmpty { outputs.removeAll(keepingCapacity: true) }
            switch consume event {
            case let .deliver(from, to, message, id):
                if let partition, !partition.allows(from, to) {
                    return drop(from, to, message, id: id, .partitioned)
                }
                if !links.isEmpty, links.contains(where: { $0.cut && $0.from == from && $0.to == to }) {
                    return drop(from, to, message, id: id, .linkCut)
                }
                guard nodes[to] != nil else {
                    return drop(from, to, message, id: id, .destinationDown)
                }
                stats.messagesDelivered += 1
                if let trace { trace.record([("type", "deliver"), ("sim", JSONValue(traceSimulation)), ("id", JSONValue(id)), ("at", JSONValue(now.nanoseconds))]) }
                dispatch(to) { node, context in node.receive(message, from: from, &context) }
                return .delivered(from: from, to: to, message)
            case let .timer(id, timer, generation):
                // A timer that was replaced, cancelled, or set before a crash is stale.
                guard nodes[id] != nil, timerGenerations[id][timer] == generation else { return nil }
                timerGenerations[id][timer] = nil
                if let trace {
                    trace.record([("type", "timer"), ("sim", JSONValue(traceSimulation)), ("node", JSONValue(id)),
                                  ("at", JSONValue(now.nanoseconds)), ("timer", .string(String(describing: timer)))])
                }
                dispatch(id) { node, context in node.fire(timer, &context) }
                return .timerFired(id, timer)
            case let .command(id, command):
                if let trace {
                    trace.record([("type", "command"), ("sim", JSONValue(traceSimulation)), ("node", JSONValue(id)),
                                  ("at", JSONValue(now.nanoseconds)), ("command", .string(TraceRecorder.describe(command).kind)),
                                  ("payload", .string(TraceRecorder.describe(command).payload)), ("lost", .bool(nodes[id] == nil))])
                }
                guard nodes[id] != nil else { return .commandLost(id, command) }
                dispatch(id) { node, context in node.handle(command, &context) }
                return .commandHandled(id, command)
            case let .fault(fault):
                if let trace {
                    trace.record([("type", "fault"), ("sim", JSONValue(traceSimulation)), ("at", JSONValue(now.nanoseconds)),
                                  ("fault", .string(FaultScript.words(fault)))])
                }
                apply(fault)
                return .faultApplied(fault)
            case let .external(value):
                return .external(value)
            case let .writeDone(id, write):
                // Gone when the node crashed with the write in flight.
                guard nodes[id] != nil, writes[id].first?.id == write else { return nil }
                if writes[id][0].torn {
                    // The write never lands: the node goes down with it, and with what waited for it.
                    springTrap(id)
                    return nil
                }
                let done = writes[id].removeFirst()
                writesInFlight -= 1
                disks[id] = done.durable
                if let trace { trace.record(persistRecord(id)) }
                if !crashOnWrite.isEmpty, crashOnWrite.contains(id) {
                    springTrap(id)
                    return .persisted(id)
                }
                for send in done.sends { transmit(send.message, from: id, to: send.to) }
                if done.notify { dispatch(id) { node, context in node.persisted(done.durable, &context) } }
                return .persisted(id)
            }
        }

        private mutating func apply(_ fault: Fault) {
            switch fault {
            case .crash(let id):
                guard nodes[id] != nil else { return }
                nodes[id] = nil
                timerGenerations[id].removeAll()
                // Writes in flight are lost, and the messages waiting for them never leave.
                writesInFlight -= writes[id].count
                writes[id].removeAll()
                diskFreeAt[id] = now
                stats.crashes += 1
                traceState(id)
            case .restart(let id):
                // The planned restart disarms every trap, one already holding a write included.
                crashOnWrite.remove(id)
                crashMidWrite.remove(id)
                for index in writes[id].indices { writes[id][index].torn = false }
                guard nodes[id] == nil else { return }
                stats.restarts += 1
                boot(id)
            case .partition(let newPartition):
                partition = newPartition
            case .heal:
                partition = nil
                links.removeAll()
            case .network(let conditions):
                network = conditions
            case .link(let link):
                links.removeAll { $0.from == link.from && $0.to == link.to }
                links.append(link)
            case .crashAfterWrite(let id):
                if nodes[id] != nil { crashOnWrite.insert(id) }
            case .crashDuringWrite(let id):
                if nodes[id] != nil { crashMidWrite.insert(id) }
            }
        }

        /// Springs a write trap: node `id` goes down now, and nothing that waited for its
        /// write is sent. The crash is also queued as a fault at this instant, so harnesses
        /// and the trace see it as one (applying it again does nothing).
        private mutating func springTrap(_ id: NodeID) {
            crashOnWrite.remove(id)
            crashMidWrite.remove(id)
            apply(.crash(id))
            queue.push(.fault(.crash(id)), at: now)
        }

        mutating func boot(_ id: NodeID) {
            nodes[id] = makeNode(id, cluster, disks[id])
            dispatch(id) { node, context in node.start(&context) }
        }

        /// Runs one handler of node `id` and applies its effects: storage first (durable before
        /// anything leaves), then timers, then messages.
        @inline(__always)
        private mutating func dispatch(_ id: NodeID, _ body: (inout Node, inout NodeContext<Node>) -> Void) {
            context.reset(now: now, id: id)
            body(&nodes[id]!, &context)
            // With instant storage the write is durable now: a trap springs before any effect.
            if context.persisted != nil && store(id) {
                for output in context.outputs where Node.isReport(output) { outputs.append((id, output)) }
                springTrap(id)
                return
            }
            for change in context.timerChanges {
                if let delay = change.after {
                    nextGeneration += 1
                    timerGenerations[id][change.timer] = nextGeneration
                    queue.push(.timer(id, change.timer, generation: nextGeneration), at: now + delay)
                } else {
                    timerGenerations[id][change.timer] = nil
                }
            }
            if writesInFlight == 0 || writes[id].isEmpty {
                for send in context.sends { transmit(send.message, from: id, to: send.to) }
            } else {
                // Messages wait for the last write recorded before them.
                let last = writes[id].count - 1
                for send in context.sends {
                    if send.waits {
                        writes[id][last].sends.append((send.to, send.message))
                    } else {
                        transmit(send.message, from: id, to: send.to)
                    }
                }
            }
            for output in context.outputs { outputs.append((id, output)) }
            if trace != nil { traceState(id) }
        }

        /// Applies the handler's write: at once with instant storage (and then, if asked, tells
        /// the node within the same handler's effects), or queued on the node's disk. Returns
        /// whether a trap sprang on an instant write: the node must crash before it is told.
        private mutating func store(_ id: NodeID) -> Bool {
            guard storage.isInstant && writes[id].isEmpty else {
                var latency = storage.writeLatency
                if storage.writeJitter > .zero {
                    latency = latency + SimDuration.random(in: .zero, storage.writeJitter, using: &context.rng)
                }
                let done = max(now, diskFreeAt[id]) + latency
                diskFreeAt[id] = done
                nextWrite += 1
                writesInFlight += 1
                var write = PendingWrite<Node>(id: nextWrite, durable: context.persisted!, notify: context.notifyWhenDurable)
                // Only a write that messages overtake has a middle worth crashing in.
                if !crashMidWrite.isEmpty, crashMidWrite.contains(id), context.sends.contains(where: { !$0.waits }) {
                    crashMidWrite.remove(id)
                    write.torn = true
                }
                writes[id].append(write)
                queue.push(.writeDone(id, write: nextWrite), at: done)
                return false
            }
            while let durable = context.persisted {
                disks[id] = durable
                if let trace { trace.record(persistRecord(id)) }
                if (!crashOnWrite.isEmpty && crashOnWrite.contains(id))
                    || (!crashMidWrite.isEmpty && crashMidWrite.contains(id)) { return true }
                guard context.notifyWhenDurable else { return false }
                context.persisted = nil
                context.notifyWhenDurable = false
                nodes[id]!.persisted(durable, &context)
            }
            return false
        }

        private mutating func transmit(_ message: Node.Message, from: NodeID, to: NodeID) {
            stats.messagesSent += 1
            let id = stats.messagesSent
            if context.rng.chance(perMille: network.dropPerMille) {
                stats.messagesDropped += 1
                if let trace { traceSend(trace, message, from, to, id: id, arrives: nil, copy: false) }
                return
            }
            let extra = links.isEmpty ? .zero : linkDelay(from, to)
            let arrives = now + network.drawDelay(&context.rng) + extra
            queue.push(.deliver(from: from, to: to, message, id: id), at: arrives)
            if let trace { traceSend(trace, message, from, to, id: id, arrives: arrives, copy: false) }
            if context.rng.chance(perMille: network.duplicatePerMille) {
                stats.messagesDuplicated += 1
                let again = now + network.drawDelay(&context.rng) + extra
                queue.push(.deliver(from: from, to: to, message, id: id), at: again)
                if let trace { traceSend(trace, message, from, to, id: id, arrives: again, copy: true) }
            }
        }

        /// A send: `arrives` nil when the wire lost it; `copy` for the network's duplicate.
        private func traceSend(_ trace: TraceRecorder, _ message: Node.Message, _ from: NodeID, _ to: NodeID,
                               id: UInt64, arrives: SimTime?, copy: Bool) {
            let (kind, payload) = TraceRecorder.describe(message)
            var pairs: [(String, JSONValue)] = [
                ("type", copy ? "duplicate" : "send"), ("sim", JSONValue(traceSimulation)), ("id", JSONValue(id)),
                ("from", JSONValue(from)), ("to", JSONValue(to)), ("at", JSONValue(now.nanoseconds)),
                ("kind", .string(kind)), ("payload", .string(payload)),
            ]
            if let arrives { pairs.append(("due", JSONValue(arrives.nanoseconds))) } else { pairs.append(("lost", "wire")) }
            trace.record(pairs)
        }

        private func linkDelay(_ from: NodeID, _ to: NodeID) -> SimDuration {
            links.first { !$0.cut && $0.from == from && $0.to == to }?.extraDelay ?? .zero
        }
    }
}
