/// Turns the breaker's audit stream into timeline lines a reader can follow: each phase of
/// the downstream, each state change with its reason, the calls shed while the breaker was
/// open, and each half-open trial with its outcome. Ordinary closed-state calls are not
/// printed one by one (the per-phase table counts them).
///
/// Simplifications: printing only; it decides nothing.
import Simulation

struct BreakerPrinter {
    let timeline: Timeline?
    let config: BreakerConfig
    private var state: Breaker.State = .closed
    private var epoch = 0
    private var shedInState = 0
    private var trialsSeen = 0

    init(timeline: Timeline?, config: BreakerConfig) {
        self.timeline = timeline
        self.config = config
    }

    func phase(_ phase: Scenario.Phase, at now: SimTime) {
        let h = phase.health
        let what = h.down
            ? "crashed: requests vanish, calls time out"
            : "errors \(h.errorPerMille / 10)%, latency \(h.latencyMin.milliseconds)-\(h.latencyMax.milliseconds)ms"
        timeline?.event(now, node: 1, "phase", "downstream \(phase.name): \(what)")
    }

    mutating func show(_ event: BreakerAuditor.Event, at now: SimTime) {
        switch event {
        case .shed:
            shedInState += 1
        case .permitted:
            break
        case let .completed(e, failed, slow, _):
            guard e == epoch, state == .halfOpen else { return }
            trialsSeen += 1
            let outcome = (failed ? "failed" : "ok") + (slow ? ", slow" : "")
            timeline?.event(now, node: 0, "trial", "half-open trial \(trialsSeen)/\(config.permittedNumberOfCallsInHalfOpenState): \(outcome)")
        case .transition(let t):
            let shed = shedInState > 0 ? " (shed \(shedInState) calls while \(t.from.rawValue))" : ""
            timeline?.event(now, node: 0, "state", "\(t.from.rawValue) -> \(t.to.rawValue): \(t.reason)\(shed)")
            state = t.to
            epoch += 1
            shedInState = 0
            trialsSeen = 0
        }
    }
}
