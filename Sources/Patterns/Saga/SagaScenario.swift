/// The sagas the demo runs: a scripted story (one commit, a refusal at each step in turn, a
/// flaky compensation, an orchestrator crash mid-saga and another mid-compensation, a
/// participant outage that exhausts an action's retries, an overloaded participant whose
/// action lands after its compensation) and then a burst of concurrent sagas whose outcomes
/// (and one crash during it) are drawn from the seed. The story follows the failure cases
/// Garcia-Molina & Salem 1987 §1 and §5 discuss.
///
/// Simplifications:
/// - Scripted faults are triggered by the harness on what the orchestrator reports; they are
///   printed on the timeline like every other fault.
import Simulation

public struct SagaScenario: Equatable, Sendable {
    public enum Trigger: Equatable, Sendable {
        /// Crash the orchestrator right after it first sends this step's action (or
        /// compensation), restart it later.
        case crashOrchestratorAfterSending(SagaStep, SagaRequestKind, downFor: SimDuration)
        /// Take this participant down when the saga begins, for a while.
        case outage(SagaStep, downFor: SimDuration)
    }

    public var saga: Int
    public var title: String
    public var fixture: SagaFixture
    public var trigger: Trigger?
    /// How long the story waits after this saga ends before the next begins (long enough for
    /// late messages of this one to show up in its own section).
    public var pauseAfter: SimDuration = .milliseconds(100)

    /// The story: nine sagas, one after the other.
    public static let story: [SagaScenario] = [
        SagaScenario(saga: 1, title: "happy path", fixture: .succeeds),
        SagaScenario(saga: 2, title: "flight sold out", fixture: SagaFixture(rejectAt: .flight)),
        SagaScenario(saga: 3, title: "no rooms left", fixture: SagaFixture(rejectAt: .hotel)),
        SagaScenario(saga: 4, title: "no cars left", fixture: SagaFixture(rejectAt: .car)),
        SagaScenario(saga: 5, title: "card declined, flaky H undo",
                     fixture: SagaFixture(rejectAt: .payment, flakyCompensation: .hotel, flakyFailures: 2)),
        SagaScenario(saga: 6, title: "orchestrator crash", fixture: .succeeds,
                     trigger: .crashOrchestratorAfterSending(.car, .action, downFor: .milliseconds(400))),
        SagaScenario(saga: 7, title: "crash while undoing", fixture: SagaFixture(rejectAt: .payment),
                     trigger: .crashOrchestratorAfterSending(.hotel, .compensation, downFor: .milliseconds(300))),
        SagaScenario(saga: 8, title: "car service down", fixture: .succeeds,
                     trigger: .outage(.car, downFor: .milliseconds(1500))),
        SagaScenario(saga: 9, title: "car service overloaded",
                     fixture: SagaFixture(slowAt: .car, slowFor: .milliseconds(1200)),
                     pauseAfter: .milliseconds(1300)),
    ]

    /// `count` sagas after the story, outcomes drawn from `rng`: half succeed, the rest are
    /// refused at a random step; some have a flaky compensation.
    public static func burst(count: Int, firstSaga: Int, rng: inout SeededRNG) -> [SagaScenario] {
        (0..<count).map { index in
            var fixture = SagaFixture()
            if rng.chance(perMille: 500) {
                fixture.rejectAt = SagaStep(rawValue: Int(rng.below(4)))
            }
            if rng.chance(perMille: 300) {
                fixture.flakyCompensation = SagaStep(rawValue: Int(rng.below(4)))
                fixture.flakyFailures = 1 + Int(rng.below(3))
            }
            let title = "burst: " + (fixture.rejectAt.map(\.refusal) ?? "succeeds")
            return SagaScenario(saga: firstSaga + index, title: title, fixture: fixture)
        }
    }

    /// The same saga with its scripted fault left out (`--faults none`).
    var withoutFault: SagaScenario {
        var copy = self
        copy.trigger = nil
        return copy
    }

    /// What the correct protocol does with this saga when nothing else goes wrong.
    public var expectation: String {
        var stalled = fixture.slowAt
        if case .outage(let step, _)? = trigger { stalled = step }
        if let stalled {
            return "undo " + SagaStep.letters(SagaStep.allCases.filter { $0 <= stalled }.sorted(by: >))
        }
        guard let reject = fixture.rejectAt else { return "commit" }
        let undo = SagaStep.allCases.filter { $0 < reject }.sorted(by: >)
        return undo.isEmpty ? "nothing" : "undo " + SagaStep.letters(undo)
    }
}
