/// Drives one saga run on the simulator: submits the sagas (the story one after the other,
/// then the burst at once), fires the scripted faults, narrates every event, and audits the
/// invariants after every step (the harness style of Jepsen's generator + checker).
///
/// Simplifications:
/// - A client whose `begin` reaches a crashed orchestrator resubmits it 100 ms later; the
///   saga id makes that retry idempotent.
import Simulation

final class SagaHarness {
    struct Tally {
        var retries: [Int: Int] = [:]
        var began: [Int: SimTime] = [:]
        var ended: [Int: SimTime] = [:]
        var outcomes: [Int: SagaOutcome] = [:]
        var perParticipant: [[SagaEvent.Kind: Int]] = Array(repeating: [:], count: SagaStep.allCases.count)
        var recoveries = 0
    }

    let sim: Simulator<SagaNode, Never>
    let timeline: Timeline
    let scenarios: [SagaScenario]
    let storyCount: Int
    /// Whether the burst has its crash (false under `--faults none`).
    let scripted: Bool
    var checker = SagaInvariantChecker()
    var tally = Tally()
    private var nextScripted = 0
    private var crashArmed: SagaScenario.Trigger?
    /// Section titles to print once the clock reaches them (when their saga begins).
    private var sections: [(at: SimTime, title: String)] = []

    /// Whether the run was stopped at its limit (rather than going quiet with nothing left to happen).
    private(set) var reachedLimit = false

    init(sim: Simulator<SagaNode, Never>, timeline: Timeline, story: [SagaScenario], burst: [SagaScenario],
         scripted: Bool = true) {
        self.scripted = scripted
        self.sim = sim
        self.timeline = timeline
        scenarios = story + burst
        storyCount = story.count
    }

    /// Runs until nothing is left to happen (every saga finished, every fault undone, every
    /// late message delivered); returns a broken invariant.
    func run(limit: SimTime) -> SagaBreach? {
        submitNext(after: .milliseconds(10))
        while let occurrence = sim.step() {
            guard sim.now <= limit else {
                reachedLimit = true
                let open = scenarios.count - tally.ended.count
                return SagaBreach(invariant: SagaInvariantChecker.liveness,
                                  detail: "\(open) of \(scenarios.count) sagas not finished at \(limit)")
            }
            narrate(occurrence)
            if let breach = checker.audit(sim.disks) { return breach }
        }
        return checker.finalCheck(sim.disks, sagas: scenarios.map(\.saga))
    }

    private func narrate(_ occurrence: Simulator<SagaNode, Never>.Occurrence) {
        while let first = sections.first, first.at <= sim.now {
            timeline.section(first.title)
            sections.removeFirst()
        }
        switch occurrence {
        case .faultApplied(let fault):
            timeline.event(sim.now, "fault", fault.description)
        case .commandLost(_, .begin(let saga, let fixture)):
            timeline.event(sim.now, "client", "begin saga \(saga) lost: orchestrator down, retry in 100ms")
            sim.submit(.begin(saga: saga, fixture: fixture), to: 0, after: .milliseconds(100))
        default:
            break
        }
        for (node, event) in sim.outputs {
            timeline.event(sim.now, node: node, event.kind.rawValue, event.text)
            react(to: event, on: node)
        }
    }

    private func react(to event: SagaEvent, on node: NodeID) {
        if let step = SagaStep(node: node) {
            tally.perParticipant[step.rawValue][event.kind, default: 0] += 1
            return
        }
        switch event.kind {
        case .begun: tally.began[event.saga] = sim.now
        case .retry: tally.retries[event.saga, default: 0] += 1
        case .recovered: tally.recoveries += 1
        case .sent:
            if case .crashOrchestratorAfterSending(let step, let kind, let down)? = crashArmed,
               event.key?.step == step, event.key?.kind == kind {
                crashArmed = nil
                sim.inject(.crash(0))
                sim.inject(.restart(0), after: down)
            }
        case .finished:
            // A restarted orchestrator may announce again an end this client has heard.
            guard tally.ended[event.saga] == nil else { break }
            tally.ended[event.saga] = sim.now
            tally.outcomes[event.saga] = event.outcome
            if nextScripted <= storyCount && event.saga == scenarios[nextScripted - 1].saga {
                submitNext(after: scenarios[nextScripted - 1].pauseAfter)
            }
        default:
            break
        }
    }

    /// The burst: every remaining saga within 30 ms, and one node (orchestrator or participant,
    /// drawn from the seed) crashing at a random moment of it and restarting a little later.
    private func submitBurst(after delay: SimDuration) {
        var rng = sim.stream(2)
        let victim = Int(rng.below(UInt64(sim.cluster.count)))
        let into = SimDuration.random(in: .zero, .milliseconds(150), using: &rng)
        let crashAt = delay + into
        let downFor = SimDuration.random(in: .milliseconds(50), .milliseconds(600), using: &rng)
        sections.append((sim.now + delay, "burst: \(scenarios.count - nextScripted) concurrent sagas, outcomes "
            + "drawn from the seed" + (scripted ? "; n\(victim) crashes \(into) in, for \(downFor)" : "")))
        for scenario in scenarios[nextScripted...] {
            let offset = delay + SimDuration.random(in: .zero, .milliseconds(30), using: &rng)
            sim.submit(.begin(saga: scenario.saga, fixture: scenario.fixture), to: 0, after: offset)
        }
        if scripted {
            sim.inject(.crash(victim), after: crashAt)
            sim.inject(.restart(victim), after: crashAt + downFor)
        }
        nextScripted = scenarios.count
    }

    /// Submits the next scripted saga, or, after the story, the whole burst.
    private func submitNext(after delay: SimDuration) {
        guard nextScripted < scenarios.count else { return }
        if nextScripted >= storyCount {
            submitBurst(after: delay)
            return
        }
        let scenario = scenarios[nextScripted]
        nextScripted += 1
        sections.append((sim.now + delay, "saga \(scenario.saga): \(scenario.title) (expected: \(scenario.expectation))"))
        sim.submit(.begin(saga: scenario.saga, fixture: scenario.fixture), to: 0, after: delay)
        switch scenario.trigger {
        case .outage(let step, let down)?:
            sim.inject(.crash(step.node), after: delay)
            sim.inject(.restart(step.node), after: delay + down)
        case .crashOrchestratorAfterSending?:
            crashArmed = scenario.trigger
        case nil:
            break
        }
    }
}
