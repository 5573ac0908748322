import Simulation

/// One node of the event-log cluster as the simulator sees it: a broker, the controller (with
/// the group coordinator and the output sink), the producer, or a consumer, chosen by its id
/// from the layout on its disk (the simulator's `disks:`, standing in for a config file).
///
/// Simplifications:
/// - Roles are fixed by node id; the controller node and the producer are never crashed.
public struct EventLogNode: SimulatedNode {
    public typealias Message = EventLogMessage
    public typealias Timer = EventLogTimer
    public typealias Command = EventLogCommand
    public typealias Output = EventLogOutput
    public typealias Durable = EventLogDurable

    enum Role {
        case unconfigured
        case broker(Broker)
        case controller(Controller, GroupCoordinator, OutputSink)
        case producer(Producer)
        case consumer(Consumer)
    }

    let id: NodeID
    var role: Role
    private var booted: EventLogDurable?

    public init(id: NodeID, cluster: [NodeID], durable: EventLogDurable?) {
        self.id = id
        role = .unconfigured
        booted = durable
    }

    public mutating func start(_ context: inout NodeContext<EventLogNode>) {
        guard let disk = booted else { return }
        booted = nil
        configure(disk.config, boots: disk.boots + 1, logs: disk.logs, &context)
    }

    public mutating func handle(_ command: EventLogCommand, _ context: inout NodeContext<EventLogNode>) {
        switch (role, command) {
        case let (.consumer(consumer), .stall(duration)):
            var stalled = consumer
            stalled.stalledUntil = context.now + duration
            role = .consumer(stalled)
        default: break
        }
    }

    private mutating func configure(_ config: EventLogConfig, boots: Int, logs: [PartitionLog],
                                    _ context: inout NodeContext<EventLogNode>) {
        if id < config.brokers {
            var broker = Broker(id: id, config: config, boots: boots, logs: logs)
            context.persist(broker.durable)
            broker.start(&context)
            role = .broker(broker)
        } else if id == config.controller {
            let controller = Controller(config: config, now: context.now)
            controller.announceAll(&context)
            context.setTimer(.sessionCheck, after: config.heartbeatInterval / 2)
            role = .controller(controller, GroupCoordinator(config: config), OutputSink(partitions: config.partitions))
        } else if id == config.producer {
            var producer = Producer(config: config)
            producer.start(&context)
            role = .producer(producer)
        } else {
            context.persist(EventLogDurable(config: config, boots: boots, logs: []))
            var consumer = Consumer(id: id, config: config)
            consumer.start(&context)
            role = .consumer(consumer)
        }
    }

    public mutating func receive(_ message: EventLogMessage, from sender: NodeID,
                                 _ context: inout NodeContext<EventLogNode>) {
        switch role {
        case .unconfigured: break
        case .broker(var broker):
            role = .unconfigured  // drop the enum's reference so the logs mutate in place
            broker.receive(message, from: sender, &context)
            role = .broker(broker)
        case .controller(var controller, var group, var sink):
            role = .unconfigured
            ControlPlane.receive(message, from: sender, &controller, &group, &sink, &context)
            role = .controller(controller, group, sink)
        case .producer(var producer):
            role = .unconfigured
            producer.receive(message, &context)
            role = .producer(producer)
        case .consumer(var consumer):
            role = .unconfigured
            consumer.receive(message, &context)
            role = .consumer(consumer)
        }
    }

    public mutating func fire(_ timer: EventLogTimer, _ context: inout NodeContext<EventLogNode>) {
        switch role {
        case .unconfigured: break
        case .broker(var broker):
            role = .unconfigured
            broker.fire(timer, &context)
            role = .broker(broker)
        case .controller(var controller, var group, let sink):
            role = .unconfigured
            controller.checkSessions(&context)
            group.checkSessions(&context)
            context.setTimer(.sessionCheck, after: controller.config.heartbeatInterval / 2)
            role = .controller(controller, group, sink)
        case .producer(var producer):
            role = .unconfigured
            producer.fire(timer, &context)
            role = .producer(producer)
        case .consumer(var consumer):
            role = .unconfigured
            consumer.fire(timer, &context)
            role = .consumer(consumer)
        }
    }
}

/// Routes the controller node's messages to the controller, the coordinator or the sink.
enum ControlPlane {
    static func receive(_ message: EventLogMessage, from sender: NodeID, _ controller: inout Controller,
                        _ group: inout GroupCoordinator, _ sink: inout OutputSink,
                        _ context: inout NodeContext<EventLogNode>) {
        switch message {
        case let .brokerHeartbeat(boot, known):
            controller.heartbeat(from: sender, incarnation: boot, known: known, &context)
        case let .alterPartition(p, leaderEpoch, partitionEpoch, isr):
            controller.alterPartition(p, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch, isr: isr,
                                      from: sender, &context)
        case .metadataRequest: context.send(.metadata(controller.states), to: sender)
        case .groupHeartbeat: group.heartbeat(from: sender, &context)
        case let .offsetFetch(p): context.send(.offsetFetchReply(partition: p, offset: sink.offsets[p]), to: sender)
        case let .commitTransaction(generation, p, from, next, outputs):
            sink.commitTransaction(generation: generation, partition: p, from: from, next: next, batch: outputs,
                                   member: sender, group: group, &context)
        case let .writeOutputs(p, outputs): sink.writeOutputs(partition: p, batch: outputs, member: sender, &context)
        case let .commitOffset(generation, p, offset):
            sink.commitOffset(generation: generation, partition: p, offset: offset, member: sender, group: group)
        default: break
        }
    }
}
