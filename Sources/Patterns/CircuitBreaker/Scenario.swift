/// The downstream's health over a run, phase by phase: the story the circuit-breaker demo
/// tells (healthy, flaky, dead, recovering, healthy again). The seed moves each boundary by
/// up to a second and draws every call's error and latency, so each seed runs differently.
///
/// Simplifications: health is a step function of time; a real recovery is gradual and
/// depends on load.
import Simulation

public struct Scenario: Sendable {
    public struct Health: Sendable {
        public var errorPerMille: UInt32
        public var latencyMin: SimDuration
        public var latencyMax: SimDuration
        /// The downstream process is crashed for the whole phase.
        public var down: Bool
    }

    public struct Phase: Sendable {
        public var name: String
        public var start: SimTime
        public var end: SimTime
        public var health: Health
    }

    public var phases: [Phase]

    public var duration: SimDuration { SimDuration(nanoseconds: phases.last?.end.nanoseconds ?? 0) }

    /// The standard five phases, scaled to `seconds` in total, boundaries jittered by the seed.
    public static func standard(seconds: UInt64, rng: inout SeededRNG) -> Scenario {
        let fast = (SimDuration.milliseconds(20), SimDuration.milliseconds(80))
        let plan: [(String, UInt64, Health)] = [
            ("healthy", 16, Health(errorPerMille: 20, latencyMin: fast.0, latencyMax: fast.1, down: false)),
            ("flaky", 20, Health(errorPerMille: 650, latencyMin: fast.0, latencyMax: fast.1, down: false)),
            ("dead", 24, Health(errorPerMille: 1000, latencyMin: .zero, latencyMax: .zero, down: true)),
            ("recovering", 18, Health(errorPerMille: 150, latencyMin: .milliseconds(300), latencyMax: .milliseconds(900), down: false)),
            ("healthy", 22, Health(errorPerMille: 20, latencyMin: fast.0, latencyMax: fast.1, down: false)),
        ]
        var phases: [Phase] = []
        var start = SimTime.zero
        let total = SimDuration.seconds(seconds)
        var percent: UInt64 = 0
        for (index, (name, share, health)) in plan.enumerated() {
            percent += share
            var end = SimTime.zero + total
            if index < plan.count - 1 {
                end = SimTime.zero + total * percent / 100 + SimDuration.random(in: .zero, .seconds(1), using: &rng)
            }
            phases.append(Phase(name: name, start: start, end: end, health: health))
            start = end
        }
        return Scenario(phases: phases)
    }

    /// The phase in force at `time` (the last one after the end).
    public func phaseIndex(at time: SimTime) -> Int {
        phases.firstIndex { time < $0.end } ?? phases.count - 1
    }

    public func health(at time: SimTime) -> Health { phases[phaseIndex(at: time)].health }

    /// Crashes and restarts of the downstream (node 1) for every phase it is down.
    public var faults: FaultPlan {
        FaultPlan(phases.filter(\.health.down).flatMap {
            [ScheduledFault(at: $0.start, .crash(1)), ScheduledFault(at: $0.end, .restart(1))]
        })
    }
}
