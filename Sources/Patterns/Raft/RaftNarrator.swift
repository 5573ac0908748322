/// Turns what a Raft run does into timeline lines: faults and heals, pre-votes and elections,
/// leaders and step-downs, the leader's commits and snapshots, client operations as they
/// complete, and restarted nodes catching up. It also counts what the summary reports.
///
/// Simplifications:
/// - Only the leader's commits and snapshots are printed; followers do the same a heartbeat
///   later and would double the timeline.

import Simulation

final class RaftNarrator {
    let timeline: Timeline
    // Touched on every step by this class alone, on one thread: dynamic exclusivity checks
    // on these properties would cost more than the work they guard.
    @exclusivity(unchecked) private(set) var leaderHistory: [(node: NodeID, term: Term, at: SimTime)] = []
    @exclusivity(unchecked) private(set) var elections = 0
    @exclusivity(unchecked) private(set) var preVotes = 0
    @exclusivity(unchecked) private(set) var stepDowns = 0
    @exclusivity(unchecked) private(set) var snapshotsTaken = 0
    @exclusivity(unchecked) private(set) var snapshotsInstalled = 0
    @exclusivity(unchecked) private var printedCompletions = 0
    /// Restarted nodes that have not yet caught up with the leader.
    @exclusivity(unchecked) private var catchingUp: [NodeID] = []

    init(timeline: Timeline) {
        self.timeline = timeline
    }

    func observe(_ occurrence: RaftCluster.Sim.Occurrence, cluster: RaftCluster, clients: RaftClients) {
        guard !timeline.quiet else {
            // Quiet runs (the many-seed check) only count: building lines nobody reads is most
            // of the cost of narration.
            for (node, output) in cluster.sim.outputs { count(output, at: node, now: cluster.now) }
            return
        }
        let now = cluster.now
        if case .faultApplied(let fault) = occurrence { narrate(fault, cluster: cluster) }
        for (node, output) in cluster.sim.outputs { narrate(output, at: node, cluster: cluster) }
        while printedCompletions < clients.completions.count {
            narrate(clients.completions[printedCompletions], at: now)
            printedCompletions += 1
        }
        checkCatchUp(cluster)
    }

    private func narrate(_ fault: Fault, cluster: RaftCluster) {
        switch fault {
        case .crash(let node):
            timeline.event(cluster.now, node: node, "crash", "node crashes (volatile state lost; disk kept)")
        case .restart(let node):
            let log = cluster.node(node)?.log
            timeline.event(cluster.now, node: node, "restart",
                           "node restarts from disk: term \(cluster.node(node)?.currentTerm ?? 0), "
                               + "log through \(log?.lastIndex ?? 0), snapshot through \(log?.snapshotIndex ?? 0)")
            if !catchingUp.contains(node) { catchingUp.append(node) }
        case .partition(let partition):
            timeline.event(cluster.now, "partition", "network split: \(partition)")
        case .heal:
            let terms = cluster.sim.nodes.map { $0.map { "\($0.currentTerm)" } ?? "down" }.joined(separator: " ")
            timeline.event(cluster.now, "heal", "partition healed; terms of n0–n\(cluster.nodeCount - 1): \(terms)")
        case .link(let link):
            timeline.event(cluster.now, node: link.from, link.cut ? "cut" : "delay", "\(Fault.link(link))")
        case .crashAfterWrite(let node):
            timeline.event(cluster.now, node: node, "armed", "will crash once its next write is durable")
        case .crashDuringWrite(let node):
            timeline.event(cluster.now, node: node, "armed", "will crash in the middle of its next write")
        case .network(let conditions):
            timeline.event(cluster.now, "network",
                           "delay \(conditions.delayMin.milliseconds)–\(conditions.delayMax.milliseconds)ms, "
                               + "loss \(conditions.dropPerMille)‰, duplication \(conditions.duplicatePerMille)‰")
        }
    }

    private func count(_ output: RaftOutput, at node: NodeID, now: SimTime) {
        switch output {
        case .preVoteStarted: preVotes += 1
        case .electionStarted: elections += 1
        case .becameLeader(let term): leaderHistory.append((node, term, now))
        case .steppedDown: stepDowns += 1
        case .snapshotTaken: snapshotsTaken += 1
        case .snapshotInstalled: snapshotsInstalled += 1
        default: break
        }
    }

    private func narrate(_ output: RaftOutput, at node: NodeID, cluster: RaftCluster) {
        let now = cluster.now
        let raft = cluster.node(node)
        count(output, at: node, now: now)
        switch output {
        case .preVoteStarted(let term):
            timeline.event(now, node: node, "prevote", "election timeout: asks for pre-votes for term \(term)")
        case .electionStarted(let term):
            let log = raft.map { "last entry \($0.log.lastIndex)@t\($0.log.lastTerm)" } ?? ""
            timeline.event(now, node: node, "election", "starts an election for term \(term) (\(log))")
        case .becameLeader(let term):
            let voters = raft.map { r in r.cluster.filter { r.votes[$0] }.map { "n\($0)" }.joined(separator: ",") } ?? ""
            timeline.event(now, node: node, "leader", "elected leader of term \(term) by \(voters); appends a "
                               + "no-op at index \(raft?.log.lastIndex ?? 0)")
        case .steppedDown(let term, let reason):
            timeline.event(now, node: node, "stepdown", "steps down in term \(term): \(reason.rawValue)")
        case .committed(let index) where raft?.role == .leader:
            let entry = cluster.committed.count >= index ? cluster.committed[index - 1].description : ""
            timeline.event(now, node: node, "commit", "commit index \(index): \(entry)")
        case .snapshotTaken(let index):
            if raft?.role == .leader {
                timeline.event(now, node: node, "snapshot", "compacts its log through index \(index)")
            }
        case .snapshotInstalled(let index, let term):
            timeline.event(now, node: node, "install", "installs the leader's snapshot through index \(index) "
                               + "(term \(term)) and discards older log")
        default:
            break
        }
    }

    private func narrate(_ done: ClientCompletion, at now: SimTime) {
        let invoke = done.invoke
        let latency = (now - SimTime(nanoseconds: invoke.time)).milliseconds
        var what = "p\(invoke.process) \(invoke.function.rawValue) \(invoke.key)"
        switch (invoke.function, done.completion.kind) {
        case (.read, .ok): what += " → \(done.completion.valueText)"
        case (.read, _): break
        default: what += " \(invoke.valueText)"
        }
        let via = done.node.map { " via n\($0)" } ?? ""
        let tries = done.tries > 1 ? ", \(done.tries) tries" : ""
        let note: String = switch done.completion.kind {
        case .fail where invoke.function == .cas: " (value differed)"
        case .fail: " (timed out; a read has no effect)"
        case .info: " (timed out: outcome unknown; continues as a new process)"
        default: ""
        }
        timeline.event(now, "client", "\(done.completion.kind.rawValue.uppercased()) \(what)\(note)\(via) "
                           + "in \(latency)ms\(tries)")
    }

    private func checkCatchUp(_ cluster: RaftCluster) {
        guard !catchingUp.isEmpty, let leader = cluster.leader, let leaderNode = cluster.node(leader) else { return }
        catchingUp.removeAll { node in
            guard let raft = cluster.node(node), node != leader, leaderNode.commitIndex > 0,
                  raft.lastApplied >= leaderNode.commitIndex else { return false }
            timeline.event(cluster.now, node: node, "caught-up",
                           "has applied through index \(raft.lastApplied), as leader n\(leader) has committed")
            return true
        }
    }
}
