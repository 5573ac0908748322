/// The two processes of the circuit-breaker demo on the simulator: a caller (n0) that issues
/// a call every few tens of milliseconds through a `Breaker` (or straight through, for the
/// comparison run), with a client-side timeout; and a downstream service (n1) whose health
/// follows a `Scenario` (healthy, flaky, dead, recovering). "Dead" is a real crash of n1:
/// requests vanish and the caller's timeout fires, which is what a breaker exists to spare.
///
/// Simplifications:
/// - The downstream has no queue and no capacity limit: shedding load helps the caller's
///   latency here, not the downstream's recovery (see the summary's "served" figures for the
///   load a breaker keeps off it).
/// - One caller, one downstream, one breaker.
import Simulation

public struct BreakerNode: SimulatedNode {
    /// What both nodes need to know: on their disk from the start (a config file), so that a
    /// restarted downstream still knows its scenario.
    public struct Setup: Sendable {
        public var scenario: Scenario
        /// nil: the caller calls without a breaker.
        public var breaker: BreakerConfig?
        public var flaw: Breaker.Flaw?
        public var callTimeout: SimDuration
        public var callGapMin: SimDuration
        public var callGapMax: SimDuration
    }

    public enum Message: Sendable {
        case request(UInt64)
        case reply(UInt64, ok: Bool)
    }

    public enum Timer: Hashable, Sendable {
        case nextCall
        case timeout(UInt64)
        case respond(UInt64, ok: Bool)
        case breakerDeadline
    }

    /// One finished call, as the caller saw it.
    public struct Call: Sendable {
        public var id: UInt64
        public var startedAt: SimTime
        public var latency: SimDuration
        public var ok: Bool
        public var shed: Bool
        public var timedOut: Bool
    }

    public enum Output: Sendable {
        case audit(BreakerAuditor.Event)
        case finished(Call)
        case served(UInt64)
    }

    public typealias Durable = Setup

    let id: NodeID
    var setup: Setup?
    var breaker: Breaker?
    var nextID: UInt64 = 0
    var inFlight: [UInt64: (startedAt: SimTime, permit: Breaker.Permit?)] = [:]

    public init(id: NodeID, cluster: [NodeID], durable: Setup?) {
        self.id = id
        setup = durable
    }

    /// The caller starts calling with a fresh breaker; the downstream only waits for requests.
    public mutating func start(_ context: inout NodeContext<BreakerNode>) {
        guard id == 0, let setup else { return }
        breaker = setup.breaker.map { Breaker($0, flaw: setup.flaw) }
        context.setTimer(.nextCall, after: .zero)
    }

    public mutating func handle(_ command: Never, _ context: inout NodeContext<BreakerNode>) {}

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<BreakerNode>) {
        switch message {
        case .request(let call):
            guard let setup else { return }
            context.output(.served(call))
            let health = setup.scenario.health(at: context.now)
            let ok = !context.rng.chance(perMille: health.errorPerMille)
            let latency = SimDuration.random(in: health.latencyMin, health.latencyMax, using: &context.rng)
            context.setTimer(.respond(call, ok: ok), after: latency)
        case .reply(let call, let ok):
            finish(call, ok: ok, timedOut: false, &context)
        }
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<BreakerNode>) {
        switch timer {
        case .nextCall:
            guard let setup else { return }
            call(&context)
            if context.now < SimTime.zero + setup.scenario.duration {
                context.setTimer(.nextCall, after: .random(in: setup.callGapMin, setup.callGapMax, using: &context.rng))
            }
        case .timeout(let call):
            finish(call, ok: false, timedOut: true, &context)
        case .respond(let call, let ok):
            context.send(.reply(call, ok: ok), to: 0)
        case .breakerDeadline:
            withBreaker(&context) { breaker, now in breaker.advance(now: now) }
        }
    }

    private mutating func call(_ context: inout NodeContext<BreakerNode>) {
        let call = nextID
        nextID += 1
        var permit: Breaker.Permit?
        if breaker != nil {
            permit = withBreaker(&context) { breaker, now in breaker.tryAcquirePermission(now: now) } ?? nil
            guard let permit else {
                context.output(.audit(.shed(at: context.now)))
                context.output(.finished(Call(id: call, startedAt: context.now, latency: .zero,
                                              ok: false, shed: true, timedOut: false)))
                return
            }
            context.output(.audit(.permitted(epoch: permit.epoch, at: context.now)))
        }
        inFlight[call] = (context.now, permit)
        context.send(.request(call), to: 1)
        context.setTimer(.timeout(call), after: setup!.callTimeout)
    }

    private mutating func finish(_ call: UInt64, ok: Bool, timedOut: Bool, _ context: inout NodeContext<BreakerNode>) {
        guard let started = inFlight.removeValue(forKey: call) else { return }
        if !timedOut { context.cancelTimer(.timeout(call)) }
        let now = context.now
        if let permit = started.permit, let slowAfter = breaker?.config.slowCallDurationThreshold {
            withBreaker(&context) { breaker, now in breaker.advance(now: now) }
            context.output(.audit(.completed(epoch: permit.epoch, failed: !ok,
                                             slow: now - permit.startedAt > slowAfter, at: now)))
            withBreaker(&context) { breaker, now in breaker.onComplete(permit, failed: !ok, now: now) }
        }
        context.output(.finished(Call(id: call, startedAt: started.startedAt, latency: now - started.startedAt,
                                      ok: ok, shed: false, timedOut: timedOut)))
    }

    /// Runs `body` on the breaker and reports every transition it made, in order, then
    /// re-arms the timer for the breaker's next time-driven transition.
    @discardableResult
    private mutating func withBreaker<R>(_ context: inout NodeContext<BreakerNode>,
                                         _ body: (inout Breaker, SimTime) -> R) -> R? {
        guard breaker != nil else { return nil }
        let before = breaker!.transitions.count
        let result = body(&breaker!, context.now)
        for t in breaker!.transitions[before...] { context.output(.audit(.transition(t))) }
        if let deadline = breaker!.nextDeadline {
            context.setTimer(.breakerDeadline, after: deadline - context.now)
        } else {
            context.cancelTimer(.breakerDeadline)
        }
        return result
    }
}
