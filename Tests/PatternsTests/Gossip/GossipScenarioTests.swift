import Foundation
import ScenarioTesting
import Simulation
import Testing
@testable import Gossip

/// Interprets the text scenarios of `Scenarios/*.txt` (etcd-io/raft's `testdata` style): real
/// `SwimNode`s on the real simulator, every member configured from its disk as a deployment
/// would be.
///
/// Commands:
/// - `nodes N [seed=S] [period=1000ms] [timeout=300ms] [k=3] [suspicion=4] [pushpull=5]
///   [delay=A-B] [variant=NAME]`: a fresh group. `timeout` is the direct ping's wait before
///   ping-req, `k` the helpers asked, `suspicion` the multiplier of ⌈log10 n⌉ periods a
///   suspicion lasts, `pushpull` the periods between anti-entropy exchanges.
/// - Faults, in `--inject`'s words, applied at once: `crash n2`, `restart n2`, `isolate n0`,
///   `partition n0,n1|n2,n3,n4`, `cut n0->n1`, `delay n0->n1 500ms`, `heal`.
/// - `run DURATION [until=WORDS] [msgs|events]`: runs and prints what happened, one line per
///   event. By default: membership changes, the ping-reqs and relayed acks of indirect probes
///   (rare, so each is worth a line) and lost probe messages. `msgs` adds every ping, ack and
///   push-pull; `events` keeps the membership changes only; `summary` prints only how many
///   changes of each kind (`suspect` by probe, `suspect~` by gossip, `confirm`, `dead~`,
///   `alive`, `refute`) happened. `until` stops after the first step
///   that printed a line containing WORDS (underscores for spaces).
/// - `state`: each member's incarnation and its view of every member (status/incarnation),
///   how many updates it still has to piggyback, then whether the live members agree.
final class SwimScenario {
    enum Detail { case summary, events, probes, messages }

    var sim: Simulator<SwimNode, Never>?

    func handle(_ stanza: ScenarioStanza) throws -> String {
        if stanza.command == "nodes" { return boot(stanza) }
        guard let sim else { return "error: start with nodes N" }
        switch stanza.command {
        case "crash", "restart", "isolate", "partition", "cut", "delay", "heal":
            return inject(stanza, sim)
        case "run":
            return run(stanza, sim)
        case "state":
            return state(sim)
        default:
            return "error: unknown command \(stanza.command)"
        }
    }

    // MARK: Commands

    private func boot(_ stanza: ScenarioStanza) -> String {
        let count = Int(stanza.arguments.first ?? "") ?? 5
        var config = SwimConfig(members: count)
        if let period = duration(stanza.options["period"]) { config.period = period }
        if let timeout = duration(stanza.options["timeout"]) { config.pingTimeout = timeout }
        config.indirectProbes = Int(stanza.option("k", "3")) ?? 3
        config.suspicionMultiplier = Int(stanza.option("suspicion", "4")) ?? 4
        config.pushPullPeriods = Int(stanza.option("pushpull", "5")) ?? 5
        guard let variant = SwimVariant(rawValue: stanza.option("variant", "correct")) else {
            return "error: unknown variant \(stanza.option("variant", ""))"
        }
        config.variant = variant
        let delay = stanza.option("delay", "1-5").split(separator: "-").compactMap { UInt64($0) }
        let network = NetworkConditions(delayMin: .milliseconds(delay.first ?? 1), delayMax: .milliseconds(delay.last ?? 5))
        // The settings are on every disk before the first boot, as a config file would be.
        sim = Simulator<SwimNode, Never>(seed: UInt64(stanza.option("seed", "1")) ?? 1, nodeCount: count, network: network,
                                         disks: Array(repeating: SwimDisk(config: config), count: count))
        let extras = variant == .correct ? "" : ", variant \(variant.rawValue)"
        return "\(count) members, all alive at incarnation 0; period \(config.period), ping timeout \(config.pingTimeout), "
            + "k=\(config.indirectProbes), suspicion \(config.suspicionPeriods) periods, "
            + "each update piggybacked \(config.transmitLimit) times, push-pull every \(config.pushPullPeriods) periods"
            + extras
    }

    private func inject(_ stanza: ScenarioStanza, _ sim: Simulator<SwimNode, Never>) -> String {
        if let error = sim.inject(stanza.text) { return "error: \(error)" }
        // Runs the events of this instant only: the fault, and whatever it sets off at once.
        return run(until: sim.now, stop: nil, detail: .probes, sim)
    }

    private func run(_ stanza: ScenarioStanza, _ sim: Simulator<SwimNode, Never>) -> String {
        guard let span = duration(stanza.arguments.first) else { return "error: run takes a duration such as 3s" }
        let stop = stanza.options["until"].map { $0.replacingOccurrences(of: "_", with: " ") }
        let detail: Detail = stanza.arguments.contains("msgs") ? .messages
            : stanza.arguments.contains("events") ? .events
            : stanza.arguments.contains("summary") ? .summary : .probes
        return run(until: sim.now + span, stop: stop, detail: detail, sim)
    }

    // MARK: Narration

    /// Runs to `limit` (or until a printed line contains `stop`) and returns the story.
    private func run(until limit: SimTime, stop: String?, detail: Detail, _ sim: Simulator<SwimNode, Never>) -> String {
        var lines: [String] = []
        var counts: [SwimEvent.Kind: Int] = [:]
        sim.run(until: limit) { occurrence in
            var step = narrate(occurrence, detail)
            let cause = cause(of: occurrence)
            for (id, event) in sim.outputs {
                counts[event.kind, default: 0] += 1
                step.append(narrate(event, at: id, cause: cause))
            }
            if detail != .summary { lines += step.map { "\(sim.now) \($0)" } }
            if let stop, step.contains(where: { $0.contains(stop) }) { return false }
            return true
        }
        if detail == .summary {
            // A fixed order of kinds, not the dictionary's, keeps the output stable.
            let kinds: [SwimEvent.Kind] = [.suspectByProbe, .suspectByGossip, .confirm, .deadByGossip, .alive, .refute]
            let parts = kinds.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
            return parts.isEmpty ? "(no membership change)" : "membership changes to \(sim.now): " + parts.joined(separator: ", ")
        }
        return lines.isEmpty ? "(nothing happened)" : lines.joined(separator: "\n")
    }

    private func narrate(_ occurrence: Simulator<SwimNode, Never>.Occurrence, _ detail: Detail) -> [String] {
        switch occurrence {
        case .faultApplied(let fault):
            // `text` leads with the time, which the line already has.
            return [FaultScript.text(ScheduledFault(at: .zero, fault)).split(separator: " ").dropFirst().joined(separator: " ")]
        case let .delivered(from, to, message):
            guard detail == .messages || (detail == .probes && indirect(message)) else { return [] }
            return [describe(message, from: from, to: to)]
        case let .dropped(from, to, message, reason):
            // A lost probe message is the start of every failure story, so it is printed by
            // default; a push-pull lost is repaired by the next one and is only noise.
            guard detail == .messages || (detail == .probes && !isPushPull(message)) else { return [] }
            return ["lost (\(reason.rawValue)): " + describe(message, from: from, to: to)]
        default:
            return []
        }
    }

    /// Ping-req and the relayed ack: the indirect probe of §3.1.
    private func indirect(_ message: SwimMessage) -> Bool {
        switch message {
        case .pingReq, .forwardedAck: true
        case .ping, .ack, .pushPull: false
        }
    }

    private func isPushPull(_ message: SwimMessage) -> Bool {
        if case .pushPull = message { return true }
        return false
    }

    /// What made a member change its view, for the end of its line.
    private func cause(of occurrence: Simulator<SwimNode, Never>.Occurrence) -> String {
        switch occurrence {
        case let .delivered(from, _, message): "on \(kind(message)) from n\(from)"
        case .timerFired: "at its period"
        case .faultApplied(.restart): "at boot"
        default: ""
        }
    }

    private func narrate(_ event: SwimEvent, at id: NodeID, cause: String) -> String {
        let m = "n\(event.member)"
        let inc = "inc \(event.incarnation)"
        switch event.kind {
        case .suspectByProbe: return "n\(id) suspects \(m) (\(inc)): no ack, direct or indirect, in its probe period"
        case .suspectByGossip: return "n\(id) suspects \(m) (\(inc)), \(cause)"
        case .confirm: return "n\(id) confirms \(m) dead (\(inc)): its suspicion timed out"
        case .deadByGossip: return "n\(id) learns \(m) is dead (\(inc)), \(cause)"
        case .alive: return "n\(id) holds \(m) alive again (\(inc)), \(cause)"
        case .refute: return "n\(id) refutes: alive at \(inc), \(cause)"
        }
    }

    private func kind(_ message: SwimMessage) -> String {
        switch message {
        case .ping: "ping"
        case .ack: "ack"
        case .pingReq: "ping-req"
        case .forwardedAck: "relayed ack"
        case .pushPull(_, _, let reply): reply ? "push-pull" : "push-pull reply"
        }
    }

    private func describe(_ message: SwimMessage, from: NodeID, to: NodeID) -> String {
        switch message {
        case let .ping(seq, updates):
            return "n\(from) pings n\(to) (seq \(seq))" + carried(updates)
        case let .ack(seq, incarnation, updates):
            return "n\(from) acks n\(to) (seq \(seq), inc \(incarnation))" + carried(updates)
        case let .pingReq(seq, target, updates):
            return "n\(from) asks n\(to) to ping n\(target) (ping-req, seq \(seq))" + carried(updates)
        case let .forwardedAck(seq, target, incarnation, updates):
            return "n\(from) relays n\(target)'s ack to n\(to) (seq \(seq), inc \(incarnation))" + carried(updates)
        case let .pushPull(members, _, reply):
            let view = members.map(short).joined(separator: " ")
            return "n\(from) \(reply ? "push-pulls" : "answers the push-pull of") n\(to) with its view [\(view)]"
        }
    }

    private func carried(_ updates: [MemberUpdate]) -> String {
        updates.isEmpty ? "" : " carrying " + updates.map(\.description).joined(separator: " ")
    }

    // MARK: State

    private func state(_ sim: Simulator<SwimNode, Never>) -> String {
        var lines = sim.cluster.map { id -> String in
            guard let node = sim.nodes[id] else {
                let inc = sim.disks[id]?.incarnation.map(String.init) ?? "-"
                return "n\(id) down (disk: inc \(inc))"
            }
            let view = sim.cluster.map { "n\($0) \(short(node.view.record($0)))" }.joined(separator: "  ")
            return "n\(id) inc=\(node.view.ownIncarnation) view: \(view)  (to gossip: \(node.buffer.count))"
        }
        lines.append(agreement(sim))
        return lines.joined(separator: "\n")
    }

    /// `alive/0`, `suspect/1`, `dead/0`.
    private func short(_ record: MemberUpdate) -> String { "\(record.status)/\(record.incarnation)" }

    /// Whether every live member holds the same status and incarnation for every member, and
    /// the first member they differ on if not.
    private func agreement(_ sim: Simulator<SwimNode, Never>) -> String {
        let live = sim.cluster.compactMap { sim.nodes[$0] }
        guard let first = live.first else { return "no member is up" }
        for member in sim.cluster {
            let records = live.map { short($0.view.record(member)) }
            if records.contains(where: { $0 != records[0] }) {
                let who = zip(live, records).map { "n\($0.0.id) \($0.1)" }.joined(separator: ", ")
                return "views differ on n\(member): \(who)"
            }
        }
        let dead = sim.cluster.filter { first.view.status[$0] == .dead }.map { "n\($0)" }
        return "all \(live.count) live members agree" + (dead.isEmpty ? "" : "; dead: " + dead.joined(separator: " "))
    }

    private func duration(_ word: String?) -> SimDuration? {
        word.flatMap(FaultScript.duration)
    }
}

@Test(arguments: DataDriven.files(in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scenarios"))
func gossipScenario(file: String) throws {
    let scenario = SwimScenario()
    let failures = try DataDriven.run(file, handler: scenario.handle)
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
}
