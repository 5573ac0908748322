/// A linearizability checker for histories of registers (Herlihy & Wing 1990): the search of
/// Wing & Gong (1993) with Lowe's just-in-time linearization ("Testing for linearizability",
/// 2017), memoizing (set of linearized operations, model state) as Porcupine and Knossos do,
/// and checking each key on its own (linearizability is compositional, Herlihy & Wing §3.3).
///
/// The history is a doubly linked list of call and return entries in time order. The search
/// walks it: at a call, it tries to linearize that operation now (the model must allow it, and
/// the resulting configuration must be new); at a return whose call is still pending it must
/// backtrack, since that operation should already have taken effect. It succeeds when every
/// entry has been linearized.
///
/// Simplifications:
/// - The model is a register per key: read, write, compare-and-set, initially absent (nil).
/// - A failed cas is an observation: the state machine compared and found another value, so it
///   is linearized like a read that saw anything but the expected value. Other `fail`
///   operations and `info` reads are dropped (neither took effect nor constrains); an `info`
///   write or cas returns at infinity, so it may be linearized at any point after its call,
///   including after everything else, which is the same as never.
/// - At equal timestamps calls sort before returns, treating such operations as concurrent.

import Simulation

public struct LinearizabilityResult: Sendable {
    public enum Verdict: String, Sendable {
        case linearizable
        case notLinearizable = "not linearizable"
        /// The search hit its budget before deciding.
        case unknown
    }

    public var verdict: Verdict
    /// Configurations explored, over all keys.
    public var explored: Int
    /// For a failure: the key, the operation that could not be placed, and its neighbours.
    public var key: String?
    public var detail: String
    public var context: [HistoryOperation]
}

public struct LinearizabilityChecker: Sendable {
    /// Most configurations explored per key before giving up with `unknown`.
    public var budget: Int

    public init(budget: Int = 1_000_000) {
        self.budget = budget
    }

    /// Checks a Jepsen-style history (invocations and completions in time order).
    public func check(_ events: [HistoryEvent]) -> LinearizabilityResult {
        check(operations: HistoryOperation.pair(events))
    }

    public func check(operations: [HistoryOperation]) -> LinearizabilityResult {
        var byKey: [String: [HistoryOperation]] = [:]
        for op in operations where RegisterSearch.constrains(op) { byKey[op.key, default: []].append(op) }
        var explored = 0
        var verdict = LinearizabilityResult.Verdict.linearizable
        var undecidedKey: String?
        for key in byKey.keys.sorted() {
            var search = RegisterSearch(operations: byKey[key]!, budget: budget)
            let outcome = search.run()
            explored += search.explored
            switch outcome {
            case .linearizable:
                continue
            case .unknown:
                verdict = .unknown
                undecidedKey = undecidedKey ?? key
            case .stuck(let index):
                let ops = byKey[key]!
                return LinearizabilityResult(
                    verdict: .notLinearizable, explored: explored, key: key,
                    detail: "\(ops[index]) cannot be linearized (the longest linearizable prefix found "
                        + "holds \(search.bestDepth) of the \(ops.count) operations on \(key))",
                    context: Self.neighbours(of: index, in: ops))
            }
        }
        let detail = verdict == .unknown ? "search budget exhausted on \(undecidedKey ?? "?")" : ""
        return LinearizabilityResult(verdict: verdict, explored: explored, key: undecidedKey, detail: detail, context: [])
    }

    /// The operations overlapping the one that failed, and a few before it.
    static func neighbours(of index: Int, in ops: [HistoryOperation]) -> [HistoryOperation] {
        let failed = ops[index]
        let end = failed.completedAt ?? UInt64.max
        let overlapping = ops.filter { op in
            op.invokedAt <= end && (op.completedAt ?? UInt64.max) >= failed.invokedAt
        }
        let earlier = ops.filter { ($0.completedAt ?? UInt64.max) < failed.invokedAt }.suffix(3)
        return Array(earlier) + overlapping.prefix(8)
    }
}

/// The search for one key.
struct RegisterSearch {
    enum Outcome {
        case linearizable
        case unknown
        /// Backtracking ran out; the operation whose return could not be passed at the deepest point.
        case stuck(Int)
    }

    struct Configuration: Hashable {
        var linearized: [UInt64]
        var state: Int?
    }

    let operations: [HistoryOperation]
    let budget: Int
    // The entry list: entry 0 is the head; entry 2i+1 is operation i's call, 2i+2 its return.
    var next: [Int]
    var prev: [Int]
    private(set) var explored = 0
    private(set) var bestDepth = 0

    /// Does the operation say anything about the register?
    static func constrains(_ op: HistoryOperation) -> Bool {
        switch op.outcome {
        case .ok: true
        case .info: op.function != .read
        case .fail: op.function == .cas
        case .invoke: false
        }
    }

    init(operations: [HistoryOperation], budget: Int) {
        self.operations = operations
        self.budget = budget
        var timed: [(time: UInt64, isReturn: Bool, entry: Int)] = []
        for (i, op) in operations.enumerated() {
            timed.append((op.invokedAt, false, 2 * i + 1))
            timed.append((op.completedAt ?? UInt64.max, true, 2 * i + 2))
        }
        timed.sort { a, b in
            a.time != b.time ? a.time < b.time : (a.isReturn != b.isReturn ? !a.isReturn : a.entry < b.entry)
        }
        let count = 2 * operations.count + 1
        next = Array(repeating: -1, count: count)
        prev = Array(repeating: -1, count: count)
        var last = 0
        for item in timed {
            next[last] = item.entry
            prev[item.entry] = last
            last = item.entry
        }
    }

    /// One step of the register: is `op` allowed in `state`, and what state follows.
    static func step(_ state: Int?, _ op: HistoryOperation) -> (Bool, Int?) {
        switch (op.function, op.value) {
        case (.read, .int(let value)): return (state == value, state)
        case (.read, _): return (state == nil, state)
        case (.write, .int(let value)): return (true, value)
        case (.cas, .pair(let expected, let new)):
            // A failed cas saw another value; an unknown one that did failed, changing nothing.
            if op.outcome == .fail { return (state != expected, state) }
            if state == expected { return (true, new) }
            return (op.outcome == .info, state)
        default: return (false, state)
        }
    }

    mutating func run() -> Outcome {
        var linearized = [UInt64](repeating: 0, count: (operations.count + 63) / 64)
        var depth = 0
        var state: Int? = nil
        var seen: Set<Configuration> = []
        var calls: [(entry: Int, state: Int?)] = []
        var stuckAt = 0
        var entry = next[0]
        while next[0] != -1 {
            if entry % 2 == 1 {
                let op = (entry - 1) / 2
                let (allowed, after) = Self.step(state, operations[op])
                if allowed {
                    var candidate = linearized
                    candidate[op / 64] |= 1 << UInt64(op % 64)
                    if seen.insert(Configuration(linearized: candidate, state: after)).inserted {
                        explored += 1
                        if explored > budget { return .unknown }
                        calls.append((entry, state))
                        state = after
                        linearized = candidate
                        depth += 1
                        lift(entry)
                        entry = next[0]
                        continue
                    }
                }
                entry = next[entry]
            } else {
                if depth >= bestDepth {
                    bestDepth = depth
                    stuckAt = (entry - 2) / 2
                }
                guard let (call, before) = calls.popLast() else { return .stuck(stuckAt) }
                let op = (call - 1) / 2
                state = before
                linearized[op / 64] &= ~(1 << UInt64(op % 64))
                depth -= 1
                unlift(call)
                entry = next[call]
            }
        }
        return .linearizable
    }

    /// Removes a call and its return from the list; `unlift` puts them back.
    private mutating func lift(_ call: Int) {
        remove(call)
        remove(call + 1)
    }

    private mutating func unlift(_ call: Int) {
        reinsert(call + 1)
        reinsert(call)
    }

    /// Dancing links: a removed entry keeps its own links, so undoing in reverse order restores it.
    private mutating func remove(_ entry: Int) {
        next[prev[entry]] = next[entry]
        if next[entry] != -1 { prev[next[entry]] = prev[entry] }
    }

    private mutating func reinsert(_ entry: Int) {
        next[prev[entry]] = entry
        if next[entry] != -1 { prev[next[entry]] = entry }
    }
}
