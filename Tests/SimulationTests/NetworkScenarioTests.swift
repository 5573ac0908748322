import Foundation
import ScenarioTesting
import Simulation
import Testing

/// A node that says what it is told to and remembers what it heard: enough to watch the
/// network, the faults and the trace at work in `Scenarios/network/*.txt`.
struct Echo: SimulatedNode, TraceableNode {
    enum Message { case note(String) }
    enum Timer: Hashable { case none }
    enum Command { case say(to: NodeID, String) }
    typealias Output = String
    typealias Durable = Int

    var heard = 0

    init(id: NodeID, cluster: [NodeID], durable: Int?) { heard = durable ?? 0 }
    mutating func start(_ context: inout NodeContext<Echo>) {}
    mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Echo>) {
        heard += 1
        context.persist(heard)
    }
    mutating func fire(_ timer: Timer, _ context: inout NodeContext<Echo>) {}
    mutating func handle(_ command: Command, _ context: inout NodeContext<Echo>) {
        guard case let .say(to, text) = command else { return }
        context.send(.note(text), to: to)
    }

    var traceState: [(String, JSONValue)] { [("heard", JSONValue(heard))] }
}

/// Interprets the network scenarios: `nodes N [delay=A-B] [drop=P] [dup=P]`, `say nA nB TEXT`,
/// `inject <fault in --inject's words, its time from now>`, `run DURATION` (prints the trace
/// records of that span), `stats`.
final class NetworkScenario {
    var sim: Simulator<Echo, Never>?
    var recorder = TraceRecorder()
    var printed = 0

    func handle(_ stanza: ScenarioStanza) throws -> String {
        switch stanza.command {
        case "nodes":
            let count = Int(stanza.arguments.first ?? "") ?? 3
            let delay = stanza.option("delay", "1-5").split(separator: "-").compactMap { UInt64($0) }
            let network = NetworkConditions(delayMin: .milliseconds(delay[0]), delayMax: .milliseconds(delay[1]),
                                            dropPerMille: UInt32(stanza.option("drop", "0"))!,
                                            duplicatePerMille: UInt32(stanza.option("dup", "0"))!)
            recorder = TraceRecorder()
            printed = 0
            sim = TraceRecorder.$current.withValue(recorder) {
                Simulator<Echo, Never>(seed: UInt64(stanza.option("seed", "1"))!, nodeCount: count, network: network)
            }
            return drain()
        case "say":
            let ids = stanza.arguments.prefix(2).map { Int($0.dropFirst())! }
            sim!.submit(.say(to: ids[1], stanza.arguments.dropFirst(2).joined(separator: " ")), to: ids[0])
            return "ok"
        case "inject":
            switch FaultScript.parse(stanza.arguments.joined(separator: " "), nodeCount: sim!.cluster.count) {
            case .success(let scheduled):
                sim!.inject(scheduled.fault, after: scheduled.at - .zero)
                return "ok: \(FaultScript.text(scheduled))"
            case .failure(let error):
                return "error: \(error)"
            }
        case "run":
            guard let span = FaultScript.duration(stanza.arguments.first ?? "") else { return "error: run takes a duration" }
            sim!.run(until: sim!.now + span)
            return drain()
        case "stats":
            let s = sim!.stats
            return "sent \(s.messagesSent) delivered \(s.messagesDelivered) dropped \(s.messagesDropped) duplicated \(s.messagesDuplicated)"
        default:
            return "error: unknown command \(stanza.command)"
        }
    }

    /// The trace records since the last call, one per line, without the `sim` number.
    func drain() -> String {
        let lines = recorder.lines
        defer { printed = lines.count }
        let fresh = lines[printed...].map { $0.replacingOccurrences(of: "\"sim\":1,", with: "") }
        return fresh.isEmpty ? "(nothing)" : fresh.joined(separator: "\n")
    }
}

@Test(arguments: DataDriven.files(in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scenarios/network"))
func networkScenario(file: String) throws {
    let scenario = NetworkScenario()
    let failures = try DataDriven.run(file, handler: scenario.handle)
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
}

@Test func aScenarioFileNeedsItsSeparator() {
    #expect(throws: ScenarioFailure.self) { try DataDriven.parse("nodes 3\nrun 1ms\n", file: "bad.txt") }
}
