import Benchmark
import Simulation

/// Simulator throughput: a closed workload in which every delivered message makes its
/// receiver send one message to a peer drawn from the seeded generator, and every node keeps
/// a periodic timer. The message population stays constant, so the event queue holds a
/// steady few hundred entries, as in a busy protocol run.
struct Relay: SimulatedNode {
    enum Message { case token(UInt64) }
    enum Timer: Hashable { case heartbeat }
    enum Command { case inject(Int) }
    typealias Output = Never
    typealias Durable = UInt64

    let id: NodeID
    let clusterSize: Int
    var forwarded: UInt64 = 0

    init(id: NodeID, cluster: [NodeID], durable: UInt64?) {
        self.id = id
        clusterSize = cluster.count
    }

    mutating func start(_ context: inout NodeContext<Relay>) {
        context.setTimer(.heartbeat, after: .milliseconds(50))
    }

    mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<Relay>) {
        guard case .token(let hops) = message else { return }
        forwarded += 1
        context.send(.token(hops + 1), to: Int(context.rng.below(UInt64(clusterSize))))
    }

    mutating func fire(_ timer: Timer, _ context: inout NodeContext<Relay>) {
        context.setTimer(.heartbeat, after: .milliseconds(50))
    }

    mutating func handle(_ command: Command, _ context: inout NodeContext<Relay>) {
        guard case .inject(let count) = command else { return }
        for _ in 0..<count { context.send(.token(0), to: Int(context.rng.below(UInt64(clusterSize)))) }
    }
}

let eventsPerIteration: UInt64 = 1_000_000

/// Runs `eventsPerIteration` events on a fresh simulator with `inFlight` messages circulating.
func runRelay(nodes: Int, inFlight: Int, network: NetworkConditions) -> UInt64 {
    let sim = Simulator<Relay, Never>(seed: 7, nodeCount: nodes, network: network)
    for node in 0..<nodes { sim.submit(.inject(inFlight / nodes), to: node) }
    while sim.stats.events < eventsPerIteration, sim.step() != nil {}
    return sim.stats.events
}

benchmark("1M events, 5 nodes, 100 messages in flight, reliable network") {
    precondition(runRelay(nodes: 5, inFlight: 100, network: .reliable) == eventsPerIteration)
}

benchmark("1M events, 5 nodes, 1000 messages in flight, reliable network") {
    precondition(runRelay(nodes: 5, inFlight: 1000, network: .reliable) == eventsPerIteration)
}

benchmark("1M events, 64 nodes, 1000 messages in flight, 1-20 ms delay with a 200 ms tail") {
    var network = NetworkConditions.unreliable
    // Loss would drain the population and duplication would grow it; keep it constant.
    network.dropPerMille = 0
    network.duplicatePerMille = 0
    precondition(runRelay(nodes: 64, inFlight: 1000, network: network) == eventsPerIteration)
}

// The same workload as the first, with the trace recorder on (`--trace FILE`): every send,
// delivery and state change becomes a JSON record in memory.
benchmark("1M events, 5 nodes, 100 messages in flight, reliable network, trace recording on") {
    let events = TraceRecorder.$current.withValue(TraceRecorder()) {
        runRelay(nodes: 5, inFlight: 100, network: .reliable)
    }
    precondition(events == eventsPerIteration)
}

Benchmark.main()
