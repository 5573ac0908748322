/// A client history in Jepsen's convention (Kingsbury, "Jepsen: Knossos"; the `jepsen.history`
/// format): each operation is an `invoke` followed by its completion from the same process:
/// `ok` (it happened, with its result), `fail` (it certainly did not happen) or `info` (unknown:
/// it may have happened at any time after its invocation, or never). A process has one
/// operation outstanding at a time; after an `info` the client continues as a new process.
///
/// Simplifications:
/// - Only read, write and compare-and-set on integer registers named by a string key.

import Simulation

public struct HistoryEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case invoke, ok, fail, info
    }

    public enum Function: String, Sendable {
        case read, write, cas
    }

    /// What the operation carried: nothing (a read's invocation), an integer or nil (a write's
    /// value, a read's result), or a pair (a cas's expected and new values).
    public enum Value: Equatable, Sendable {
        case none
        case int(Int)
        case pair(Int, Int)
    }

    public var process: Int
    public var kind: Kind
    public var function: Function
    public var key: String
    public var value: Value
    /// Nanoseconds of simulated time.
    public var time: UInt64

    public init(process: Int, kind: Kind, function: Function, key: String, value: Value, time: UInt64) {
        self.process = process
        self.kind = kind
        self.function = function
        self.key = key
        self.value = value
        self.time = time
    }

    /// One line of the `--history` file.
    public var json: JSONValue {
        let value: JSONValue = switch self.value {
        case .none: .null
        case .int(let n): JSONValue(n)
        case .pair(let a, let b): .array([JSONValue(a), JSONValue(b)])
        }
        return .object([
            ("process", JSONValue(process)), ("type", .string(kind.rawValue)), ("f", .string(function.rawValue)),
            ("key", .string(key)), ("value", value), ("time", JSONValue(time)),
        ])
    }

    public var valueText: String {
        switch value {
        case .none: "nil"
        case .int(let n): String(n)
        case .pair(let a, let b): "\(a)→\(b)"
        }
    }
}

/// An invocation paired with its completion.
public struct HistoryOperation: Equatable, Sendable, CustomStringConvertible {
    public var process: Int
    public var function: HistoryEvent.Function
    public var key: String
    /// The invocation's value (write, cas) or the result (an ok read).
    public var value: HistoryEvent.Value
    public var outcome: HistoryEvent.Kind
    public var invokedAt: UInt64
    /// nil when the outcome is unknown (`info`) or missing: it may take effect at any later time.
    public var completedAt: UInt64?

    public var description: String {
        let input = HistoryEvent(process: process, kind: outcome, function: function, key: key, value: value, time: 0)
        let end = completedAt.map { SimDuration(nanoseconds: $0).description } ?? "∞"
        return "p\(process) \(function.rawValue) \(key) \(input.valueText) \(outcome.rawValue) "
            + "[\(SimDuration(nanoseconds: invokedAt)), \(end)]"
    }

    /// Pairs each invocation with the next completion of the same process; an invocation
    /// never completed counts as `info`.
    public static func pair(_ events: [HistoryEvent]) -> [HistoryOperation] {
        var open: [Int: Int] = [:]
        var operations: [HistoryOperation] = []
        for event in events {
            if event.kind == .invoke {
                open[event.process] = operations.count
                operations.append(HistoryOperation(process: event.process, function: event.function, key: event.key,
                                                   value: event.value, outcome: .info, invokedAt: event.time,
                                                   completedAt: nil))
            } else if let index = open.removeValue(forKey: event.process) {
                operations[index].outcome = event.kind
                if event.kind != .info { operations[index].completedAt = event.time }
                if event.function == .read && event.kind == .ok { operations[index].value = event.value }
            }
        }
        return operations
    }
}
