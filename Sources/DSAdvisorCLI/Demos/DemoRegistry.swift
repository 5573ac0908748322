import ArgumentParser

/// Every demo the binary can run, in catalog order (as SwiftLint lists its built-in rules).
/// A pattern registers its demo by adding its command here; the catalog's `demo:` field names it.
enum DemoRegistry {
    static let commands: [any DemoRunner.Type] = [
        RaftDemoCommand.self,
        PBFTDemoCommand.self,
        QuorumKVDemoCommand.self,
        EventualConsistencyDemoCommand.self,
        CRDTDemoCommand.self,
        VectorClockDemoCommand.self,
        ConsistentHashingDemoCommand.self,
        ShardingDemoCommand.self,
        ReadReplicasDemoCommand.self,
        GossipDemoCommand.self,
        FailureDetectionDemoCommand.self,
        PubSubDemoCommand.self,
        MessageQueueDemoCommand.self,
        EventLogDemoCommand.self,
        DistributedLockDemoCommand.self,
        CircuitBreakerDemoCommand.self,
        SagaDemoCommand.self,
        DistributedCacheDemoCommand.self,
        LoadBalancingDemoCommand.self,
        ServiceMeshDemoCommand.self,
    ]

    static func command(for id: String) -> (any DemoRunner.Type)? {
        commands.first { $0.demoID == id }
    }
}
