import ArgumentParser
import Sharding
import Simulation

/// `dsadvisor demo sharding`: range vs hash under skew; a live split and move of a hot range.
struct ShardingDemoCommand: DemoRunner {
    static let demoID = "sharding"
    static let configuration = CommandConfiguration(
        commandName: "sharding",
        abstract: "Range vs hash sharding; live split and move with a versioned routing table.",
        discussion: """
            Examples:
              dsadvisor demo sharding
              dsadvisor demo sharding --seed 4 --nodes 5 --hot 800 --loss 50
              dsadvisor demo sharding --unsafe-switch   (no freeze/catch-up: the checker objects)
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Storage nodes (2...8).")
    var nodes = 4

    @Option(help: "Initial shards, equal key ranges (2...16).")
    var shards = 4

    @Option(help: "Clients, one operation in flight each (1...8).")
    var clients = 6

    @Option(help: "Keys in the key space (100...100000).")
    var keys = 1000

    @Option(help: "Per-mille of operations aimed at the hot range (0...1000).")
    var hot: UInt32 = 600

    @Option(help: "Most moves the balancer makes (0...6).")
    var moves = 3

    @Option(help: "Per-mille odds that a message is lost (duplicated: half that), 0...300.")
    var loss: UInt32 = 10

    @Flag(help: "Do not cut a node off during the first move.")
    var noFaults = false

    @Flag(help: "Switch ownership right after the snapshot, without freeze and catch-up (broken on purpose).")
    var unsafeSwitch = false

    func validate() throws {
        guard (2...8).contains(nodes) else { throw ValidationError("--nodes must be in 2...8") }
        guard (2...16).contains(shards) else { throw ValidationError("--shards must be in 2...16") }
        guard (1...8).contains(clients) else { throw ValidationError("--clients must be in 1...8") }
        guard (100...100_000).contains(keys) else { throw ValidationError("--keys must be in 100...100000") }
        guard hot <= 1000 else { throw ValidationError("--hot must be in 0...1000") }
        guard (0...6).contains(moves) else { throw ValidationError("--moves must be in 0...6") }
        guard loss <= 300 else { throw ValidationError("--loss must be in 0...300") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        ShardingDemo.run(ShardingDemo.Options(
            seed: common.seed, nodes: nodes, shards: shards, clients: clients, keys: keys, hotPerMille: hot,
            moves: moves, lossPerMille: loss, faults: !noFaults, unsafeSkipCatchUp: unsafeSwitch), on: timeline)
    }
}
