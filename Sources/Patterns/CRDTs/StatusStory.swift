import Simulation

/// The status story for the LWW-Register (Shapiro et al. 2011, §3.2.1): a user sets their
/// status from devices that lose contact; one device's clock runs fast. After healing every
/// replica agrees, as promised, but on the write with the largest timestamp, which need not
/// be the last write in real time: later updates are silently lost. This is the known cost of
/// last-writer-wins on physical clocks (Kingsbury's Jepsen analyses of Cassandra).
///
/// The oracle: the converged write must be the logged write with the largest (timestamp,
/// replica) pair, and every replica's current write must be one that was logged.
///
/// Simplifications:
/// - Clocks are the simulated time plus a fixed per-replica skew; no drift, no NTP.
struct StatusStory: DemoStory {
    typealias Data = LWWRegister<String>

    let title = "user status (LWW-Register): devices write while partitioned; one device's clock "
        + "runs 300ms fast"
    let defaultUpdates = 6

    static let statuses = ["around", "at lunch", "commuting", "focusing", "in a call", "offline", "sick"]
    /// The device whose clock runs 300 ms ahead: side B's protagonist.
    private var fast: ReplicaID = -1
    /// Every write, with the real (simulated) time it was made, in milliseconds.
    private var writes: [(write: Data.Write, realTime: UInt64)] = []

    mutating func script(_ scenario: Scenario) -> [ScriptedUpdate<Data>] {
        let a = scenario.protagonistA
        let b = scenario.protagonistB
        fast = b
        let story = self
        return [
            ScriptedUpdate(at: .zero + .milliseconds(60), a) { _, now in .init("available", wallClock: story.clock(a, now)) },
            ScriptedUpdate(at: scenario.offline(500), b) { _, now in .init("on holiday", wallClock: story.clock(b, now)) },
            ScriptedUpdate(at: scenario.offline(700), a) { _, now in .init("in a meeting", wallClock: story.clock(a, now)) },
        ]
    }

    private func skew(_ replica: ReplicaID) -> UInt64 { replica == fast ? 300 : UInt64(replica % 3) * 2 }

    /// The wall clock of `replica` at `now`, in milliseconds.
    private func clock(_ replica: ReplicaID, _ now: SimTime) -> UInt64 {
        now.nanoseconds / 1_000_000 + skew(replica)
    }

    func randomOperation(for replica: ReplicaID, state: Data, now: SimTime, rng: inout SeededRNG) -> Data.Operation {
        .init(rng.pick(StatusStory.statuses)!, wallClock: clock(replica, now))
    }

    func describe(_ operation: Data.Operation) -> String {
        "set \"\(operation.value)\" (clock \(operation.wallClock)ms)"
    }

    func render(_ state: Data) -> String {
        guard let write = state.current else { return "-" }
        return "\"\(write.value)\"@\(write.timestamp)/n\(write.replica)"
    }

    mutating func record(_ operation: Data.Operation, by replica: ReplicaID, delta: Data) {
        guard let write = delta.current else { return }
        writes.append((write, operation.wallClock - skew(replica)))
    }

    func checkState(_ state: Data) -> String? {
        guard let write = state.current else { return nil }
        return writes.contains { $0.write == write } ? nil : "holds \(render(state)), which nobody wrote"
    }

    private var winner: (write: Data.Write, realTime: UInt64)? {
        writes.dropFirst().reduce(writes.first) { best, next in
            best.map { $0.write.precedes(next.write) ? next : $0 }
        }
    }

    func checkConverged(_ state: Data) -> String? {
        guard state.current == winner?.write else {
            let expected = winner.map { "\"\($0.write.value)\"@\($0.write.timestamp)" } ?? "-"
            return "holds \(render(state)), the largest logged timestamp is \(expected)"
        }
        return nil
    }

    func epilogue(_ state: Data, scenario: Scenario) -> [String] {
        guard let winner else { return [] }
        let lost = writes.filter { $0.realTime > winner.realTime }.map {
            "\"\($0.write.value)\" by n\($0.write.replica) at \($0.realTime)ms (stamped \($0.write.timestamp))"
        }
        var lines = [
            "every replica shows \(render(state)), written at \(winner.realTime)ms real time by n\(winner.write.replica)"
                + (winner.write.replica == fast ? ", whose clock runs 300ms fast" : ""),
        ]
        if lost.isEmpty {
            lines.append("no write made later in real time was lost in this run")
        } else {
            lines.append("made later in real time, yet silently lost: " + lost.joined(separator: "; "))
        }
        return lines
    }
}
