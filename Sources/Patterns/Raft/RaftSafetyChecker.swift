/// Raft's safety properties (Ongaro & Ousterhout 2014, Figure 3), checked after every
/// simulator step from what the nodes report and what their disks hold:
/// - election safety: at most one leader per term;
/// - log matching: two logs with an entry of the same index and term hold the same entry there
///   and agree on the term before it (so, inductively, on the whole prefix);
/// - leader completeness: a new leader's log holds every entry committed in an earlier term
///   (a leader of a lower term can still be elected after a higher term committed entries:
///   it holds votes given before those voters moved on, and it can commit nothing);
/// - state machine safety: no two nodes apply different entries at one index;
/// - durability: every committed entry is on the stable storage of a majority, across crashes
///   and restarts, and no log ever replaces a committed entry.
///
/// Simplifications:
/// - "Committed" is what some node applied: a node applies only what it believes committed,
///   which is exactly the belief that must be safe. The term it was committed in is taken as
///   the first applier's current term: it learned of the commit from a leader of that term, so
///   the true term is no later, and the completeness check never demands too much.
/// - Checks are incremental (each output is checked once), so a check after every step costs
///   little; a restart triggers a full pass over the restarted node and the disks.

import Simulation

/// A broken property, before the harness adds seed, step and time.
public struct SafetyFailure: Equatable, Sendable {
    public var invariant: String
    public var detail: String
}

public struct RaftSafetyChecker {
    struct EntryKey: Hashable {
        var index: Int
        var term: Term
    }

    struct Seen {
        var entry: LogEntry
        var prevTerm: Term
        var node: NodeID
    }

    let nodeCount: Int
    var majority: Int { nodeCount / 2 + 1 }
    /// `committed[i - 1]` is the entry committed at index `i`.
    public private(set) var committed: [LogEntry] = []
    /// `commitTerms[i - 1]`: the term entry `i` was committed in, at the latest.
    private var commitTerms: [Term] = []
    private var leaderOfTerm: [Term: NodeID] = [:]
    private var seen: [EntryKey: Seen] = [:]
    /// Per node: its log (or snapshot) is known to hold the committed entries through this index.
    private var held: [Int]
    /// How many individual checks ran (for the summary).
    public private(set) var checks: UInt64 = 0

    public init(nodeCount: Int) {
        self.nodeCount = nodeCount
        held = Array(repeating: 0, count: nodeCount)
    }

    public var committedIndex: Int { committed.count }

    /// Checks what one step reported. `nodes` and `disks` are the simulator's, after the step.
    public mutating func observe(_ outputs: [(node: NodeID, output: RaftOutput)], nodes: [RaftNode?],
                                 disks: [RaftDurable?]) -> SafetyFailure? {
        for (id, output) in outputs {
            if let failure = check(output, at: id, nodes: nodes, disks: disks) { return failure }
        }
        return nil
    }

    private mutating func check(_ output: RaftOutput, at id: NodeID, nodes: [RaftNode?],
                                disks: [RaftDurable?]) -> SafetyFailure? {
        switch output {
        case .becameLeader(let term):
            guard let node = nodes[id] else { return nil }
            return checkElection(of: id, term: term) ?? checkCompleteness(of: node)
        case .logChanged(let from):
            guard let log = nodes[id]?.log else { return nil }
            checks += 1
            if from <= held[id] {
                return SafetyFailure(
                    invariant: "no committed entry lost",
                    detail: "n\(id) replaced committed entry \(from) (\(committed[from - 1])) with "
                        + "\(log.entry(at: from).map { "\($0)" } ?? "nothing")")
            }
            return checkLog(id, log, from: from)
        case .applied(let index, let entry):
            let failure = checkApplied(entry, at: index, by: id, term: nodes[id]?.currentTerm ?? 0, disks: disks)
            if failure == nil, let log = nodes[id]?.log { extendHeld(id, log) }
            return failure
        case .snapshotTaken(let index):
            guard let term = nodes[id]?.log.snapshotTerm else { return nil }
            return checkSnapshot(index: index, term: term, of: id)
        case .snapshotInstalled(let index, let term):
            let failure = checkSnapshot(index: index, term: term, of: id)
            if failure == nil, let log = nodes[id]?.log { extendHeld(id, log) }
            return failure
        default:
            return nil
        }
    }

    /// A crash with writes in flight (a disk write latency): entries the node knew committed
    /// but had not yet written are legitimately lost (it never acknowledged them, and they are
    /// on a majority of other disks, which `restarted` checks), so the node is held only to
    /// what its disk had. With instant storage nothing is in flight and this is not called,
    /// so a node that forgets to write its log is still caught at its restart.
    public mutating func crashedWithWritesInFlight(_ id: NodeID, disk: RaftDurable?) {
        let before = held[id]
        held[id] = 0
        if let log = disk?.log { extendHeld(id, log) }
        held[id] = min(held[id], before)
    }

    /// After a restart: the recovered log must still hold every committed entry the node held
    /// before it crashed (what it acknowledged had to be on disk), and every committed entry
    /// must still be on a majority of disks.
    public mutating func restarted(_ id: NodeID, nodes: [RaftNode?], disks: [RaftDurable?]) -> SafetyFailure? {
        guard let node = nodes[id] else { return nil }
        if node.log.snapshotIndex > 0,
           let failure = checkSnapshot(index: node.log.snapshotIndex, term: node.log.snapshotTerm, of: id) {
            return failure
        }
        let before = held[id]
        held[id] = 0
        extendHeld(id, node.log)
        if held[id] < before {
            let lost = held[id] + 1
            return SafetyFailure(
                invariant: "no committed entry lost",
                detail: "n\(id) held committed entries through index \(before) before it crashed, but restarted "
                    + "from disk without entry \(lost) (\(committed[lost - 1]))")
        }
        return checkLog(id, node.log, from: node.log.firstIndex) ?? checkDurability(disks: disks)
    }

    /// Every committed entry is held by a majority of disks (in the log, or under a snapshot).
    public mutating func checkDurability(disks: [RaftDurable?]) -> SafetyFailure? {
        var floor = committed.count
        for disk in disks { floor = min(floor, disk?.log.snapshotIndex ?? 0) }
        var index = committed.count
        while index > floor {
            if let failure = checkDurable(index, disks: disks) { return failure }
            index -= 1
        }
        return nil
    }

    private mutating func checkElection(of id: NodeID, term: Term) -> SafetyFailure? {
        checks += 1
        if let other = leaderOfTerm[term], other != id {
            return SafetyFailure(invariant: "election safety",
                                 detail: "n\(other) and n\(id) were both elected leader of term \(term)")
        }
        leaderOfTerm[term] = id
        return nil
    }

    private mutating func checkCompleteness(of leader: RaftNode) -> SafetyFailure? {
        checks += 1
        let log = leader.log
        func missing(_ index: Int) -> SafetyFailure {
            let has = log.entry(at: index).map { "\($0)" } ?? "nothing"
            return SafetyFailure(
                invariant: "leader completeness",
                detail: "n\(leader.id) became leader of term \(leader.currentTerm) without committed entry "
                    + "\(index) (\(committed[index - 1])); it has \(has) there, its log ends at \(log.lastIndex)")
        }
        // Commitment is a prefix, so what was committed before this term is a prefix too.
        var required = committed.count
        while required > 0, commitTerms[required - 1] >= leader.currentTerm { required -= 1 }
        guard log.lastIndex >= required else { return missing(log.lastIndex + 1) }
        if log.snapshotIndex > 0, log.snapshotIndex <= required,
           committed[log.snapshotIndex - 1].term != log.snapshotTerm {
            return missing(log.snapshotIndex)
        }
        var index = log.firstIndex
        while index <= required {
            if log.entry(at: index) != committed[index - 1] { return missing(index) }
            index += 1
        }
        return nil
    }

    /// Log matching, incrementally: each (index, term) names one entry and one predecessor
    /// term everywhere. (A stale log may hold another entry at a committed index: that is
    /// legal until it is overwritten.)
    private mutating func checkLog(_ id: NodeID, _ log: RaftLog, from: Int) -> SafetyFailure? {
        var index = max(from, log.firstIndex)
        while index <= log.lastIndex {
            checks += 1
            guard let entry = log.entry(at: index) else { break }
            let prevTerm = log.term(at: index - 1) ?? 0
            let key = EntryKey(index: index, term: entry.term)
            if let known = seen[key] {
                if known.entry != entry || known.prevTerm != prevTerm {
                    return SafetyFailure(
                        invariant: "log matching",
                        detail: "at index \(index) term \(entry.term), n\(known.node) holds \(known.entry) after "
                            + "term \(known.prevTerm) but n\(id) holds \(entry) after term \(prevTerm)")
                }
            } else {
                seen[key] = Seen(entry: entry, prevTerm: prevTerm, node: id)
            }
            index += 1
        }
        return nil
    }

    private mutating func checkApplied(_ entry: LogEntry, at index: Int, by id: NodeID, term: Term,
                                       disks: [RaftDurable?]) -> SafetyFailure? {
        checks += 1
        if index <= committed.count {
            guard committed[index - 1] != entry else { return nil }
            return SafetyFailure(
                invariant: "state machine safety",
                detail: "n\(id) applied \(entry) at index \(index), where \(committed[index - 1]) was applied before")
        }
        guard index == committed.count + 1 else {
            return SafetyFailure(invariant: "state machine safety",
                                 detail: "n\(id) applied index \(index) before index \(committed.count + 1)")
        }
        committed.append(entry)
        commitTerms.append(term)
        return checkDurable(index, disks: disks)
    }

    /// Moves the node's "holds the committed prefix" mark as far as its log agrees.
    private mutating func extendHeld(_ id: NodeID, _ log: RaftLog) {
        var index = max(held[id], min(log.snapshotIndex, committed.count))
        while index < committed.count, index < log.lastIndex, log.entry(at: index + 1) == committed[index] {
            index += 1
        }
        held[id] = index
    }

    private mutating func checkSnapshot(index: Int, term: Term, of id: NodeID) -> SafetyFailure? {
        checks += 1
        guard index <= committed.count, committed[index - 1].term == term else {
            return SafetyFailure(invariant: "state machine safety",
                                 detail: "n\(id) holds a snapshot through index \(index) term \(term), which was "
                                     + "not committed (committed up to \(committed.count))")
        }
        return nil
    }

    private mutating func checkDurable(_ index: Int, disks: [RaftDurable?]) -> SafetyFailure? {
        checks += 1
        let entry = committed[index - 1]
        var holders = 0
        for disk in disks {
            guard let log = disk?.log else { continue }
            if log.snapshotIndex >= index || log.entry(at: index) == entry { holders += 1 }
        }
        guard holders < majority else { return nil }
        return SafetyFailure(invariant: "no committed entry lost",
                             detail: "committed entry \(index) (\(entry)) is on \(holders) of \(nodeCount) disks, "
                                 + "fewer than a majority")
    }
}
