/// The harness that runs a group chat of `ChatNode`s on the simulator, drives its workload,
/// and checks every delivery against the ground-truth `CausalHistory` as it happens.
/// Birman, Schiper & Stephenson (TOCS 1991) for the delivery rule under test.
///
/// The script: alice asks a question while a partial partition cuts her off from carol; bob
/// answers at once; carol receives the answer first. Then random posts (about half of them
/// replies) race over a reordering network, with the seed's faults if any.
///
/// Simplifications:
/// - Posts submitted to a node that is down are lost (the user retries later, off-stage).
import Simulation

struct ChatSimulation<Rule: ChatDeliveryRule> {
    typealias Node = ChatNode<Rule>

    enum Cue { case speak(node: NodeID, id: Int) }

    let script: ChatScript
    /// Print events here; nil runs silently.
    let timeline: Timeline?
    /// Whether a causality break is a violation (the rule under test) or just counted.
    let strict: Bool

    private var result: ChatRun
    private var heldSince: [Int: [SimTime]] = [:]
    private var lastSeen: [Int?]
    private var replyScheduled = false

    init(script: ChatScript, timeline: Timeline?, strict: Bool) {
        self.script = script
        self.timeline = timeline
        self.strict = strict
        result = ChatRun(history: CausalHistory(nodeCount: script.nodes))
        lastSeen = Array(repeating: nil, count: script.nodes)
    }

    mutating func run() -> ChatRun {
        let sim = Simulator<Node, Cue>(seed: script.seed, nodeCount: script.nodes,
                                       network: script.openingNetwork, faults: script.faults)
        for post in script.posts {
            sim.schedule(.speak(node: post.node, id: post.id), after: post.at - .zero)
        }
        let finished = sim.run(until: script.deadline) { occurrence in
            observe(occurrence, sim)
            return result.violation == nil
        }
        result.horizon = script.deadline
        result.messagesSent = sim.stats.messagesSent
        result.messagesDropped = sim.stats.messagesDropped
        result.messagesDuplicated = sim.stats.messagesDuplicated
        if finished { finalChecks(sim) }
        return result
    }

    private mutating func observe(_ occurrence: Simulator<Node, Cue>.Occurrence, _ sim: Simulator<Node, Cue>) {
        switch occurrence {
        case let .external(.speak(node, id)):
            let text = script.text(for: id, replyingTo: lastSeen[node])
            sim.submit(.post(id: id, text: text), to: node)
        case let .faultApplied(fault):
            timeline?.event(sim.now, "fault", fault.description)
        case let .commandLost(node, .post(id, _)):
            timeline?.event(sim.now, node: node, "lost", "m\(id) not posted: \(script.name(node)) is down")
        default:
            break
        }
        for (node, output) in sim.outputs {
            handle(output, at: node, sim)
            if result.violation != nil { return }
        }
    }

    private mutating func handle(_ output: Node.Output, at node: NodeID, _ sim: Simulator<Node, Cue>) {
        switch output {
        case let .sent(post):
            sent(post, at: node, sim, kind: "post")
        case let .heldBack(post, gap):
            result.holdBacks += 1
            heldSince[post.payload.id, default: Array(repeating: .zero, count: script.nodes)][node] = sim.now
            timeline?.event(sim.now, node: node, "hold",
                            "\(describe(post)) waits for \(script.name(gap.node))#\(gap.sequence); "
                                + "delivered so far \(dense(sim.nodes[node]?.state.queue.delivered ?? VectorClock()))")
        case let .delivered(post, released):
            delivered(post, released: released, at: node, sim)
        case let .redrawn(transcript):
            redrawn(transcript, at: node, sim)
        }
    }

    /// A restarted node's screen, redrawn from its disk: the lines this harness has seen are
    /// skipped; a line it has not seen is one a crash swallowed between the node's write and
    /// its output, and is taken as shown now (and checked like any other).
    private mutating func redrawn(_ transcript: [Node.TranscriptLine], at node: NodeID, _ sim: Simulator<Node, Cue>) {
        for line in transcript {
            switch line {
            case let .sent(post) where result.history.record(post.payload.id) == nil:
                sent(post, at: node, sim, kind: "redraw")
            case let .delivered(post) where !result.history.delivered[node].contains(post.payload.id):
                delivered(post, released: false, at: node, sim, kind: "redraw")
            default:
                continue
            }
            if result.violation != nil { return }
        }
    }

    private mutating func sent(_ post: Node.Post, at node: NodeID, _ sim: Simulator<Node, Cue>, kind: String) {
        result.history.recordSend(id: post.payload.id, node: node, clock: post.clock, lamport: post.payload.lamport)
        timeline?.event(sim.now, node: node, kind,
                        "m\(post.payload.id) \"\(post.payload.text)\" V=\(dense(post.clock)) L=\(post.payload.lamport)")
    }

    /// `kind` is nil for a delivery as it happens ("deliver" or "release").
    private mutating func delivered(_ post: Node.Post, released: Bool, at node: NodeID, _ sim: Simulator<Node, Cue>,
                                    kind: String? = nil) {
        let id = post.payload.id
        result.deliveries += 1
        result.endTime = sim.now
        if node != post.sender { lastSeen[node] = id }
        var note = ""
        if released, let since = heldSince[id]?[node] {
            result.maxHold = max(result.maxHold, sim.now - since)
            note = " (held \(sim.now - since))"
        }
        timeline?.event(sim.now, node: node, kind ?? (released ? "release" : "deliver"), describe(post) + note)
        if id == 1 && node == 1 && !replyScheduled {
            replyScheduled = true
            sim.schedule(.speak(node: 1, id: 2), after: .milliseconds(2))
        }
        guard let missing = result.history.recordDelivery(id: id, node: node), !missing.isEmpty else { return }
        result.breaks.append(ChatRun.Break(time: sim.now, node: node, id: id, missing: missing))
        if strict {
            fail("causal delivery", "\(script.name(node)) delivered m\(id) before "
                 + missing.map { "m\($0)" }.joined(separator: ",") + " that happened before it", sim)
        }
    }

    private mutating func finalChecks(_ sim: Simulator<Node, Cue>) {
        let history = result.history
        if let (a, b) = history.lamportViolation() {
            fail("clock condition", "m\(a.id) → m\(b.id) but L=\(a.lamport) ≥ L=\(b.lamport)", sim)
        } else if let (a, b) = history.vectorClockMismatch() {
            fail("vector clocks characterise happens-before",
                 "m\(a.id) \(a.clock) vs m\(b.id) \(b.clock) disagree with the recorded causality", sim)
        } else if let (node, id) = history.undelivered().first {
            // Liveness, judged at the horizon: nothing says m is lost, only that it had not
            // arrived yet when the run stopped looking.
            result.shortfall = InvariantViolation(
                invariant: "every post delivered everywhere",
                detail: "\(script.name(node)) had not delivered m\(id) by the horizon, \(ChatScript.settle) after "
                    + "the last fault (deliveries: \(result.deliveries)); a horizon, not lost data",
                seed: script.seed, step: sim.stats.events, time: sim.now)
        }
    }

    private mutating func fail(_ invariant: String, _ detail: String, _ sim: Simulator<Node, Cue>) {
        guard result.violation == nil else { return }
        result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: script.seed,
                                              step: sim.stats.events, time: sim.now)
    }

    private func describe(_ post: Node.Post) -> String {
        "m\(post.payload.id) from \(script.name(post.sender)) V=\(dense(post.clock)) \"\(post.payload.text)\""
    }

    private func dense(_ clock: VectorClock) -> String { clock.dense(count: script.nodes) }
}

/// What one chat run did, for tables and checks.
struct ChatRun {
    /// A delivery that broke causality: `id` shown at `node` before the posts in `missing`.
    struct Break {
        let time: SimTime
        let node: NodeID
        let id: Int
        let missing: [Int]
    }

    var history: CausalHistory
    var deliveries = 0
    var holdBacks = 0
    var maxHold = SimDuration.zero
    var breaks: [Break] = []
    var violation: InvariantViolation?
    /// A liveness goal not reached by the horizon.
    var shortfall: InvariantViolation?
    /// When the run stopped looking.
    var horizon = SimTime.zero
    var messagesSent: UInt64 = 0
    var messagesDropped: UInt64 = 0
    var messagesDuplicated: UInt64 = 0
    /// When the last delivery happened: the run is quiescent after it.
    var endTime = SimTime.zero
}
