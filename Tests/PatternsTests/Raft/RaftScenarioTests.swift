import Foundation
import ScenarioTesting
import Simulation
import Testing
@testable import Raft

/// Interprets the text scenarios of `Scenarios/*.txt` (etcd-io/raft's `testdata` style): real
/// `RaftNode`s on the real simulator, under the safety checker of `RaftCluster`.
///
/// Commands:
/// - `nodes N [seed=S] [prevote=on|off] [checkquorum=on|off] [snapshot=K] [maxentries=M]
///   [flaw=NAME] [delay=A-B]`: a fresh cluster (timeouts are the defaults: heartbeat
///   100 ms, election 300–600 ms).
/// - Faults, in `--inject`'s words, applied at once: `crash n2`, `restart n2`, `isolate n0`,
///   `partition n0,n1|n2,n3,n4`, `cut n0->n1`, `delay n0->n1 500ms`, `heal`.
/// - `put k1 5`, `get k1`, `cas k1 5 6`, each with `[to=nX]` (default: the current leader)
///   `[client=C]` and `[seq=N]`; sequence numbers count per client unless `seq` repeats one.
/// - `run DURATION [until=WORDS] [acks]`: runs and prints what happened, one line per event;
///   `until` stops after the first step that printed a line containing WORDS (underscores for
///   spaces); `acks` also prints a leader learning that a follower matches further.
/// - `state`: every node's role, term, vote, commit and applied indices, log and store.
/// - `log nX`: that node's entries in full.
final class RaftScenario {
    var cluster: RaftCluster?
    /// Each node's log as last printed about, to tell an overwrite from an append.
    var knownLogs: [RaftLog?] = []
    var sequences: [Int: Int] = [:]
    /// Keys the scenario wrote, in ascending order, so `state` prints the store stably.
    var keys: [Int] = []
    var reportedViolation = false
    /// Restarted nodes not yet level with the leader's commit index: the story says when they are.
    var catchingUp: [NodeID] = []

    func handle(_ stanza: ScenarioStanza) throws -> String {
        if stanza.command == "nodes" { return boot(stanza) }
        guard let cluster else { return "error: start with nodes N" }
        switch stanza.command {
        case "crash", "restart", "isolate", "partition", "cut", "delay", "heal":
            return inject(stanza, cluster)
        case "put", "get", "cas":
            return client(stanza, cluster)
        case "run":
            return run(stanza, cluster)
        case "state":
            return cluster.sim.cluster.map { describe($0, cluster) }.joined(separator: "\n")
        case "log":
            guard let id = node(stanza.arguments.first ?? ""), id < cluster.nodeCount else { return "error: log nX" }
            return entries(id, cluster)
        default:
            return "error: unknown command \(stanza.command)"
        }
    }

    // MARK: Commands

    private func boot(_ stanza: ScenarioStanza) -> String {
        let count = Int(stanza.arguments.first ?? "") ?? 3
        var config = RaftConfig()
        config.preVote = stanza.option("prevote", "on") == "on"
        config.checkQuorum = stanza.option("checkquorum", "on") == "on"
        config.snapshotThreshold = Int(stanza.option("snapshot", "0")) ?? 0
        config.maxEntriesPerMessage = Int(stanza.option("maxentries", "64")) ?? 64
        let flawName = stanza.option("flaw", "none")
        guard flawName == "none" || RaftFlaw(rawValue: flawName) != nil else { return "error: unknown flaw \(flawName)" }
        config.flaw = RaftFlaw(rawValue: flawName)
        let delay = stanza.option("delay", "1-5").split(separator: "-").compactMap { UInt64($0) }
        let network = NetworkConditions(delayMin: .milliseconds(delay.first ?? 1), delayMax: .milliseconds(delay.last ?? 5))
        let built = RaftCluster(seed: UInt64(stanza.option("seed", "1")) ?? 1, nodeCount: count,
                                config: config, network: network)
        cluster = built
        knownLogs = built.sim.nodes.map { $0?.log }
        sequences = [:]
        keys = []
        reportedViolation = false
        catchingUp = []
        let extras = [config.preVote ? "prevote" : nil, config.checkQuorum ? "checkquorum" : nil,
                      config.snapshotThreshold > 0 ? "snapshot every \(config.snapshotThreshold)" : nil,
                      config.flaw.map { "flaw \($0.rawValue)" }].compactMap { $0 }
        return "\(count) nodes, all followers in term 0; " + extras.joined(separator: ", ")
    }

    private func inject(_ stanza: ScenarioStanza, _ cluster: RaftCluster) -> String {
        if let error = cluster.sim.inject(stanza.text) { return "error: \(error)" }
        // Runs the events of this instant only: the fault, and whatever it sets off at once.
        return run(until: cluster.now, stop: nil, acks: false, cluster)
    }

    private func client(_ stanza: ScenarioStanza, _ cluster: RaftCluster) -> String {
        let words = stanza.arguments.filter { !$0.contains("=") }
        guard let key = words.first.flatMap({ $0.first == "k" ? Int($0.dropFirst()) : nil }) else {
            return "error: \(stanza.command) needs a key such as k1"
        }
        let numbers = words.dropFirst().compactMap { Int($0) }
        let operation: KVOperation
        switch (stanza.command, numbers.count) {
        case ("put", 1): operation = .write(key: key, value: numbers[0])
        case ("get", 0): operation = .read(key: key)
        case ("cas", 2): operation = .cas(key: key, expected: numbers[0], new: numbers[1])
        default: return "error: put kK V, get kK or cas kK OLD NEW"
        }
        if !keys.contains(key) {
            keys.append(key)
            keys.sort()
        }
        let target = stanza.options["to"].flatMap(node) ?? cluster.leader ?? 0
        let clientID = Int(stanza.option("client", "1")) ?? 1
        // `seq=` repeats an earlier request, as a client retrying after a timeout does.
        let sequence = stanza.options["seq"].flatMap { Int($0) } ?? (sequences[clientID, default: 0] + 1)
        sequences[clientID] = max(sequences[clientID, default: 0], sequence)
        let request = ClientRequest(client: clientID, sequence: sequence, operation: operation)
        cluster.submit(request, to: target)
        return "\(request) sent to n\(target)\n" + run(until: cluster.now, stop: nil, acks: false, cluster)
    }

    private func run(_ stanza: ScenarioStanza, _ cluster: RaftCluster) -> String {
        guard let span = FaultScript.duration(stanza.arguments.first ?? "") else {
            return "error: run takes a duration such as 300ms"
        }
        let stop = stanza.options["until"].map { $0.replacingOccurrences(of: "_", with: " ") }
        return run(until: cluster.now + span, stop: stop, acks: stanza.arguments.contains("acks"), cluster)
    }

    // MARK: Narration

    /// Runs to `limit` (or until a printed line contains `stop`) and returns the story.
    private func run(until limit: SimTime, stop: String?, acks: Bool, _ cluster: RaftCluster) -> String {
        var lines: [String] = []
        var matches = cluster.sim.nodes.map { $0?.matchIndex ?? [] }
        cluster.run(until: limit) { occurrence in
            var step: [String] = []
            narrate(occurrence, cluster, into: &step)
            for (id, output) in cluster.sim.outputs { narrate(output, at: id, cluster, into: &step) }
            if acks {
                for case let node? in cluster.sim.nodes where node.role == .leader {
                    for peer in node.peers where node.matchIndex[peer] > (matches[node.id].count > peer ? matches[node.id][peer] : 0) {
                        step.append("n\(node.id) learns n\(peer) holds its log through \(node.matchIndex[peer])"
                                        + replicaNote(node, index: node.matchIndex[peer]))
                    }
                }
                matches = cluster.sim.nodes.map { $0?.matchIndex ?? [] }
            }
            caughtUp(cluster, into: &step)
            lines += step.map { "\(cluster.now) \($0)" }
            if let stop, step.contains(where: { $0.contains(stop) }) { return false }
            return true
        }
        if let violation = cluster.violation, !reportedViolation {
            reportedViolation = true
            lines.append("\(cluster.now) SAFETY VIOLATION \(violation.invariant): \(violation.detail)")
        }
        return lines.isEmpty ? "(nothing happened)" : lines.joined(separator: "\n")
    }

    /// A restarted node has applied everything the leader has committed.
    private func caughtUp(_ cluster: RaftCluster, into lines: inout [String]) {
        guard !catchingUp.isEmpty, let leader = cluster.leader, let leaderNode = cluster.node(leader) else { return }
        catchingUp.removeAll { id in
            guard id != leader, let node = cluster.node(id), node.currentTerm == leaderNode.currentTerm,
                  node.lastApplied >= leaderNode.commitIndex else { return false }
            lines.append("n\(id) has caught up: applied through \(node.lastApplied), as leader n\(leader) committed")
            return true
        }
    }

    /// For an acknowledgement: how many nodes now hold `index`, and whether that commits it.
    private func replicaNote(_ leader: RaftNode, index: Int) -> String {
        let holders = 1 + leader.peers.filter { leader.matchIndex[$0] >= index }.count
        let term = leader.log.term(at: index) ?? 0
        let majority = holders >= leader.majority ? "a majority" : "no majority"
        return " (index \(index), term \(term): on \(holders) of \(leader.cluster.count), \(majority))"
    }

    private func narrate(_ occurrence: RaftCluster.Sim.Occurrence, _ cluster: RaftCluster, into lines: inout [String]) {
        switch occurrence {
        case .faultApplied(let fault):
            // `text` leads with the time, which the line already has.
            lines.append(FaultScript.text(ScheduledFault(at: .zero, fault)).split(separator: " ").dropFirst().joined(separator: " "))
            if case .restart(let id) = fault, let node = cluster.node(id) {
                knownLogs[id] = node.log
                if !catchingUp.contains(id) { catchingUp.append(id) }
                lines.append("n\(id) boots from disk: term \(node.currentTerm), vote \(name(node.votedFor)), "
                                 + "log \(terms(node.log))")
            }
        case .commandHandled(let id, .client(let request)):
            if let node = cluster.node(id), node.role == .leader, !request.operation.isRead,
               node.log.entry(at: node.log.lastIndex)?.payload == .client(request) {
                lines.append("n\(id) appends \(node.log.lastIndex):t\(node.currentTerm) \(request)")
            }
        case .delivered(let voter, let candidate, .requestVoteReply(let reply)):
            // Votes are the story of an election, so every answer is printed; a refusal
            // carries the voter's own term.
            let kind = reply.preVote ? "pre-vote" : "vote"
            lines.append(reply.granted ? "n\(voter) grants n\(candidate) its \(kind) for term \(reply.term)"
                             : "n\(voter) refuses n\(candidate) its \(kind) (voter's term \(reply.term))")
        case .commandLost(let id, .client(let request)):
            lines.append("n\(id) is down: \(request) lost")
        default:
            break
        }
    }

    private func narrate(_ output: RaftOutput, at id: NodeID, _ cluster: RaftCluster, into lines: inout [String]) {
        guard let node = cluster.node(id) else { return }
        switch output {
        case .preVoteStarted(let term):
            lines.append("n\(id) asks for pre-votes for term \(term) (log \(position(node.log)), term stays \(node.currentTerm))")
        case .electionStarted(let term):
            lines.append("n\(id) starts an election for term \(term) (log \(position(node.log)))")
        case .becameLeader(let term):
            let voters = node.cluster.filter { node.votes[$0] }.map { "n\($0)" }.joined(separator: ",")
            lines.append("n\(id) becomes leader of term \(term) with votes of \(voters); appends no-op at \(node.log.lastIndex)")
        case .steppedDown(let term, let reason):
            let why = reason == .lostQuorum ? "check quorum: no majority heard within an election timeout" : "saw a higher term"
            lines.append("n\(id) steps down in term \(term) (\(why))")
        case .logChanged(let from):
            defer { knownLogs[id] = node.log }
            guard let old = knownLogs[id], from <= old.lastIndex, let oldTerm = old.term(at: from),
                  oldTerm != node.log.term(at: from) else { return }
            lines.append("n\(id) overwrites \(from)...\(old.lastIndex) (\(terms(old, from: from))) with \(terms(node.log, from: from))")
        case .committed(let index) where node.role == .leader:
            let entry = node.log.entry(at: index).map { " (\($0))" } ?? " (compacted into a snapshot in the same step)"
            lines.append("n\(id) commits through \(index)\(entry)")
        case .reply(let reply):
            let what: String = switch reply.status {
            case .done(let result): "\(result)"
            case .notLeader(let hint): "not leader, try \(name(hint))"
            }
            lines.append("n\(id) answers c\(reply.client)#\(reply.sequence): \(what)")
        case .snapshotTaken(let index) where node.role == .leader:
            // Followers compact too, a heartbeat later; `state` shows their logs.
            lines.append("n\(id) snapshots through \(index), log now \(terms(node.log))")
        case .snapshotInstalled(let index, let term):
            lines.append("n\(id) installs the leader's snapshot through \(index) (t\(term)), log now \(terms(node.log))")
        case .committed, .applied, .snapshotTaken:
            break
        }
    }

    // MARK: Formatting

    private func describe(_ id: NodeID, _ cluster: RaftCluster) -> String {
        guard let node = cluster.node(id) else {
            let disk = cluster.sim.disks[id]
            return "n\(id) down (disk: term \(disk?.currentTerm ?? 0), log \(disk.map { terms($0.log) } ?? "empty"))"
        }
        let store = keys.map { "k\($0):\(node.store.value(of: $0).map(String.init) ?? "nil")" }.joined(separator: " ")
        return "n\(id) \(node.role.rawValue) term=\(node.currentTerm) vote=\(name(node.votedFor)) "
            + "commit=\(node.commitIndex) applied=\(node.lastApplied) log=\(terms(node.log))"
            + (store.isEmpty ? "" : " kv={\(store)}")
    }

    private func entries(_ id: NodeID, _ cluster: RaftCluster) -> String {
        guard let node = cluster.node(id) else { return "n\(id) is down" }
        var lines: [String] = []
        if node.log.snapshotIndex > 0 {
            lines.append("..\(node.log.snapshotIndex) in snapshot (t\(node.log.snapshotTerm))")
        }
        for index in stride(from: node.log.firstIndex, through: node.log.lastIndex, by: 1) {
            let mark = index <= node.commitIndex ? "committed" : "uncommitted"
            lines.append("\(index) \(node.log.entry(at: index)!) \(mark)")
        }
        return lines.isEmpty ? "n\(id) log is empty" : lines.joined(separator: "\n")
    }

    /// `[1:t1 2:t1 3:t2]`, with `..5:t2 |` for a compacted prefix.
    private func terms(_ log: RaftLog, from start: Int = 1) -> String {
        var parts: [String] = []
        if log.snapshotIndex > 0, start <= log.snapshotIndex { parts.append("..\(log.snapshotIndex):t\(log.snapshotTerm) |") }
        for index in stride(from: max(start, log.firstIndex), through: log.lastIndex, by: 1) {
            parts.append("\(index):t\(log.term(at: index)!)")
        }
        return "[" + parts.joined(separator: " ") + "]"
    }

    private func position(_ log: RaftLog) -> String { "\(log.lastIndex):t\(log.lastTerm)" }
    private func name(_ id: NodeID?) -> String { id.map { "n\($0)" } ?? "-" }
    private func node(_ word: String) -> NodeID? { word.first == "n" ? Int(word.dropFirst()) : nil }
}

@Test(arguments: DataDriven.files(in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scenarios"))
func raftScenario(file: String) throws {
    let scenario = RaftScenario()
    let failures = try DataDriven.run(file, handler: scenario.handle)
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
}
