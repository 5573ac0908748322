import Synchronization

/// The message-level record of a run (`--trace FILE`): every message with its id, ends, kind,
/// a short payload summary, send time and what became of it (delivered when, or dropped and
/// why, or duplicated); timers; crashes, restarts, partitions, heals and link faults;
/// persisted writes; commands from outside; and the state fields each node declares
/// (`TraceableNode`). One JSON object per record, in the order they happened; the schema is
/// documented in the README ("Trace files") and versioned by `schemaVersion`.
///
/// A recorder is handed to every simulator built while it is `current` (a task-local value,
/// set by the harness for one run), so no demo has to pass it along. With no recorder, the
/// simulator pays one nil check per event.
public final class TraceRecorder: Sendable {
    public static let schemaVersion = 1

    @TaskLocal public static var current: TraceRecorder?

    private let records = Mutex<[String]>([])
    private let simulators = Mutex(0)

    public init() {}

    /// The records so far, one JSON object per line, without newlines.
    public var lines: [String] { records.withLock { $0 } }

    /// Numbers a new simulator (several acts of one demo each have their own) and records it.
    func beginSimulation(seed: UInt64, nodeCount: Int) -> Int {
        let index = simulators.withLock { count in
            count += 1
            return count
        }
        record([("type", "simulation"), ("sim", JSONValue(index)), ("seed", JSONValue(seed)),
                ("nodes", JSONValue(nodeCount))])
        return index
    }

    func record(_ pairs: [(String, JSONValue)]) {
        let line = JSONValue.object(pairs).serialized
        records.withLock { $0.append(line) }
    }

    /// A message's kind and a short summary of its payload, from its printed form: the enum
    /// case's name, then what is inside its parentheses, cut at 160 characters.
    static func describe<Message>(_ message: Message) -> (kind: String, payload: String) {
        let text = String(describing: message)
        guard let open = text.firstIndex(of: "(") else { return (text, "") }
        let kind = String(text[..<open])
        var payload = String(text[text.index(after: open)...].dropLast(text.hasSuffix(")") ? 1 : 0))
        if payload.count > 160 { payload = String(payload.prefix(159)) + "…" }
        return (kind, payload)
    }
}

/// A node whose state the trace shows as a track (Raft: role, term, commit index). The
/// simulator records the fields after a handler whenever they changed.
public protocol TraceableNode {
    var traceState: [(String, JSONValue)] { get }
}
