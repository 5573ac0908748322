/// A node's identity in a simulated cluster: its index, `0..<nodeCount`.
public typealias NodeID = Int

/// A protocol participant written as a pure state machine (the style of etcd's raft and
/// Apple's SWIM): it is handed one input at a time together with a `NodeContext`, changes
/// itself, and records in the context what to send, which timers to set, what to persist and
/// what to report. It never reads a clock, draws from a global generator, sleeps or does I/O.
///
/// Crash and restart: a crash throws the value away. A restart builds a new one from the
/// last `Durable` value the node handed to `context.persist(_:)`, and nothing else. A node that
/// forgets to persist something loses it, exactly as a real server would.
public protocol SimulatedNode {
    /// What nodes send each other.
    associatedtype Message
    /// A timer's name. Setting a timer again replaces the pending one of the same name.
    associatedtype Timer: Hashable
    /// A request from outside the cluster: a client operation, an operator's command.
    associatedtype Command
    /// What a node reports outward: replies to clients, notes for the timeline.
    associatedtype Output
    /// What survives a crash.
    associatedtype Durable

    /// Boot (`durable == nil`) or restart from what was persisted.
    init(id: NodeID, cluster: [NodeID], durable: Durable?)

    /// Called once right after `init`, at boot and at every restart: set the first timers here.
    mutating func start(_ context: inout NodeContext<Self>)
    mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Self>)
    mutating func fire(_ timer: Timer, _ context: inout NodeContext<Self>)
    mutating func handle(_ command: Command, _ context: inout NodeContext<Self>)
}

/// Everything a node may touch while it handles one input: the time, the simulation's
/// generator, and the effects it wants. The simulator applies the effects after the handler
/// returns, in the order they were recorded.
public struct NodeContext<Node: SimulatedNode> {
    public internal(set) var now: SimTime
    public internal(set) var id: NodeID
    /// The simulation's one generator, lent for the duration of the handler.
    public var rng: SeededRNG

    @usableFromInline var sends: [(to: NodeID, message: Node.Message)] = []
    @usableFromInline var timerChanges: [(timer: Node.Timer, after: SimDuration?)] = []
    @usableFromInline var outputs: [Node.Output] = []
    @usableFromInline var persisted: Node.Durable? = nil

    init(rng: SeededRNG) {
        self.now = .zero
        self.id = 0
        self.rng = rng
    }

    @inlinable public mutating func send(_ message: Node.Message, to node: NodeID) {
        sends.append((node, message))
    }

    /// Fire `timer` after `delay`, replacing a pending timer of the same name.
    @inlinable public mutating func setTimer(_ timer: Node.Timer, after delay: SimDuration) {
        timerChanges.append((timer, delay))
    }

    @inlinable public mutating func cancelTimer(_ timer: Node.Timer) {
        timerChanges.append((timer, nil))
    }

    /// Write `state` to this node's stable storage. It is durable when the handler returns,
    /// before any message recorded in the same handler leaves (Raft's "persist before
    /// responding"). Only the latest value is kept.
    @inlinable public mutating func persist(_ state: Node.Durable) {
        persisted = state
    }

    @inlinable public mutating func output(_ value: Node.Output) {
        outputs.append(value)
    }

    mutating func reset(now: SimTime, id: NodeID) {
        self.now = now
        self.id = id
        // Most handlers leave most of these empty; skipping the calls matters at millions of
        // events per second.
        if !sends.isEmpty { sends.removeAll(keepingCapacity: true) }
        if !timerChanges.isEmpty { timerChanges.removeAll(keepingCapacity: true) }
        if !outputs.isEmpty { outputs.removeAll(keepingCapacity: true) }
        if persisted != nil { persisted = nil }
    }
}
