import ArgumentParser
import CRDTs
import CircuitBreaker
import DistributedCache
import DistributedLock
import EventLog
import EventualConsistency
import FailureDetection
import Gossip
import LoadBalancing
import MessageQueue
import PBFT
import PubSub
import QuorumKV
import Raft
import ReadReplicas
import Saga
import ServiceMesh
import Sharding
import Simulation
import VectorClocks

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
        .declared(RaftDemo.self),
        .declared(PBFTDemo.self),
        .declared(QuorumKVDemo.self),
        .declared(EventualConsistencyDemo.self),
        .declared(CRDTsDemo.self),
        .declared(VectorClockDemo.self),
        .declared(TimedConsistentHashingDemo.self),
        .declared(ShardingDemo.self),
        .declared(ReadReplicasDemo.self),
        .declared(GossipDemo.self),
        .declared(FailureDetectionDemo.self),
        .declared(PubSubDemo.self),
        .declared(MessageQueueDemo.self),
        .declared(EventLogDemo.self),
        .declared(DistributedLockDemo.self),
        .declared(CircuitBreakerDemo.self),
        .declared(SagaDemo.self),
        .declared(DistributedCacheDemo.self),
        .declared(LoadBalancingDemo.self),
        .declared(ServiceMeshDemo.self),
    ]

    static var ids: [String] { entries.map(\.id) }

    static func entry(for id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    static func subcommand<D: DemoDefinition>(_ definition: D.Type) -> any ParsableCommand.Type {
        // The CRDT demo's wall-clock benchmark needs the CLI's clock (see `CRDTDemoSubcommand`).
        if D.self == CRDTsDemo.self { return CRDTDemoSubcommand.self }
        return DemoSubcommand<D>.self
    }
}
