import Foundation
import ScenarioTesting
import Simulation
import Testing
@testable import PBFT

/// Interprets the PBFT scenarios in `Scenarios/*.txt` (the datadriven style of etcd-io/raft's
/// testdata): the real `PBFTNode`s of the demo on the real `Simulator`, driven stanza by stanza.
///
/// Commands:
/// - `nodes 4 [clients=1] [seed=1] [faulty=n0,n1] [behaviour=silent|equivocate|lie] [from=SEQ]
///   [checkpoint=K] [window=L] [timeout=60ms] [both=PERMILLE] [delay=MIN-MAX]`: a fresh cluster of
///   3f+1 replicas n0..n(3f) and the clients after them. Faulty replicas misbehave once the log
///   reaches `from`; `both` is the odds an equivocating primary commits both variants.
/// - `client n4 [requests=1] [think=20ms] [retry=150ms]`: the client issues requests one at a time.
/// - `run 300ms [brief] [trace]`: runs that long and prints what happened; `brief` leaves out
///   each replica's prepared/executed lines, `trace` adds every message delivered or dropped.
/// - `partition n0,n1,n2|n3`, `isolate n3`, `cut n0->n1`, `delay n0->n1 50ms`, `heal`: network
///   faults, in `--inject`'s words (`FaultScript`), applied now.
/// - `state`: each replica's view, low watermark, execution point and log; each client; and
///   whether the correct replicas still agree (`BFTSafetyChecker`).
final class PBFTScenario {
    var sim: Simulator<PBFTNode, Never>?
    var config = BFTConfig(f: 1, clients: 1)
    var checker = BFTSafetyChecker(replicas: 4, faulty: [])
    var clientCount = 1
    /// Request labels by digest, learnt from the messages, so votes print as `c4#1`, not a hash.
    var labels: [Digest: String] = [:]
    var broken: [String] = []
    /// What each replica executed at each number, from its outputs: a slot's pre-prepare may
    /// be replaced in a later view, and the state dump must still say what ran there.
    var executed: [NodeID: [Int: String]] = [:]

    func handle(_ stanza: ScenarioStanza) throws -> String {
        switch stanza.command {
        case "nodes": return boot(stanza)
        case "client": return startClient(stanza)
        case "run": return run(stanza)
        case "state": return state()
        case "partition", "isolate", "cut", "delay", "heal", "crash", "restart": return fault(stanza)
        default: return "error: unknown command \(stanza.command)"
        }
    }

    // MARK: Commands

    func boot(_ stanza: ScenarioStanza) -> String {
        let n = Int(stanza.arguments.first ?? "4") ?? 4
        guard n >= 4, (n - 1) % 3 == 0 else { return "error: PBFT needs n = 3f+1 replicas, not \(n)" }
        let f = (n - 1) / 3
        clientCount = Int(stanza.option("clients", "1")) ?? 1
        let seed = UInt64(stanza.option("seed", "1")) ?? 1
        let faulty = stanza.option("faulty", "").split(separator: ",").compactMap { Int($0.dropFirst()) }.sorted()
        guard let behaviour = ByzantineBehaviour(rawValue: stanza.option("behaviour", faulty.isEmpty ? "none" : "silent"))
        else { return "error: behaviour is one of silent, equivocate, lie" }
        guard let timeout = duration(stanza.option("timeout", "60ms")) else { return "error: timeout takes a duration" }
        let checkpoint = Int(stanza.option("checkpoint", "4")) ?? 4
        config = BFTConfig(f: f, clients: clientCount, checkpointInterval: checkpoint,
                           logWindow: Int(stanza.option("window", "\(2 * checkpoint)")) ?? 2 * checkpoint,
                           viewChangeTimeout: timeout, keys: KeyRing(secret: seed), faulty: faulty,
                           behaviour: faulty.isEmpty ? .none : behaviour,
                           misbehaveFromSeq: Int(stanza.option("from", "0")) ?? 0,
                           commitBothWaysPerMille: UInt32(stanza.option("both", "0")) ?? 0)
        let delay = stanza.option("delay", "0.5ms-4ms").split(separator: "-").compactMap { duration(String($0)) }
        guard delay.count == 2 else { return "error: delay is MIN-MAX, such as 1ms-5ms" }
        let total = n + clientCount
        sim = Simulator<PBFTNode, Never>(seed: seed, nodeCount: total,
                                         network: NetworkConditions(delayMin: delay[0], delayMax: delay[1]),
                                         disks: Array(repeating: BFTDurable(config: config), count: total))
        checker = BFTSafetyChecker(replicas: n, faulty: faulty)
        labels = [:]
        broken = []
        executed = [:]
        let clients = (n..<total).map { "n\($0)" }.joined(separator: ",")
        var lines = [
            "\(n) replicas n0..n\(n - 1) (f=\(f)), clients \(clients); the primary of view v is n(v mod \(n))",
            "prepared = pre-prepare + \(2 * f) prepares, committed = \(2 * f + 1) commits, a client needs \(f + 1) matching replies",
            "checkpoint every \(config.checkpointInterval), log window L=\(config.logWindow), view-change timeout \(time(timeout))",
        ]
        if faulty.isEmpty {
            lines.append("faulty: none")
        } else {
            lines.append("faulty (marked *): " + faulty.map { "n\($0)" }.joined(separator: ",")
                         + " \(behaviour.rawValue) from seq \(config.misbehaveFromSeq)"
                         + (faulty.count > f ? ", more than f=\(f)" : ""))
        }
        return lines.joined(separator: "\n")
    }

    func startClient(_ stanza: ScenarioStanza) -> String {
        guard let sim, let id = stanza.arguments.first.flatMap({ Int($0.dropFirst()) }), id >= config.replicas,
              id < config.replicas + clientCount else { return "error: client names a client node" }
        let requests = Int(stanza.option("requests", "1")) ?? 1
        let think = duration(stanza.option("think", "20ms")) ?? .milliseconds(20)
        let retry = duration(stanza.option("retry", "150ms")) ?? .milliseconds(150)
        sim.submit(.startClient(requests: requests, think: think, retry: retry), to: id)
        return "ok: n\(id) issues \(requests) request(s), one at a time, retrying every \(time(retry))"
    }

    func fault(_ stanza: ScenarioStanza) -> String {
        guard let sim else { return "error: no cluster" }
        return sim.inject(stanza.text).map { "error: \($0)" } ?? "ok"
    }

    func run(_ stanza: ScenarioStanza) -> String {
        guard let sim else { return "error: no cluster" }
        guard let span = stanza.arguments.first.flatMap(duration) else { return "error: run takes a duration" }
        let brief = stanza.arguments.contains("brief")
        let trace = stanza.arguments.contains("trace")
        var lines: [String] = []
        var delivered: [String: Int] = [:]
        var lost = 0
        sim.run(until: sim.now + span) { occurrence in
            switch occurrence {
            case let .delivered(from, to, message):
                learn(message)
                delivered[message.kind, default: 0] += 1
                if trace { lines.append("\(time(sim.now)) \(name(from))->\(name(to)) \(describe(message))") }
            case let .dropped(from, to, message, reason):
                lost += 1
                if trace { lines.append("\(time(sim.now)) \(name(from))->\(name(to)) \(describe(message)) LOST (\(reason.rawValue))") }
            case .faultApplied(let fault):
                lines.append("\(time(sim.now)) fault: \(fault)")
            default:
                break
            }
            for (node, output) in sim.outputs {
                if case let .executed(seq, _, request, _) = output { executed[node, default: [:]][seq] = label(request) }
                if let line = story(output, node: node, brief: brief) { lines.append("\(time(sim.now)) \(line)") }
                if let broke = check(output, node: node) {
                    broken.append(broke)
                    lines.append("\(time(sim.now)) !! \(broke)")
                }
            }
            return true
        }
        let kinds = ["request", "pre-prepare", "prepare", "commit", "reply", "checkpoint", "view-change", "new-view",
                     "state-transfer", "coalition"]
        // Counted on arrival: what a silent replica "sends" never reaches the network.
        let counts = kinds.compactMap { kind in delivered[kind].map { "\(kind) \($0)" } }
        lines.append("delivered: " + (counts.isEmpty ? "nothing" : counts.joined(separator: ", "))
                     + (lost > 0 ? "; \(lost) lost" : ""))
        return lines.joined(separator: "\n")
    }

    func state() -> String {
        guard let sim else { return "error: no cluster" }
        var lines: [String] = []
        for id in 0..<config.replicas {
            guard let r = sim.nodes[id]?.replica else {
                lines.append("\(name(id)) down")
                continue
            }
            let role = r.viewChanging ? "view-changing to v\(r.view)" : (r.isPrimary ? "primary" : "backup") + " v\(r.view)"
            let slots = r.log.sequenceNumbers.compactMap { seq -> String? in
                guard let slot = r.log.slot(seq) else { return nil }
                let request = (slot.prePrepare?.request ?? slot.certificate?.prePrepare.request).map(label)
                if slot.executed, let ran = executed[id]?[seq] {
                    return "s\(seq) \(ran) executed" + (request != nil && request != ran ? " (now pre-prepared \(request!))" : "")
                }
                let status = slot.executed ? "executed" : r.log.isCommittedLocal(seq) ? "committed"
                    : r.log.isPrepared(seq) ? "prepared" : slot.prePrepare != nil ? "pre-prepared"
                    : slot.certificate != nil ? "prepared in v\(slot.certificate!.prePrepare.view)" : "votes only"
                return "s\(seq) \(request ?? "?") \(status)"
            }
            var line = "\(name(id)) \(role) h=\(r.stableSeq) executed=\(r.lastExecuted)"
            if !r.pending.isEmpty { line += " pending=\(r.pending.map(label).joined(separator: ","))" }
            line += " log: " + (slots.isEmpty ? "empty" : slots.joined(separator: ", "))
            lines.append(line)
        }
        for id in config.replicas..<(config.replicas + clientCount) {
            guard let c = sim.nodes[id]?.client else { continue }
            let waiting = c.current.map { "waiting for \(label($0))" } ?? "idle"
            lines.append("\(name(id)) client v\(c.view) accepted=\(c.accepted) \(waiting)")
        }
        lines.append(broken.isEmpty ? "agreement: held (\(checker.executions) executions by correct replicas)"
                     : "agreement: BROKEN \(checker.conflicts.count) time(s)")
        return lines.joined(separator: "\n")
    }

    // MARK: Printing

    /// One line of the story for an output, or nil for what the reader does not need.
    func story(_ output: BFTOutput, node: NodeID, brief: Bool) -> String? {
        let who = name(node)
        switch output {
        case .sent, .committed:
            // Committed-local is always followed at once by the execution, which says it.
            return nil
        case let .prepared(seq, view, digest):
            return brief ? nil : "\(who) prepared v\(view) s\(seq) \(label(digest))"
        case let .executed(seq, view, request, result):
            guard !brief else { return nil }
            return "\(who) committed v\(view) s\(seq) \(label(request)), executed: "
                + (result.map { "result \(Digest($0))" } ?? "no-op")
        case let .accepted(request, result, replies, latency):
            return "\(who) accepted \(label(request)) result \(Digest(result)) from "
                + replies.map(name).joined(separator: ",") + " after \(time(latency))"
        case .retransmit(let request):
            return "\(who) retransmits \(label(request)) to every replica"
        case let .viewChangeSent(newView, stableSeq, certificates, reason):
            return "\(who) VIEW-CHANGE to v\(newView) (\(reason)): h=\(stableSeq), \(certificates) prepared certificate(s)"
                + silenced(node)
        case let .newViewInstalled(view, minS, maxS, reissued, nulls, primary):
            return primary
                ? "\(who) NEW-VIEW v\(view): min-s \(minS), max-s \(maxS), \(reissued) re-issued, \(nulls) null(s)"
                : "\(who) accepts NEW-VIEW v\(view)"
        case let .checkpointStable(seq, digest):
            let slots = sim?.nodes[node]?.replica?.log.count ?? 0
            return "\(who) checkpoint s\(seq) stable d=\(digest): h=\(seq), log keeps \(slots) slot(s) above it"
        case .stateTransferred(let seq):
            return "\(who) fetched the state of checkpoint s\(seq)"
        case let .rejected(from, reason):
            return "\(who) rejects \(name(from)): \(reason)"
        case let .suspectsPrimary(seq, view, mine, theirs, voters):
            return "\(who) suspects \(name(config.primary(of: view))): s\(seq) v\(view) pre-prepared \(label(mine)) to it, "
                + "\(label(theirs)) to " + voters.map(name).joined(separator: ",")
        case .misbehaved(let what):
            return "\(who) \(what)"
        }
    }

    /// A silent replica runs the correct code underneath, but nothing it sends leaves it.
    func silenced(_ node: NodeID) -> String {
        guard let r = sim?.nodes[node]?.replica, r.isFaulty, config.behaviour == .silent, r.misbehaving else { return "" }
        return " [silent: never sent]"
    }

    /// Feeds the safety checker; returns a line when a correct replica broke agreement.
    func check(_ output: BFTOutput, node: NodeID) -> String? {
        switch output {
        case let .executed(seq, _, request, result):
            return checker.executed(replica: node, seq: seq, request: request, result: result).map { "\($0.0) broken: \($0.1)" }
        case .stateTransferred(let seq):
            checker.transferred(replica: node, seq: seq)
            return nil
        default:
            return nil
        }
    }

    func describe(_ message: BFTMessage) -> String {
        switch message {
        case .request(let r): return "request \(label(r))"
        case .prePrepare(let pp): return "pre-prepare v\(pp.view) s\(pp.seq) \(label(pp.request))"
            + (pp.digest == pp.request.digest ? "" : " with digest \(label(pp.digest))")
        case .vote(let v): return "\(v.phase == .prepare ? "prepare" : "commit") v\(v.view) s\(v.seq) \(label(v.digest))"
        case let .reply(view, _, timestamp, result): return "reply v\(view) #\(timestamp) result \(Digest(result))"
        case .checkpoint(let c): return "checkpoint s\(c.seq) d=\(c.stateDigest)"
        case .viewChange(let vc): return "view-change v\(vc.newView) h=\(vc.stableSeq) P=["
            + vc.prepared.map { "s\($0.prePrepare.seq) \(label($0.prePrepare.request))" }.joined(separator: ", ") + "]"
        case .newView(let nv): return "new-view v\(nv.view) O=["
            + nv.prePrepares.map { "s\($0.seq) \(label($0.request))" }.joined(separator: ", ") + "]"
        case .fetchState(let seq): return "fetch-state s\(seq)"
        case .state(let seq, _): return "state s\(seq)"
        case let .coalition(a, b, _): return "coalition s\(a.seq) \(label(a.request))/\(label(b.request))"
        }
    }

    func learn(_ message: BFTMessage) {
        switch message {
        case .request(let r): labels[r.digest] = label(r)
        case .prePrepare(let pp): labels[pp.request.digest] = label(pp.request)
        case let .coalition(a, b, _): labels[a.request.digest] = label(a.request); labels[b.request.digest] = label(b.request)
        default: break
        }
    }

    func label(_ request: BFTRequest) -> String { request.isNull ? "null" : "c\(request.client)#\(request.timestamp)" }
    func label(_ digest: Digest) -> String { digest.value == 0 ? "null" : labels[digest] ?? "d=\(digest)" }
    func name(_ node: NodeID) -> String { "n\(node)" + (config.isFaulty(node) ? "*" : "") }

    /// Milliseconds with one decimal: enough to order the story, short enough to read.
    func time(_ t: SimTime) -> String { time(t - .zero) }
    func time(_ d: SimDuration) -> String {
        let tenths = (d.nanoseconds + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)ms"
    }

    func duration(_ word: String) -> SimDuration? {
        FaultScript.duration(word)
    }
}

@Test(arguments: DataDriven.files(in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scenarios"))
func pbftScenario(file: String) throws {
    let scenario = PBFTScenario()
    let failures = try DataDriven.run(file, handler: scenario.handle)
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
}
