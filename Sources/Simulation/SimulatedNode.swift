/// A node's identity in a simulated cluster: its index, `0..<nodeCount`.
public typealias NodeID = Int

/// A protocol participant written as a pure state machine (the style of etcd's raft and
/// Apple's SWIM): it is handed one input at a time together with a `NodeContext`, changes
/// itself, and records in the context what to send, which timers to set, what to persist and
/// what to report. It never reads a clock, draws from a global generator, sleeps or does I/O.
///
/// Crash and restart: a crash throws the value away. A restart builds a new one from the
/// last `Durable` value the node handed to `context.persist(_:)` that reached its disk (with a
/// write latency, a write still in flight is lost), and nothing else. A node that forgets to
/// persist something loses it, exactly as a real server would.
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
    /// The write of `state`, made with `persist(_:notifyWhenDurable: true)`, is now on disk.
    /// With instant storage this runs right after the handler that wrote, in the same step.
    mutating func persisted(_ state: Durable, _ context: inout NodeContext<Self>)
    /// Whether `output` only reports the node's own state to the harness (a commit, an apply)
    /// rather than answering someone outside. When a node crashes the moment a write is
    /// durable (`Fault.crashAfterWrite`), its reports from that handler are still seen, since
    /// what they describe did happen, while its answers never leave.
    static func isReport(_ output: Output) -> Bool
}

extension SimulatedNode {
    /// Most nodes never ask to be told.
    public mutating func persisted(_ state: Durable, _ context: inout NodeContext<Self>) {}
    /// By default every output is an answer that a crash stops.
    public static func isReport(_ output: Output) -> Bool { false }
}

/// Everything a node may touch while it handles one input: the time, the simulation's
/// generator, and the effects it wants. The simulator applies the effects after the handler
/// returns, in the order they were recorded.
public struct NodeContext<Node: SimulatedNode> {
    public internal(set) var now: SimTime
    public internal(set) var id: NodeID
    /// The simulation's one generator, lent for the duration of the handler.
    public var rng: SeededRNG

    /// `waits`: the message leaves only once the node's writes so far are durable.
    @usableFromInline var sends: [(to: NodeID, message: Node.Message, waits: Bool)] = []
    @usableFromInline var timerChanges: [(timer: Node.Timer, after: SimDuration?)] = []
    @usableFromInline var outputs: [Node.Output] = []
    @usableFromInline var persisted: Node.Durable? = nil
    @usableFromInline var notifyWhenDurable = false

    init(rng: SeededRNG) {
        self.now = .zero
        self.id = 0
        self.rng = rng
    }

    @inlinable public mutating func send(_ message: Node.Message, to node: NodeID) {
        sends.append((node, message, true))
    }

    /// Sends `message` at once, even while this node's writes are still in flight (see
    /// `StorageConditions`). Only for a message whose meaning does not depend on those writes
    /// being durable; with instant storage it is the same as `send`.
    @inlinable public mutating func sendAheadOfWrites(_ message: Node.Message, to node: NodeID) {
        sends.append((node, message, false))
    }

    /// Fire `timer` after `delay`, replacing a pending timer of the same name.
    @inlinable public mutating func setTimer(_ timer: Node.Timer, after delay: SimDuration) {
        timerChanges.append((timer, delay))
    }

    @inlinable public mutating func cancelTimer(_ timer: Node.Timer) {
        timerChanges.append((timer, nil))
    }

    /// Write `state` to this node's stable storage. Messages recorded in the same handler
    /// leave only once it is durable (Raft's "persist before responding"): at once with
    /// instant storage, after the write latency otherwise (`StorageConditions`). Only the
    /// latest value of a handler is written. With `notifyWhenDurable`, the node's `persisted`
    /// is called once that value is on disk.
    @inlinable public mutating func persist(_ state: Node.Durable, notifyWhenDurable notify: Bool = false) {
        persisted = state
        if notify { notifyWhenDurable = true }
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
        notifyWhenDurable = false
    }
}
