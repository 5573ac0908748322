import ArgumentParser
import CircuitBreaker
import DistributedCache
import LoadBalancing
import PubSub
import ServiceMesh
import Simulation

/// Every demo the binary can run, in catalog order (as SwiftLint lists its built-in rules).
/// A pattern registers its demo by adding its definition here; the catalog's `demo:` field
/// names it.
enum DemoRegistry {
    enum Entry {
        /// Declared in its pattern's module (`DemoDefinition`).
        case declared(any DemoDefinition.Type)
        /// Still described by a command of its own in this module.
        case command(any DemoRunner.Type)

        var id: String {
            switch self {
            case .declared(let definition): AnyDemo(definition).id
            case .command(let command): command.demoID
            }
        }

        var title: String {
            switch self {
            case .declared(let definition): AnyDemo(definition).title
            case .command(let command): command.configuration.abstract
            }
        }

        /// The demo ready to run quietly at any seed with `words` (its own options), and the
        /// command that replays a seed; a usage error is thrown before any seed runs.
        func sweep(_ words: [String]) throws -> (run: (UInt64) throws -> DemoOutcome, replay: (UInt64) -> String) {
            switch self {
            case .declared(let definition):
                let prepared = try AnyDemo(definition).prepared(words)
                return ({ seed in
                    var run = prepared
                    run.seed = seed
                    return run.runQuietly()
                }, { seed in
                    var run = prepared
                    run.seed = seed
                    return run.replayCommand
                })
            case .command(let command):
                _ = try command.parseAsRoot(words)
                return ({ seed in
                    let parsed = try command.parseAsRoot(["--seed", String(seed), "--quiet"] + words)
                    let silent = Timeline(format: .text, quiet: true) { _ in }
                    return try (parsed as! any DemoRunner).runDemo(on: silent)
                }, { seed in (["dsadvisor", "demo", command.demoID, "--seed", String(seed)] + words).joined(separator: " ") })
            }
        }

        var subcommand: any ParsableCommand.Type {
            switch self {
            case .declared(let definition): DemoRegistry.subcommand(definition)
            case .command(let command): command
            }
        }
    }

    static let entries: [Entry] = [
        .command(RaftDemoCommand.self),
        .command(PBFTDemoCommand.self),
        .command(QuorumKVDemoCommand.self),
        .command(EventualConsistencyDemoCommand.self),
        .command(CRDTDemoCommand.self),
        .command(VectorClockDemoCommand.self),
        .command(ConsistentHashingDemoCommand.self),
        .command(ShardingDemoCommand.self),
        .command(ReadReplicasDemoCommand.self),
        .command(GossipDemoCommand.self),
        .command(FailureDetectionDemoCommand.self),
        .declared(PubSubDemo.self),
        .command(MessageQueueDemoCommand.self),
        .command(EventLogDemoCommand.self),
        .command(DistributedLockDemoCommand.self),
        .declared(CircuitBreakerDemo.self),
        .command(SagaDemoCommand.self),
        .declared(DistributedCacheDemo.self),
        .declared(LoadBalancingDemo.self),
        .declared(ServiceMeshDemo.self),
    ]

    static var ids: [String] { entries.map(\.id) }

    static func entry(for id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    static func subcommand<D: DemoDefinition>(_ definition: D.Type) -> any ParsableCommand.Type {
        DemoSubcommand<D>.self
    }
}
