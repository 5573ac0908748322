import Foundation
import ScenarioTesting
import Simulation
import Testing
@testable import CRDTs

/// Interprets the OR-Set scenarios in `Scenarios/*.txt` (the datadriven style of etcd-io/raft's
/// testdata): the demo's real `Replica<ORSet<String>, _>` nodes, with their anti-entropy, on
/// the real `Simulator`, driven stanza by stanza.
///
///     nodes N [ship=delta|state] [seed=S] [delay=A-B] [drop=‰] [dup=‰]
///         a fresh cluster n0..n(N-1). ship=delta: delta groups with acknowledgements
///         (Almeida et al. 2018, Algorithm 2); ship=state: the whole state every round.
///     add nX e [e...]         an update at nX, now: one element is `add`, several one `addAll`
///     remove nX e | clear nX  a remove of what nX has observed of e (or of everything)
///         each update prints the delta its delta-mutator returned.
///     crash nX | restart nX | isolate nX | partition n0|n1,n2 | heal | cut nA->nB | delay nA->nB 50ms
///         a fault now, in `--inject`'s words (`FaultScript`).
///     run DURATION [msgs=on]  advances the clock; prints every update, fault and merge that
///         changed a replica (what arrived and what the replica holds after it), then one line
///         counting what was shipped. With msgs=on, every delivery, ack and loss too.
///     state                   per replica: elements with their dots, causal context, and the
///         delta buffer (sequence number, buffered deltas, acks); then whether all agree.
///     save nX NAME            keeps nX's current state under NAME (for `join` and `laws`).
///     join NAME...            the left fold of the named states' join.
///     laws NAME NAME NAME     idempotence, commutativity and associativity of the join on
///         these states: every order and grouping, and whether they all agree.
///
/// Nothing here iterates a Set or Dictionary into the output: the ORSet store and context are
/// sorted arrays, and saved states are kept in the order they were saved.
final class ORSetScenario {
    typealias StringSet = ORSet<String>

    var driver: (any ORSetDriver)?
    var saved: [(name: String, state: StringSet)] = []

    func handle(_ stanza: ScenarioStanza) throws -> String {
        if stanza.command == "nodes" { return boot(stanza) }
        switch stanza.command {
        case "join": return join(stanza.arguments)
        case "laws": return laws(stanza.arguments)
        default: break
        }
        guard let driver else { return "error: nodes first" }
        switch stanza.command {
        case "add", "remove", "clear": return update(stanza, driver)
        case "crash", "restart", "isolate", "partition", "heal", "cut", "delay":
            switch FaultScript.fault(stanza.text, nodeCount: driver.count) {
            case .success(let fault):
                driver.inject(fault)
                // Applied at once, so the next stanza starts from the faulted network.
                return driver.run(.zero, messages: false, summary: false)
            case .failure(let error):
                return "error: \(error)"
            }
        case "run":
            guard let span = stanza.arguments.first.flatMap(Self.duration) else { return "error: run takes a duration" }
            return driver.run(span, messages: stanza.option("msgs", "off") == "on", summary: true)
        case "state": return driver.dump()
        case "save":
            guard stanza.arguments.count == 2, let node = Self.node(stanza.arguments[0], driver.count) else {
                return "error: save nX NAME"
            }
            guard let state = driver.state(of: node) else { return "error: n\(node) is down" }
            saved.removeAll { $0.name == stanza.arguments[1] }
            saved.append((stanza.arguments[1], state))
            return "\(stanza.arguments[1]) = " + Self.describe(state)
        default:
            return "error: unknown command \(stanza.command)"
        }
    }

    private func boot(_ stanza: ScenarioStanza) -> String {
        let count = Int(stanza.arguments.first ?? "") ?? 3
        guard count >= 2 else { return "error: a replicated set needs 2 replicas" }
        let delay = stanza.option("delay", "1-5").split(separator: "-").compactMap { UInt64($0) }
        guard delay.count == 2 else { return "error: delay=MIN-MAX in ms" }
        let network = NetworkConditions(delayMin: .milliseconds(delay[0]), delayMax: .milliseconds(delay[1]),
                                        dropPerMille: UInt32(stanza.option("drop", "0")) ?? 0,
                                        duplicatePerMille: UInt32(stanza.option("dup", "0")) ?? 0)
        let seed = UInt64(stanza.option("seed", "1")) ?? 1
        saved = []
        switch stanza.option("ship", "delta") {
        case "delta": driver = Driver<DeltaShipping>(seed: seed, count: count, network: network)
        case "state": driver = Driver<FullStateShipping>(seed: seed, count: count, network: network)
        default: return "error: ship is delta or state"
        }
        let mode = stanza.option("ship", "delta") == "delta"
            ? "delta groups with acks" : "full state"
        return "n0..n\(count - 1): OR-Set replicas, gossip every ~50ms to one random peer, shipping \(mode)"
    }

    private func update(_ stanza: ScenarioStanza, _ driver: any ORSetDriver) -> String {
        guard let word = stanza.arguments.first, let node = Self.node(word, driver.count) else {
            return "error: \(stanza.command) names a replica n0…n\(driver.count - 1)"
        }
        let items = Array(stanza.arguments.dropFirst())
        let operation: StringSet.Operation
        switch (stanza.command, items.count) {
        case ("add", 1): operation = .add(items[0])
        case ("add", 2...): operation = .addAll(items)
        case ("remove", 1): operation = .remove(items[0])
        case ("clear", 0): operation = .clear
        default: return "error: add nX e [e...] | remove nX e | clear nX"
        }
        driver.submit(operation, to: node)
        return driver.run(.zero, messages: false, summary: false)
    }

    // MARK: The lattice laws, on saved states

    /// The saved states called `names`, or the first name nothing was saved under.
    private func lookup(_ names: [String]) -> (states: [StringSet], missing: String?) {
        var states: [StringSet] = []
        for name in names {
            guard let found = saved.last(where: { $0.name == name }) else { return ([], name) }
            states.append(found.state)
        }
        return (states, nil)
    }

    private func join(_ names: [String]) -> String {
        guard !names.isEmpty else { return "error: join NAME..." }
        let (states, missing) = lookup(names)
        if let missing { return "error: nothing saved as \(missing)" }
        let result = states.dropFirst().reduce(states[0]) { $0.merging($1) }
        return names.joined(separator: " ⊔ ") + " = " + Self.describe(result)
    }

    private func laws(_ names: [String]) -> String {
        guard names.count == 3 else { return "error: laws takes three saved states" }
        let (states, missing) = lookup(names)
        if let missing { return "error: nothing saved as \(missing)" }
        var lines: [String] = []
        for (name, state) in zip(names, states) {
            lines.append("idempotent \(name) ⊔ \(name) = \(name): \(state.merging(state) == state ? "yes" : "NO")")
        }
        let (a, b) = (states[0], states[1])
        lines.append("commutative \(names[0]) ⊔ \(names[1]) = \(names[1]) ⊔ \(names[0]): "
                     + (a.merging(b) == b.merging(a) ? "yes" : "NO"))
        // Every order the three states could arrive in, each folded both ways.
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
        var results: [StringSet] = []
        for order in orders {
            let (x, y, z) = (states[order[0]], states[order[1]], states[order[2]])
            let (p, q, r) = (names[order[0]], names[order[1]], names[order[2]])
            let left = x.merging(y).merging(z)
            let right = x.merging(y.merging(z))
            results += [left, right]
            lines.append("(\(p) ⊔ \(q)) ⊔ \(r) = \(Self.describe(left))")
            lines.append("\(p) ⊔ (\(q) ⊔ \(r)) = \(Self.describe(right))")
        }
        lines.append("all 12 orders and groupings equal: " + (results.allSatisfy { $0 == results[0] } ? "yes" : "NO"))
        return lines.joined(separator: "\n")
    }

    // MARK: Text

    static func node(_ word: String, _ count: Int) -> NodeID? {
        guard word.first == "n", let id = Int(word.dropFirst()), (0..<count).contains(id) else { return nil }
        return id
    }

    static func duration(_ word: String) -> SimDuration? {
        FaultScript.duration(word)
    }

    /// `{eggs@n0.2 milk@n0.1 milk@n1.1} ctx [n0:3 n1:1]`: every tagged element with its dot,
    /// then the causal context (its compact vector, and any dots held out of order).
    static func describe(_ state: StringSet) -> String {
        "{" + state.store.map { "\($0.element)@\($0.dot)" }.joined(separator: " ") + "} ctx \(state.context)"
    }

    static func describe(_ operation: StringSet.Operation) -> String {
        switch operation {
        case .add(let element): "add \(element)"
        case .addAll(let elements): "add \(elements.joined(separator: " "))"
        case .remove(let element): "remove \(element)"
        case .clear: "clear"
        }
    }
}

/// What the interpreter needs of a cluster, whatever its shipping policy (a type parameter of
/// `Replica`, so the delta and full-state clusters are different simulator types).
protocol ORSetDriver: AnyObject {
    var count: Int { get }
    func submit(_ operation: ORSet<String>.Operation, to node: NodeID)
    func inject(_ fault: Fault)
    func run(_ span: SimDuration, messages: Bool, summary: Bool) -> String
    func state(of node: NodeID) -> ORSet<String>?
    func dump() -> String
}

final class Driver<Policy: ShippingPolicy>: ORSetDriver {
    typealias Node = Replica<ORSet<String>, Policy>
    let sim: Simulator<Node, Never>

    init(seed: UInt64, count: Int, network: NetworkConditions) {
        sim = Simulator(seed: seed, nodeCount: count, network: network)
    }

    var count: Int { sim.cluster.count }

    func submit(_ operation: ORSet<String>.Operation, to node: NodeID) { sim.submit(.update(operation), to: node) }
    func inject(_ fault: Fault) { sim.inject(fault) }
    func state(of node: NodeID) -> ORSet<String>? { sim.nodes[node]?.state }

    func run(_ span: SimDuration, messages: Bool, summary: Bool) -> String {
        var lines: [String] = []
        var tally = Tally()
        sim.run(until: sim.now + span) { occurrence in
            let at = "\(sim.now)"
            // The payload of the message this step delivered, printed with the merge it caused.
            var arrived: String?
            switch occurrence {
            case .faultApplied(let fault):
                lines.append("\(at) fault: \(fault)")
            case let .commandLost(node, .update(operation)):
                lines.append("\(at) n\(node) is down: \(ORSetScenario.describe(operation)) is lost")
            case let .delivered(from, to, message):
                switch message {
                case let .state(payload, _), let .deltaGroup(payload, _): arrived = ORSetScenario.describe(payload)
                case .ack(let upTo) where messages: lines.append("\(at) n\(to) <- n\(from) ack \(upTo)")
                case .ack: break
                }
            case let .dropped(from, to, message, reason):
                tally.lost += 1
                if messages { lines.append("\(at) lost n\(from)->n\(to) \(Self.kind(message)): \(reason.rawValue)") }
            default:
                break
            }
            for (node, output) in sim.outputs {
                switch output {
                case let .applied(operation, delta):
                    lines.append("\(at) n\(node) \(ORSetScenario.describe(operation)) -> delta "
                                 + "\(ORSetScenario.describe(delta)) (\(delta.encodedSize) B)")
                case let .shipped(_, kind, bytes):
                    tally.ship(kind, bytes)
                case let .merged(from, kind, bytes, inflated):
                    if inflated {
                        let now = sim.nodes[node]!.state.elements.joined(separator: " ")
                        lines.append("\(at) n\(node) <- n\(from) \(kind) \(bytes) B \(arrived ?? "?") => {\(now)}")
                    } else {
                        tally.idle += 1
                        if messages { lines.append("\(at) n\(node) <- n\(from) \(kind) \(bytes) B: no change") }
                    }
                }
            }
            return true
        }
        if summary { lines.append(tally.text) }
        return lines.isEmpty ? "(nothing)" : lines.joined(separator: "\n")
    }

    /// What a `run` shipped: the number that makes delta groups and full states comparable.
    struct Tally {
        var deltas = 0, deltaBytes = 0, states = 0, stateBytes = 0, acks = 0, ackBytes = 0
        var idle = 0, lost = 0

        mutating func ship(_ kind: String, _ bytes: Int) {
            switch kind {
            case "delta": deltas += 1; deltaBytes += bytes
            case "state": states += 1; stateBytes += bytes
            default: acks += 1; ackBytes += bytes
            }
        }

        var text: String {
            "shipped \(deltas) delta groups (\(deltaBytes) B), \(states) full states (\(stateBytes) B), "
                + "\(acks) acks (\(ackBytes) B); \(idle) merges changed nothing; \(lost) messages lost"
        }
    }

    static func kind(_ message: Node.Message) -> String {
        switch message {
        case .state: "state"
        case .deltaGroup: "delta"
        case .ack(let upTo): "ack \(upTo)"
        }
    }

    func dump() -> String {
        var lines = sim.cluster.map { id -> String in
            guard let node = sim.nodes[id] else {
                let disk = sim.disks[id].map { "\(ORSetScenario.describe($0.state)) seq \($0.sequence)" } ?? "nothing"
                return "n\(id) DOWN; on disk: \(disk)"
            }
            var text = "n\(id) \(ORSetScenario.describe(node.state))"
            if Policy.shipsDeltas {
                let acks = sim.cluster.filter { $0 != id }.map { "n\($0):\(node.acknowledged[$0])" }
                text += " | seq \(node.sequence), buffered \(node.buffer.count), acked \(acks.joined(separator: " "))"
            }
            return text
        }
        // Replicas grouped by equal state, in order of their first member: one group is convergence.
        var groups: [(state: ORSet<String>, members: [NodeID])] = []
        for id in sim.cluster {
            guard let state = sim.nodes[id]?.state else { continue }
            if let index = groups.firstIndex(where: { $0.state == state }) {
                groups[index].members.append(id)
            } else {
                groups.append((state, [id]))
            }
        }
        let names = groups.map { $0.members.map { "n\($0)" }.joined(separator: ",") }
        let down = sim.cluster.filter { !sim.isUp($0) }.map { "n\($0)" }
        lines.append((groups.count == 1 ? "converged: \(names[0]) hold the same state"
                      : "not converged: " + names.joined(separator: " | "))
                     + (down.isEmpty ? "" : " (\(down.joined(separator: ",")) down)"))
        return lines.joined(separator: "\n")
    }
}

@Test(arguments: DataDriven.files(in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scenarios"))
func orSetScenario(file: String) throws {
    let scenario = ORSetScenario()
    let failures = try DataDriven.run(file, handler: scenario.handle)
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
}
