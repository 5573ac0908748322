import ArgumentParser
import EventLog
import Simulation

/// `dsadvisor demo event-log`: Kafka-style replication, failover and exactly-once consumption.
struct EventLogDemoCommand: DemoRunner {
    static let demoID = "event-log"
    static let configuration = CommandConfiguration(
        commandName: "event-log",
        abstract: "Kafka-style log: ISR, leader epochs, idempotent producer, exactly-once group.",
        discussion: """
            Examples:
              dsadvisor demo event-log
              dsadvisor demo event-log --seed 7 --partitions 4 --consumers 2 --loss 50
              dsadvisor demo event-log --delivery at-least-once   (the checker flags duplicates)
              dsadvisor demo event-log --acks 1   (the checker flags a lost acknowledged write)
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Brokers (3...5); every partition is replicated on every broker.")
    var brokers = 3

    @Option(help: "Partitions (1...8).")
    var partitions = 3

    @Option(help: "Consumers in the group (2...6).")
    var consumers = 3

    @Option(help: "Records the producer sends (10...2000).")
    var records = 150

    @Option(help: "exactly-once (atomic outputs+offset) or at-least-once (outputs, then offsets).")
    var delivery: EventLogConfig.Delivery = .exactlyOnce

    @Option(help: "all (wait for the ISR) or 1 (leader only: acknowledged writes can be lost on failover).")
    var acks: EventLogConfig.Acks = .all

    @Option(help: "Per-mille odds that a message is lost (duplicated: half that), 0...300.")
    var loss: UInt32 = 20

    @Flag(help: "Run without the scripted crashes and the zombie consumer.")
    var noFaults = false

    @Flag(help: "Skip the at-least-once replay of the same seed.")
    var noContrast = false

    func validate() throws {
        guard (3...5).contains(brokers) else { throw ValidationError("--brokers must be in 3...5") }
        guard (1...8).contains(partitions) else { throw ValidationError("--partitions must be in 1...8") }
        guard (2...6).contains(consumers) else { throw ValidationError("--consumers must be in 2...6") }
        guard (10...2000).contains(records) else { throw ValidationError("--records must be in 10...2000") }
        guard loss <= 300 else { throw ValidationError("--loss must be in 0...300") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        EventLogDemo.run(EventLogDemo.Options(
            seed: common.seed, brokers: brokers, partitions: partitions, consumers: consumers, records: records,
            delivery: delivery, acks: acks, faults: !noFaults, lossPerMille: loss, contrast: !noContrast), on: timeline)
    }
}

extension EventLogConfig.Delivery: ExpressibleByArgument {}
extension EventLogConfig.Acks: ExpressibleByArgument {}
