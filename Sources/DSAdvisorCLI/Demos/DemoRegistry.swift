import ArgumentParser

/// Every demo the binary can run, in catalog order (as SwiftLint lists its built-in rules).
/// A pattern registers its demo by adding its command here; the catalog's `demo:` field names it.
enum DemoRegistry {
    static let commands: [any DemoRunner.Type] = [
        VectorClockDemoCommand.self,
        ConsistentHashingDemoCommand.self,
        QuorumKVDemoCommand.self,
    ]

    static func command(for id: String) -> (any DemoRunner.Type)? {
        commands.first { $0.demoID == id }
    }
}
