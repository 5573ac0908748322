import Simulation

/// One story the demo can tell with one CRDT: the scripted updates that make its point, the
/// background updates drawn from the seed, how to print a value, and the ground truth the
/// harness keeps to judge every replica (the "oracle"). Shapiro et al. 2011 define each type
/// by its sequential specification plus a conflict rule; the oracles below recompute the
/// expected value from the log of applied operations alone, independently of the merge.
///
/// The OR-Set's oracle goes further and judges every state from the harness's own record of
/// which updates each replica has seen (`ObservationLog`), trusting nothing the CRDT minted.
///
/// Simplifications:
/// - The other oracles use the identities the CRDT itself minted (timestamps, version
///   vectors) to name operations; they do not re-derive causality from message traffic.
protocol DemoStory {
    associatedtype Data: ReplicatedData

    /// One line: what the replicas are and what happens to them.
    var title: String { get }
    /// How many background updates a default run adds to the script.
    var defaultUpdates: Int { get }
    /// The updates that make the story's point, at fixed moments and replicas. Called once,
    /// before the run, so a story may also remember who plays which part.
    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>]
    /// A background update for `replica`, chosen from the state it holds right now.
    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> Data.Operation
    func describe(_ operation: Data.Operation) -> String
    /// A replica's value as the user sees it, short.
    func render(_ state: Data) -> String
    /// Remembers an applied update and its delta (the harness calls it for every update).
    mutating func record(_ operation: Data.Operation, by replica: ReplicaID, delta: Data)
    /// Safety: nil when `state` can be explained by the log, else what is wrong.
    func checkState(_ state: Data) -> String?
    /// After convergence: nil when the converged state is what the log says it must be.
    func checkConverged(_ state: Data) -> String?
    /// Safety against the harness's account: nil when `state` is what the updates its replica
    /// has seen (issued, or carried to it by delivered messages), in issue order, make it.
    func checkObserved(_ state: Data, seen: [ObservationLog<Data>.Update]) -> String?
    /// What the converged value shows, for the end of the run.
    func epilogue(_ state: Data, scenario: Scenario) -> [String]
}

extension DemoStory {
    func checkObserved(_ state: Data, seen: [ObservationLog<Data>.Update]) -> String? { nil }
}

/// An update the story issues at a given time on a given replica. The operation is built
/// when it is issued, from the replica's state at that moment (positions in a text, the
/// writer's clock).
struct ScriptedUpdate<Data: ReplicatedData> {
    var at: SimTime
    var replica: ReplicaID
    var make: (Data, SimTime) -> Data.Operation

    init(at: SimTime, _ replica: ReplicaID, _ make: @escaping (Data, SimTime) -> Data.Operation) {
        self.at = at
        self.replica = replica
        self.make = make
    }

    init(at: SimTime, _ replica: ReplicaID, _ operation: Data.Operation) {
        self.init(at: at, replica) { _, _ in operation }
    }
}
