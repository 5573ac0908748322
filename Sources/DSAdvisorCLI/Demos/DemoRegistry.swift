import ArgumentParser
import CRDTs
import CircuitBreaker
import ConsistentHashing
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
    /// A registered demo: its definition, and the demo as the CLI handles it.
    struct Entry {
        let definition: any DemoDefinition.Type
        var demo: AnyDemo { AnyDemo(definition) }
        var id: String { demo.id }
        var title: String { demo.title }
        var subcommand: any ParsableCommand.Type { DemoRegistry.subcommand(definition) }

        init(_ definition: any DemoDefinition.Type) { self.definition = definition }

    }

    static let entries: [Entry] = [
        Entry(RaftDemo.self),
        Entry(PBFTDemo.self),
        Entry(QuorumKVDemo.self),
        Entry(EventualConsistencyDemo.self),
        Entry(CRDTsDemo.self),
        Entry(VectorClockDemo.self),
        Entry(ConsistentHashingDemo.self),
        Entry(ShardingDemo.self),
        Entry(ReadReplicasDemo.self),
        Entry(GossipDemo.self),
        Entry(FailureDetectionDemo.self),
        Entry(PubSubDemo.self),
        Entry(MessageQueueDemo.self),
        Entry(EventLogDemo.self),
        Entry(DistributedLockDemo.self),
        Entry(CircuitBreakerDemo.self),
        Entry(SagaDemo.self),
        Entry(DistributedCacheDemo.self),
        Entry(LoadBalancingDemo.self),
        Entry(ServiceMeshDemo.self),
    ]

    /// Built once: each id comes from building the demo's whole declaration, and the advisor
    /// commands ask for the list at every start.
    static let ids: [String] = entries.map(\.id)

    static func entry(for id: String) -> Entry? {
        ids.firstIndex(of: id).map { entries[$0] }
    }

    static func subcommand<D: DemoDefinition>(_ definition: D.Type) -> any ParsableCommand.Type {
        return DemoSubcommand<D>.self
    }
}
