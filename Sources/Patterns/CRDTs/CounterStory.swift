import Simulation

/// The counter story for the PN-Counter (Shapiro et al. 2011, §3.1.2): ticket sales and
/// refunds counted in two regions that lose contact. Each region keeps selling; after healing
/// every replica shows the exact net total, where a register holding "the count" would have
/// kept one region's number and silently lost the other's sales.
///
/// The oracle: for every replica `j`, the increments a state attributes to `j` must be the sum
/// of a prefix of `j`'s logged increments (the updates it has seen from `j`, in `j`'s order),
/// likewise for decrements; once converged, the value must be the net of the whole log.
///
/// Simplifications:
/// - Amounts are small positive integers; a bounded counter (no overselling) is out of scope.
struct CounterStory: DemoStory {
    typealias Data = PNCounter

    let title = "ticket counter (PN-Counter): two regions sell and refund while partitioned"
    let defaultUpdates = 20

    /// Per replica: prefix sums of its increments and of its decrements, starting at 0.
    private var incrementSums: [[UInt64]] = []
    private var decrementSums: [[UInt64]] = []

    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        let a = scenario.protagonistA
        let b = scenario.protagonistB
        return [
            ScriptedUpdate(at: .zero + .milliseconds(50), a, .init(40)),
            ScriptedUpdate(at: .zero + .milliseconds(90), b, .init(25)),
            ScriptedUpdate(at: scenario.offline(150), a, .init(10)),
            ScriptedUpdate(at: scenario.offline(300), b, .init(-3)),
            ScriptedUpdate(at: scenario.offline(450), b, .init(12)),
            ScriptedUpdate(at: scenario.offline(600), a, .init(-5)),
        ]
    }

    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> Data.Operation {
        let amount = Int64(1 + rng.below(5))
        return .init(rng.chance(perMille: 300) ? -amount : amount)
    }

    func describe(_ operation: Data.Operation) -> String {
        operation.amount >= 0 ? "sell \(operation.amount)" : "refund \(-operation.amount)"
    }

    func render(_ state: Data) -> String { "\(state.value)" }

    mutating func record(_ operation: Data.Operation, by replica: ReplicaID, delta: Data) {
        while incrementSums.count <= replica {
            incrementSums.append([0])
            decrementSums.append([0])
        }
        if operation.amount >= 0 {
            incrementSums[replica].append(incrementSums[replica].last! + UInt64(operation.amount))
        } else {
            decrementSums[replica].append(decrementSums[replica].last! + UInt64(-operation.amount))
        }
    }

    func checkState(_ state: Data) -> String? {
        for entry in state.increments.counts.entries where !isPrefixSum(entry, in: incrementSums) {
            return "credits n\(entry.replica) with \(entry.counter) sold, not a prefix of its sales log"
        }
        for entry in state.decrements.counts.entries where !isPrefixSum(entry, in: decrementSums) {
            return "credits n\(entry.replica) with \(entry.counter) refunded, not a prefix of its refund log"
        }
        return nil
    }

    private func isPrefixSum(_ entry: Dot, in sums: [[UInt64]]) -> Bool {
        entry.replica < sums.count && sums[entry.replica].contains(entry.counter)
    }

    func checkConverged(_ state: Data) -> String? {
        let sold = incrementSums.reduce(0) { $0 + Int64($1.last!) }
        let refunded = decrementSums.reduce(0) { $0 + Int64($1.last!) }
        guard state.value == sold - refunded else {
            return "value \(state.value), but the log has \(sold) sold - \(refunded) refunded = \(sold - refunded)"
        }
        return nil
    }

    func epilogue(_ state: Data, scenario: Scenario) -> [String] {
        let perReplica = state.increments.counts.entries.map { entry in
            "n\(entry.replica) +\(entry.counter)-\(state.decrements.contribution(of: entry.replica))"
        }
        return [
            "net \(state.value) = \(state.increments.value) sold - \(state.decrements.value) refunded, "
                + "exactly the log; per replica: " + perReplica.joined(separator: " "),
            "each replica only ever raises its own entries, so merging is a per-entry max and "
                + "no sale is counted twice, however often a state is re-delivered",
        ]
    }
}
