import ArgumentParser

/// Every demo the binary can run, in catalog order (as SwiftLint lists its built-in rules).
/// A pattern registers its demo by adding its command here; the catalog's `demo:` field names it.
enum DemoRegistry {
    static let commands: [any DemoRunner.Type] = [
        CRDTDemoCommand.self,
        CircuitBreakerDemoCommand.self,
        DistributedLockDemoCommand.self,
        MessageQueueDemoCommand.self,
        PubSubDemoCommand.self,
        LoadBalancingDemoCommand.self,
        DistributedCacheDemoCommand.self,
        ServiceMeshDemoCommand.self,
        ReadReplicasDemoCommand.self,
        EventualConsistencyDemoCommand.self,
        PBFTDemoCommand.self,
        SagaDemoCommand.self,
        FailureDetectionDemoCommand.self,
        GossipDemoCommand.self,
        RaftDemoCommand.self,
        EventLogDemoCommand.self,
        ShardingDemoCommand.self,
        VectorClockDemoCommand.self,
        ConsistentHashingDemoCommand.self,
        QuorumKVDemoCommand.self,
    ]

    static func command(for id: String) -> (any DemoRunner.Type)? {
        commands.first { $0.demoID == id }
    }
}
