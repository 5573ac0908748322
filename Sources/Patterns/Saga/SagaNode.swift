/// One node of the trip-booking cluster as the simulator sees it: node 0 runs the
/// `SagaOrchestrator`, nodes 1–4 run a `SagaParticipant` each (flight, hotel, car, payment).
/// It only translates between the simulator's context and the state machines' `SagaEffects`.
///
/// Simplifications:
/// - Settings are on each node's disk at boot (the simulator's `disks:`) with an empty log,
///   as a config file would be, and stay persisted with the node's state; recovering from an
///   empty log does nothing.
import Simulation

public enum SagaCommand: Sendable {
    /// A client asks for a trip; the saga id doubles as the client's idempotency key.
    case begin(saga: Int, fixture: SagaFixture)
}

public enum SagaTimer: Hashable, Sendable {
    /// The orchestrator's timeout or backoff for one saga.
    case saga(Int)
    /// A slow participant finishes processing one attempt of a request.
    case process(IdempotencyKey, attempt: Int)
}

/// What a node keeps on stable storage.
public enum SagaDisk: Equatable, Sendable {
    case orchestrator(SagaConfig, SagaLog)
    case participant(SagaConfig, ParticipantDisk)
}

public struct SagaNode: SimulatedNode {
    public typealias Message = SagaMessage
    public typealias Timer = SagaTimer
    public typealias Command = SagaCommand
    public typealias Output = SagaEvent
    public typealias Durable = SagaDisk

    public enum Role: Sendable {
        case orchestrator(SagaOrchestrator)
        case participant(SagaParticipant)
    }

    public let id: NodeID
    public private(set) var role: Role
    private let restarted: Bool
    /// Requests a slow participant is still processing (volatile: a crash drops them).
    private var deferred: [SagaRequest] = []

    public init(id: NodeID, cluster: [NodeID], durable: SagaDisk?) {
        self.id = id
        restarted = durable != nil
        switch durable {
        case .orchestrator(let config, let log)?:
            role = .orchestrator(SagaOrchestrator(config: config, log: log))
        case .participant(let config, let disk)?:
            role = .participant(SagaParticipant(step: SagaStep(node: id) ?? .flight, config: config, disk: disk))
        case nil:
            role = SagaNode.fresh(id: id, config: SagaConfig())
        }
    }

    /// What node `id` finds on its disk before its first boot: its settings and nothing done.
    public static func firstDisk(id: NodeID, config: SagaConfig) -> SagaDisk {
        disk(of: fresh(id: id, config: config))
    }

    static func fresh(id: NodeID, config: SagaConfig) -> Role {
        if let step = SagaStep(node: id) {
            return .participant(SagaParticipant(step: step, config: config))
        }
        return .orchestrator(SagaOrchestrator(config: config))
    }

    public var orchestrator: SagaOrchestrator? {
        if case .orchestrator(let o) = role { o } else { nil }
    }

    public var participant: SagaParticipant? {
        if case .participant(let p) = role { p } else { nil }
    }

    public mutating func start(_ context: inout NodeContext<SagaNode>) {
        guard restarted, case .orchestrator(var orchestrator) = role else { return }
        let changed = run(&context) { orchestrator.recover(&$0) }
        role = .orchestrator(orchestrator)
        save(changed, &context)
    }

    public mutating func receive(_ message: SagaMessage, from sender: NodeID, _ context: inout NodeContext<SagaNode>) {
        switch (message, role) {
        case (.request(let request), .participant(var participant)):
            let changed = run(&context) { effects in
                if let reply = participant.handle(request, &effects) { effects.sends.append((sender, .reply(reply))) }
            }
            role = .participant(participant)
            save(changed, &context)
        case (.reply(let reply), .orchestrator(var orchestrator)):
            let changed = run(&context) { orchestrator.receive(reply, &$0) }
            role = .orchestrator(orchestrator)
            save(changed, &context)
        default:
            break
        }
    }

    public mutating func fire(_ timer: SagaTimer, _ context: inout NodeContext<SagaNode>) {
        switch (timer, role) {
        case (.saga(let saga), .orchestrator(var orchestrator)):
            let changed = run(&context) { orchestrator.fire(saga: saga, &$0) }
            role = .orchestrator(orchestrator)
            save(changed, &context)
        case (.process(let key, let attempt), .participant(var participant)):
            guard let index = deferred.firstIndex(where: { $0.key == key && $0.attempt == attempt }) else { return }
            let request = deferred.remove(at: index)
            let changed = run(&context) { effects in
                effects.sends.append((0, .reply(participant.resume(request, &effects))))
            }
            role = .participant(participant)
            save(changed, &context)
        default:
            break
        }
    }

    public mutating func handle(_ command: SagaCommand, _ context: inout NodeContext<SagaNode>) {
        switch (command, role) {
        case (.begin(let saga, let fixture), .orchestrator(var orchestrator)):
            let changed = run(&context) { orchestrator.begin(saga: saga, fixture: fixture, &$0) }
            role = .orchestrator(orchestrator)
            save(changed, &context)
        default:
            break
        }
    }

    /// The node's state as persisted.
    public var disk: SagaDisk { SagaNode.disk(of: role) }

    static func disk(of role: Role) -> SagaDisk {
        switch role {
        case .orchestrator(let o): .orchestrator(o.config, o.log)
        case .participant(let p): .participant(p.config, p.disk)
        }
    }

    /// Runs a state-machine handler and hands its effects to the simulator.
    private mutating func run(_ context: inout NodeContext<SagaNode>, _ body: (inout SagaEffects) -> Void) -> Bool {
        var effects = SagaEffects(rng: context.rng)
        body(&effects)
        context.rng = effects.rng
        for send in effects.sends { context.send(send.message, to: send.to) }
        for timer in effects.timers {
            if let after = timer.after {
                context.setTimer(.saga(timer.saga), after: after)
            } else {
                context.cancelTimer(.saga(timer.saga))
            }
        }
        for event in effects.events { context.output(event) }
        for (request, after) in effects.deferred {
            deferred.append(request)
            context.setTimer(.process(request.key, attempt: request.attempt), after: after)
        }
        return effects.persist
    }

    /// Persists the node's state when the handler changed it. The simulator writes it before
    /// any message of the same handler leaves: the log entry precedes the action it records.
    private func save(_ changed: Bool, _ context: inout NodeContext<SagaNode>) {
        if changed { context.persist(disk) }
    }
}
