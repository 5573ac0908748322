import Foundation
import ScenarioTesting
import Simulation
import Testing
@testable import DistributedLock

/// Interprets the lock scenarios in `Scenarios/*.txt` on the real `LockNode`s and `Simulator`.
/// Node 0 is the lock service, the last node the storage it protects, the nodes between are
/// clients (the same layout as the demo).
///
///     nodes N [fencing=on|off] [seed=S] [delay=A-B] [flaw=forgetsTokenCounter|sharedIgnoresWriter]
///     acquire nC [mode=exclusive|shared] [ttl=1000ms] [hold=300ms] [timeout=5s] [pause=0ms] [after=0ms]
///         queues one job on client nC: take the lock, (pause, then) write or read once, renew
///         every ttl/3, release after `hold`. The client model has no separate release
///         command: its release is the end of `hold`.
///     crash nX | crash-after-write nX | restart nX | isolate nX | partition n0|n1,n2 | heal
///     cut nA->nB | delay nA->nB 500ms
///         a fault now, in `--inject`'s words (`FaultScript`).
///     run DURATION [msgs=on] [show=jobs]
///                              advances the clock; prints each report, fault and lost message
///                              (with msgs=on, every delivery too; with show=jobs, only each
///                              finished job's outcome, untimed).
///     state                    each node's protocol state; a crashed node's disk.
///
/// Each report goes through the demo's own `LockAuditor`, so a broken invariant or (with
/// fencing off) a corrupting write is printed as an `AUDIT` line where it happens.
final class LockScenario {
    var sim: Simulator<LockNode, Never>?
    var auditor = LockAuditor(fencing: true)
    /// Job numbers per client, so each client's jobs read 1, 2, 3 in the output.
    var jobsGiven: [Int] = []

    var storageID: NodeID { sim!.cluster.count - 1 }

    func handle(_ stanza: ScenarioStanza) throws -> String {
        switch stanza.command {
        case "nodes": return boot(stanza)
        case "acquire": return acquire(stanza)
        case "crash", "crash-after-write", "restart", "isolate", "partition", "heal", "cut", "delay":
            guard let sim else { return "error: nodes first" }
            return sim.inject(stanza.text).map { "error: \($0)" } ?? "ok"
        case "run":
            guard let span = stanza.arguments.first.flatMap(Self.duration) else { return "error: run takes a duration" }
            return run(span, messages: stanza.option("msgs", "off") == "on", jobsOnly: stanza.option("show", "all") == "jobs")
        case "state": return state()
        default:
            return "error: unknown command \(stanza.command)"
        }
    }

    private func boot(_ stanza: ScenarioStanza) -> String {
        let count = Int(stanza.arguments.first ?? "") ?? 4
        guard count >= 3 else { return "error: a service, a client and a storage need 3 nodes" }
        let fencing = stanza.option("fencing", "on") == "on"
        var flaw: LockService.Flaw?
        if let name = stanza.options["flaw"] {
            guard let parsed = LockService.Flaw(rawValue: name) else { return "error: no flaw \(name)" }
            flaw = parsed
        }
        let delay = stanza.option("delay", "1-5").split(separator: "-").compactMap { UInt64($0) }
        let network = NetworkConditions(delayMin: .milliseconds(delay[0]), delayMax: .milliseconds(delay[1]))
        // As in the demo, service and storage boot from their configured disks; clients from nothing.
        let disks: [LockNode.Durable?] = [.service(LockService(flaw: flaw))]
            + Array(repeating: nil, count: count - 2) + [.storage(FencedStorage(fencing: fencing))]
        sim = Simulator<LockNode, Never>(seed: UInt64(stanza.option("seed", "1"))!, nodeCount: count,
                                         network: network, disks: disks)
        auditor = LockAuditor(fencing: fencing)
        jobsGiven = Array(repeating: 0, count: count)
        let clients = (1..<count - 1).map { "n\($0)" }.joined(separator: " ")
        return "n0 lock service\(flaw.map { " (flaw: \($0.rawValue))" } ?? ""); clients \(clients); "
            + "n\(count - 1) storage, fencing \(fencing ? "on" : "off")"
    }

    private func acquire(_ stanza: ScenarioStanza) -> String {
        guard let sim else { return "error: nodes first" }
        guard let word = stanza.arguments.first, word.first == "n", let client = Int(word.dropFirst()),
              (1..<storageID).contains(client) else { return "error: acquire names a client n1…n\(storageID - 1)" }
        guard let mode = LockMode(rawValue: stanza.option("mode", "exclusive")) else { return "error: mode is exclusive or shared" }
        var durations: [String: SimDuration] = [:]
        for (key, fallback) in [("ttl", "1000ms"), ("hold", "300ms"), ("timeout", "5s"), ("pause", "0ms"), ("after", "0ms")] {
            guard let value = Self.duration(stanza.option(key, fallback)) else { return "error: \(key) takes a duration" }
            durations[key] = value
        }
        jobsGiven[client] += 1
        let job = LockJob(id: jobsGiven[client], mode: mode, ttl: durations["ttl"]!, hold: durations["hold"]!,
                          timeout: durations["timeout"]!, pauseBeforeWrite: durations["pause"]!,
                          startAfter: durations["after"]!)
        sim.submit(.run([job]), to: client)
        return "n\(client) job \(job.id): \(mode.rawValue), ttl \(job.ttl.milliseconds)ms, hold \(job.hold.milliseconds)ms"
            + (job.pauseBeforeWrite == .zero ? "" : ", pauses \(job.pauseBeforeWrite.milliseconds)ms before its write")
    }

    private func run(_ span: SimDuration, messages: Bool, jobsOnly: Bool) -> String {
        guard let sim else { return "error: nodes first" }
        var lines: [String] = []
        sim.run(until: sim.now + span) { occurrence in
            // With show=jobs every line is untimed and only outcomes are kept, so the expected
            // text of such a stanza can be written by hand (a bug report that fails until fixed).
            let at = jobsOnly ? "" : "\(sim.now) "
            switch occurrence {
            case .faultApplied(let fault) where !jobsOnly:
                lines.append("\(at)fault: \(fault)")
            case let .dropped(from, to, message, reason) where !jobsOnly:
                lines.append("\(at)lost n\(from)->n\(to) \(Self.describe(message)): \(reason.rawValue)")
            case let .delivered(from, to, message) where messages && !jobsOnly:
                lines.append("\(at)n\(from)->n\(to) \(Self.describe(message))")
            case .commandLost(let node, _):
                lines.append("\(at)n\(node) is down: its job is lost")
            default:
                break
            }
            for (node, output) in sim.outputs {
                var shown = !jobsOnly
                if case .jobDone = output { shown = true }
                if shown { lines.append("\(at)n\(node) \(Self.describe(output))") }
                let before = auditor.corruptions.count
                if let (invariant, detail) = auditor.observe(output, at: sim.now) {
                    lines.append("\(at)AUDIT broken \(invariant): \(detail)")
                }
                for found in auditor.corruptions.dropFirst(before) { lines.append("\(at)AUDIT corruption: \(found)") }
            }
            return true
        }
        return lines.isEmpty ? "(nothing)" : lines.joined(separator: "\n")
    }

    private func state() -> String {
        guard let sim else { return "error: nodes first" }
        return sim.cluster.map { id -> String in
            guard let node = sim.nodes[id] else {
                switch sim.disks[id] {
                case .service(let s)?: return "n\(id) service DOWN; on disk: \(Self.describe(s))"
                case .storage(let s)?: return "n\(id) storage DOWN; on disk: \(Self.describe(s))"
                case .client(let next)?: return "n\(id) client DOWN; on disk: next request \(next)"
                case nil: return "n\(id) client DOWN; nothing on disk"
                }
            }
            switch node.role {
            case .service(let s): return "n\(id) service: \(Self.describe(s))"
            case .storage(let s): return "n\(id) storage: \(Self.describe(s))"
            case .client(let c): return "n\(id) client: \(Self.describe(c))"
            }
        }.joined(separator: "\n")
    }

    // MARK: Text

    static func duration(_ word: String) -> SimDuration? {
        FaultScript.duration(word)
    }

    static func describe(_ s: LockService) -> String {
        let leases = s.leases.map { "n\($0.client) \($0.mode.rawValue) token \($0.token) until \($0.expiresAt)" }
        let waiters = s.waiters.map { "n\($0.client) \($0.mode.rawValue) (gives up at \($0.deadline))" }
        return "last token \(s.lastToken); leases [\(leases.joined(separator: ", "))]; "
            + "waiting [\(waiters.joined(separator: ", "))]"
    }

    static func describe(_ s: FencedStorage) -> String {
        "fencing \(s.fencing ? "on" : "off"), highest token \(s.highestToken), value \"\(s.value)\""
    }

    static func describe(_ c: LockClient) -> String {
        var text: String
        switch c.phase {
        case nil: text = "idle"
        case let .acquiring(req, firstSent)?: text = "asking (request \(req), since \(firstSent))"
        case let .holding(token, validUntil, _)?: text = "holds token \(token), valid by its clock until \(validUntil)"
        }
        if let job = c.job { text += " for job \(job.id)" }
        if let until = c.pausedUntil { text += "; PAUSED until \(until)" }
        if !c.jobs.isEmpty { text += "; \(c.jobs.count) job(s) queued" }
        return text
    }

    static func describe(_ output: LockOutput) -> String {
        switch output {
        case let .granted(client, mode, token, expiresAt):
            return "grants n\(client) \(mode.rawValue), token \(token), lease until \(expiresAt)"
        case let .renewed(token, expiresAt): return "renews token \(token) until \(expiresAt)"
        case .released(let token): return "released token \(token)"
        case .expired(let token): return "lease on token \(token) EXPIRED"
        case .waiterTimedOut(let client): return "drops n\(client)'s request: waited past its timeout"
        case let .accepted(client, token, value): return "accepts write from n\(client), token \(token): \"\(value)\""
        case let .rejected(client, token, highest):
            return "REJECTS write from n\(client), token \(token) < highest seen \(highest)"
        case let .readBy(client, token): return "serves a read to n\(client), token \(token)"
        case let .jobDone(_, job, result): return "job \(job) done: \(result)"
        case .note(let text): return text
        }
    }

    static func describe(_ message: LockMessage) -> String {
        switch message {
        case let .acquire(req, mode, _, _): return "acquire \(mode.rawValue) (request \(req))"
        case .renew(let token, _, _): return "renew token \(token)"
        case .release(let token): return "release token \(token)"
        case let .granted(_, token, _, _): return "granted token \(token)"
        case .acquireTimedOut(let req): return "timed out (request \(req))"
        case .renewed(let token, _, _): return "renewed token \(token)"
        case .leaseLost(let token): return "lease lost token \(token)"
        case let .write(_, token, _): return "write token \(token)"
        case .read(_, let token): return "read token \(token)"
        case .writeAccepted: return "write accepted"
        case .writeRejected(_, let highest): return "write rejected (highest \(highest))"
        case .readReply: return "read reply"
        }
    }
}

@Test(arguments: DataDriven.files(in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scenarios"))
func lockScenario(file: String) throws {
    let scenario = LockScenario()
    let failures = try DataDriven.run(file, handler: scenario.handle)
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
}
