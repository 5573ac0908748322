/// The workload of the causal-broadcast demo, drawn entirely from the seed before the run so
/// that the causal and the immediate-delivery runs face the same posts, network and faults.
///
/// Simplifications:
/// - Reply structure is only in the text ("re m5: ..."); causality comes from what the poster
///   had delivered, whether or not the text mentions it.
import Simulation

struct ChatScript: Sendable {
    struct Post: Sendable {
        let at: SimTime
        let node: NodeID
        let id: Int
        let phrase: Int
    }

    static let names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
    static let phrases = ["agreed", "who else is coming?", "I'll book a table", "running late",
                          "make it 12:30", "count me in", "not today", "see you there"]
    /// The opening runs on a quiet LAN, so that its story is the same for every seed.
    static let quiet = NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(5))
    /// Then a reordering network: a wide spread and a long tail, duplicates, no loss.
    static let reordering = NetworkConditions(
        delayMin: .milliseconds(1), delayMax: .milliseconds(40), tailPerMille: 100,
        tailDelayMax: .milliseconds(120), dropPerMille: 0, duplicatePerMille: 30)
    static let healAt = SimTime.zero + .milliseconds(60)
    static let chatterFrom = SimTime.zero + .milliseconds(150)

    let seed: UInt64
    let nodes: Int
    let posts: [Post]
    let faults: FaultPlan
    let randomFaults: DrawnFaults
    /// When every post must have reached every node: the liveness horizon.
    let deadline: SimTime
    var openingNetwork: NetworkConditions { Self.quiet }

    /// How long the group gets, after its last fault, to deliver everything: every post
    /// already reached at least its sender, and each retransmission round (every
    /// `retransmitEvery`, each copy at most the network's longest tail late) reaches every
    /// node that is up. Twenty rounds is far more than the reordering network needs without
    /// loss; a hold-back chain is released in the round that fills its gap.
    static var settle: SimDuration { (ChatNode<CausalRule>.retransmitEvery + reordering.tailDelayMax) * 20 }

    init(_ options: VectorClockDemo.Options) {
        let (seed, nodes, chatter) = (options.seed, options.nodes, options.posts)
        self.seed = seed
        self.nodes = nodes
        var rng = SeededRNG(seed: seed).stream(0xC4A7)
        let window = SimDuration.milliseconds(20) * UInt64(max(chatter, 1))
        let times = (0..<chatter).map { _ in Self.chatterFrom + SimDuration.random(in: .zero, window, using: &rng) }
            .sorted()
        posts = [Post(at: .zero + .milliseconds(1), node: 0, id: 1, phrase: 0)]
            + times.enumerated().map { index, at in
                Post(at: at, node: Int(rng.below(UInt64(nodes))), id: index + 3,
                     phrase: Int(rng.below(UInt64(Self.phrases.count))))
            }
        let end = Self.chatterFrom + window + .milliseconds(100)
        var faultRNG = SeededRNG(seed: seed).stream(0xFA17)
        let faultWindow = FaultWindow(start: Self.chatterFrom, end: end, meanGap: .milliseconds(150),
                                      maxOutage: .milliseconds(200), maxDown: 1, baseline: Self.reordering)
        randomFaults = FaultPlan.draw(options.faults, nodeCount: nodes, window: faultWindow, rng: &faultRNG)
        let carolSide = Array(2..<nodes)
        let opening = [
            ScheduledFault(at: .zero, .partition(.bridge(1, between: [0], and: carolSide, nodeCount: nodes))),
            ScheduledFault(at: Self.healAt, .heal),
            ScheduledFault(at: Self.chatterFrom, .network(Self.reordering)),
        ]
        faults = FaultPlan(opening + randomFaults.plan.faults + options.injections)
        let lastFault = faults.faults.map(\.at).max() ?? end
        deadline = max(end, lastFault) + Self.settle
    }

    func name(_ node: NodeID) -> String { node < Self.names.count ? Self.names[node] : "n\(node)" }

    func text(for id: Int, replyingTo previous: Int?) -> String {
        switch id {
        case 1: return "lunch at noon?"
        case 2: return "yes, noon works"
        default:
            let phrase = posts.first { $0.id == id }.map { Self.phrases[$0.phrase] } ?? "hello"
            return previous.map { "re m\($0): \(phrase)" } ?? phrase
        }
    }
}
