import Simulation

/// The harness's own account of which issued updates each replica has seen, kept from the
/// commands it submitted and the messages the simulator delivered, never from the CRDT's
/// dots, contexts or version vectors. It is what an oracle needs to judge a state without
/// trusting the code under test: Shapiro et al. 2011 (§2.2) define a replica's state as the
/// effect of the updates delivered to it, so the log says which updates those are.
///
/// A replica has seen an update once it issued it, or once it received a message from a
/// replica that had seen it when it shipped that message. For a delta group this relies on
/// what Almeida et al. 2018, Algorithm 2, promise: the group sent from `A(j)` on, joined with
/// what `j` already holds, is the sender's whole state at `upTo`. A replica's state is on disk
/// after every change, so what it has seen survives a crash.
///
/// Simplifications:
/// - Snapshots are kept per sender for the whole run (runs are short).
struct ObservationLog<Data: ReplicatedData> {
    struct Update {
        let operation: Data.Operation
        let replica: ReplicaID
        let id: Int
        /// The updates its replica had seen when it was issued: what a remove observed.
        let before: Set<Int>
    }

    private(set) var updates: [Update] = []
    /// Per replica, the ids of the updates it has seen.
    private(set) var seen: [Set<Int>]
    /// Delta mode: per sender, what it had seen when its sequence number was the key.
    private var atSequence: [[UInt64: Set<Int>]]
    /// Full-state mode: per sender, each state it shipped and what it had seen then.
    private var shippedStates: [[(state: Data, seen: Set<Int>)]]

    init(replicas: Int) {
        seen = Array(repeating: [], count: replicas)
        atSequence = Array(repeating: [:], count: replicas)
        shippedStates = Array(repeating: [], count: replicas)
    }

    /// `replica` handled a client's update.
    mutating func issued(_ operation: Data.Operation, by replica: ReplicaID) {
        let update = Update(operation: operation, replica: replica, id: updates.count, before: seen[replica])
        updates.append(update)
        seen[replica].insert(update.id)
    }

    /// `sender` shipped a state or a delta group while at `sequence` holding `state`.
    mutating func shipped(by sender: ReplicaID, sequence: UInt64, state: Data, deltas: Bool) {
        if deltas {
            atSequence[sender][sequence] = seen[sender]
        } else if let last = shippedStates[sender].last, last.state == state {
            shippedStates[sender][shippedStates[sender].count - 1].seen = seen[sender]
        } else {
            shippedStates[sender].append((state, seen[sender]))
        }
    }

    /// A state or delta group shipped by `sender` reached `receiver`.
    mutating func delivered(from sender: ReplicaID, to receiver: ReplicaID, upTo: UInt64, payload: Data, deltas: Bool) {
        let carried: Set<Int>?
        if deltas {
            carried = atSequence[sender][upTo]
        } else {
            carried = shippedStates[sender].last { $0.state == payload }?.seen
        }
        if let carried { seen[receiver].formUnion(carried) }
    }

    /// The updates `replica` has seen, in the order they were issued.
    func updates(seenBy replica: ReplicaID) -> [Update] {
        seen[replica].sorted().map { updates[$0] }
    }
}
