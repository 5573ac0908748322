import Simulation

/// The client workload of the eventual-consistency demo, drawn from the seed before the run
/// so that the Merkle and full-state runs see exactly the same writes and reads.
///
/// Writes go to a random replica (as with a client that may reach any node, Dynamo §4.5); a
/// fifth of the keys take half the writes, so that replicas write the same key concurrently
/// and last-writer-wins has conflicts to settle. Reads pick a coordinator and `readQuorum`
/// replicas.
///
/// Simplifications:
/// - Open loop: the schedule does not depend on replies, and a write sent to a replica that
///   is down is simply lost (the client would retry elsewhere).

public struct ECOperation: Sendable {
    public var at: SimDuration
    public var replica: NodeID
    public var command: ECCommand
}

public enum ECWorkload {
    public static func draw(replicas: Int, keyCount: Int, writes: Int, reads: Int, readQuorum: Int,
                            duration: SimDuration, rng: inout SeededRNG) -> [ECOperation] {
        var ops: [ECOperation] = []
        let hotKeys = max(1, keyCount / 5)
        for n in 0..<writes {
            let at = SimDuration.random(in: .zero, duration, using: &rng)
            let hot = rng.chance(perMille: 500)
            let key = Int(rng.below(UInt64(hot ? hotKeys : keyCount)))
            let replica = Int(rng.below(UInt64(replicas)))
            ops.append(ECOperation(at: at, replica: replica, command: .write(key: key, value: UInt64(n + 1))))
        }
        for _ in 0..<reads {
            let at = SimDuration.random(in: .zero, duration, using: &rng)
            let key = Int(rng.below(UInt64(hotKeys)))
            var nodes = Array(0..<replicas)
            nodes.shuffle(using: &rng)
            let chosen = Array(nodes.prefix(min(readQuorum, replicas)))
            ops.append(ECOperation(at: at, replica: chosen[0], command: .read(key: key, peers: chosen)))
        }
        // Stable order by time; ties keep drawing order, so the schedule is reproducible.
        return ops.enumerated().sorted { a, b in
            a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
        }.map(\.element)
    }
}
