import Raft
import Simulation
import Testing

/// The linearizability checker on hand-made histories whose verdict is known.
@Suite struct LinearizabilityTests {
    /// A tiny history language: (process, kind, function, key, value, time in ms).
    static func history(_ lines: [(Int, HistoryEvent.Kind, HistoryEvent.Function, String, HistoryEvent.Value, UInt64)])
        -> [HistoryEvent]
    {
        lines.map { HistoryEvent(process: $0.0, kind: $0.1, function: $0.2, key: $0.3, value: $0.4, time: $0.5 * 1_000_000) }
            .sorted { $0.time < $1.time }
    }

    static func verdict(_ events: [HistoryEvent]) -> LinearizabilityResult.Verdict {
        LinearizabilityChecker().check(events).verdict
    }

    @Test func sequentialHistory() {
        let h = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (0, .ok, .write, "x", .int(1), 10),
            (1, .invoke, .read, "x", .none, 20), (1, .ok, .read, "x", .int(1), 30),
        ])
        #expect(Self.verdict(h) == .linearizable)
    }

    @Test func staleReadIsNotLinearizable() {
        let h = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (0, .ok, .write, "x", .int(1), 10),
            (0, .invoke, .write, "x", .int(2), 20), (0, .ok, .write, "x", .int(2), 30),
            (1, .invoke, .read, "x", .none, 40), (1, .ok, .read, "x", .int(1), 50),
        ])
        let result = LinearizabilityChecker().check(h)
        #expect(result.verdict == .notLinearizable)
        #expect(result.key == "x")
        #expect(result.detail.contains("p1 read x 1"))
        #expect(!result.context.isEmpty)
    }

    @Test func concurrentWriteMayBeSeenOrNot() {
        // The write spans both reads: nil then 1 is fine ...
        let fine = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (1, .invoke, .read, "x", .none, 10), (1, .ok, .read, "x", .none, 20),
            (1, .invoke, .read, "x", .none, 30), (1, .ok, .read, "x", .int(1), 40), (0, .ok, .write, "x", .int(1), 100),
        ])
        #expect(Self.verdict(fine) == .linearizable)
        // ... but 1 then nil is not: the write cannot be undone.
        let broken = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (1, .invoke, .read, "x", .none, 10), (1, .ok, .read, "x", .int(1), 20),
            (1, .invoke, .read, "x", .none, 30), (1, .ok, .read, "x", .none, 40), (0, .ok, .write, "x", .int(1), 100),
        ])
        #expect(Self.verdict(broken) == .notLinearizable)
    }

    @Test func infoOperationsMayTakeEffectLateOrNever() {
        // An info write may take effect long after its invocation ...
        let late = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (0, .info, .write, "x", .int(1), 10),
            (1, .invoke, .read, "x", .none, 20), (1, .ok, .read, "x", .none, 30),
            (1, .invoke, .read, "x", .none, 40), (1, .ok, .read, "x", .int(1), 50),
        ])
        #expect(Self.verdict(late) == .linearizable)
        // ... or never.
        let never = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (0, .info, .write, "x", .int(1), 10),
            (1, .invoke, .read, "x", .none, 20), (1, .ok, .read, "x", .none, 30),
        ])
        #expect(Self.verdict(never) == .linearizable)
        // But only once.
        let twice = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (0, .info, .write, "x", .int(1), 10),
            (2, .invoke, .write, "x", .int(2), 12), (2, .ok, .write, "x", .int(2), 14),
            (1, .invoke, .read, "x", .none, 20), (1, .ok, .read, "x", .int(1), 30),
            (1, .invoke, .read, "x", .none, 40), (1, .ok, .read, "x", .int(2), 50),
            (1, .invoke, .read, "x", .none, 60), (1, .ok, .read, "x", .int(1), 70),
        ])
        #expect(Self.verdict(twice) == .notLinearizable)
    }

    @Test func failedOperationsNeverTookEffect() {
        let h = Self.history([
            (0, .invoke, .write, "x", .int(1), 0), (0, .fail, .write, "x", .int(1), 10),
            (1, .invoke, .read, "x", .none, 20), (1, .ok, .read, "x", .int(1), 30),
        ])
        #expect(Self.verdict(h) == .notLinearizable)
    }

    @Test func compareAndSet() {
        let ok = Self.history([
            (0, .invoke, .write, "x", .int(0), 0), (0, .ok, .write, "x", .int(0), 10),
            (1, .invoke, .cas, "x", .pair(0, 1), 20), (1, .ok, .cas, "x", .pair(0, 1), 30),
            (2, .invoke, .read, "x", .none, 40), (2, .ok, .read, "x", .int(1), 50),
        ])
        #expect(Self.verdict(ok) == .linearizable)
        let impossible = ok + Self.history([(1, .invoke, .cas, "x", .pair(0, 2), 60), (1, .ok, .cas, "x", .pair(0, 2), 70)])
        #expect(Self.verdict(impossible) == .notLinearizable)
        // An info cas that found another value simply failed.
        let infoCas = Self.history([
            (0, .invoke, .write, "x", .int(0), 0), (0, .ok, .write, "x", .int(0), 10),
            (1, .invoke, .cas, "x", .pair(0, 1), 20), (1, .info, .cas, "x", .pair(0, 1), 30),
            (2, .invoke, .read, "x", .none, 40), (2, .ok, .read, "x", .int(1), 50),
            (2, .invoke, .read, "x", .none, 60), (2, .ok, .read, "x", .int(0), 70),
        ])
        #expect(Self.verdict(infoCas) == .notLinearizable)
        #expect(Self.verdict(Array(infoCas.prefix(6))) == .linearizable)
    }

    /// A failed cas means the state machine compared and saw another value: one that can only
    /// have run while the register held the expected value is a violation (a re-executed
    /// duplicate of a cas that already applied shows up this way).
    @Test func aFailedCasIsAnObservedMismatch() {
        let seen = Self.history([
            (0, .invoke, .write, "x", .int(0), 0), (0, .ok, .write, "x", .int(0), 10),
            (1, .invoke, .cas, "x", .pair(0, 1), 20), (1, .fail, .cas, "x", .pair(0, 1), 30),
        ])
        #expect(Self.verdict(seen) == .notLinearizable)
        let concurrent = Self.history([
            (0, .invoke, .write, "x", .int(0), 0), (0, .ok, .write, "x", .int(0), 10),
            (2, .invoke, .write, "x", .int(5), 15), (2, .ok, .write, "x", .int(5), 40),
            (1, .invoke, .cas, "x", .pair(0, 1), 20), (1, .fail, .cas, "x", .pair(0, 1), 30),
        ])
        #expect(Self.verdict(concurrent) == .linearizable)
    }

    @Test func keysAreCheckedIndependently() {
        let h = Self.history([
            (0, .invoke, .write, "a", .int(1), 0), (0, .ok, .write, "a", .int(1), 10),
            (1, .invoke, .write, "b", .int(5), 0), (1, .ok, .write, "b", .int(5), 10),
            (0, .invoke, .read, "a", .none, 20), (0, .ok, .read, "a", .int(1), 30),
            (1, .invoke, .read, "b", .none, 20), (1, .ok, .read, "b", .int(1), 30),
        ])
        let result = LinearizabilityChecker().check(h)
        #expect(result.verdict == .notLinearizable && result.key == "b")
    }

    /// Property: a history produced by a real register, each operation's interval containing
    /// the instant it took effect, is linearizable, however the intervals overlap.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func historiesFromARealRegisterAreLinearizable(seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        var value: Int? = nil
        var events: [HistoryEvent] = []
        for step in 0..<120 {
            let point = UInt64(step) * 10 + 5
            let invoke = point - min(rng.below(40), point)
            let done = point + rng.below(40)
            let process = step
            switch rng.below(3) {
            case 0:
                events.append(HistoryEvent(process: process, kind: .invoke, function: .read, key: "x", value: .none, time: invoke))
                events.append(HistoryEvent(process: process, kind: .ok, function: .read, key: "x",
                                           value: value.map { .int($0) } ?? .none, time: done))
            case 1:
                let v = Int(rng.below(3))
                value = v
                events.append(HistoryEvent(process: process, kind: .invoke, function: .write, key: "x", value: .int(v), time: invoke))
                events.append(HistoryEvent(process: process, kind: rng.below(5) == 0 ? .info : .ok, function: .write,
                                           key: "x", value: .int(v), time: done))
            default:
                let (e, n) = (Int(rng.below(3)), Int(rng.below(3)))
                let applied = value == e
                if applied { value = n }
                events.append(HistoryEvent(process: process, kind: .invoke, function: .cas, key: "x", value: .pair(e, n), time: invoke))
                events.append(HistoryEvent(process: process, kind: applied ? .ok : .fail, function: .cas, key: "x",
                                           value: .pair(e, n), time: done))
            }
        }
        events.sort { $0.time < $1.time }
        #expect(Self.verdict(events) == .linearizable)
    }

    @Test func budgetGivesUnknown() {
        var events: [HistoryEvent] = []
        for p in 0..<12 {
            events.append(HistoryEvent(process: p, kind: .invoke, function: .write, key: "x", value: .int(p), time: 0))
        }
        for p in 0..<12 {
            events.append(HistoryEvent(process: 100 + p, kind: .invoke, function: .read, key: "x", value: .none, time: 1))
            events.append(HistoryEvent(process: 100 + p, kind: .ok, function: .read, key: "x", value: .int(99), time: 2))
        }
        #expect(LinearizabilityChecker(budget: 50).check(events).verdict != .linearizable)
    }

    @Test func historyLinesFollowJepsen() {
        let read = HistoryEvent(process: 3, kind: .ok, function: .read, key: "k1", value: .none, time: 42)
        #expect(read.json.serialized == #"{"process":3,"type":"ok","f":"read","key":"k1","value":null,"time":42}"#)
        let cas = HistoryEvent(process: 1, kind: .invoke, function: .cas, key: "k0", value: .pair(2, 3), time: 7)
        #expect(cas.json.serialized == #"{"process":1,"type":"invoke","f":"cas","key":"k0","value":[2,3],"time":7}"#)
    }
}
