// swift-tools-version: 6.0
import PackageDescription

/// One target per pattern under `Sources/Patterns/<Name>`, each with a test target under
/// `Tests/PatternsTests/<Name>`. Every pattern depends on the shared `Simulation` kernel and
/// on nothing else but other patterns listed here: no ArgumentParser, no Yams, no Foundation
/// clock. Adding a pattern means one line in this table.
let patterns: [(name: String, dependsOn: [String])] = [
    ("CRDTs", []),
    ("CircuitBreaker", []),
    ("DistributedLock", []),
    ("MessageQueue", []),
    ("PubSub", []),
    ("LoadBalancing", []),
    ("DistributedCache", []),
    ("ServiceMesh", []),
    ("ReadReplicas", []),
    ("EventualConsistency", []),
    ("PBFT", []),
    ("Saga", []),
    ("FailureDetection", []),
    ("Gossip", []),
    ("Raft", []),
    ("EventLog", []),
    ("Sharding", []),
    ("VectorClocks", []),
    ("ConsistentHashing", []),
    ("QuorumKV", ["VectorClocks", "ConsistentHashing"]),
]

/// Patterns whose tests include text scenarios (`Tests/PatternsTests/<Name>/Scenarios/*.txt`).
let scenarioPatterns: Set<String> = ["CRDTs", "DistributedLock", "Gossip", "PBFT", "Raft"]

let patternTargets: [Target] = patterns.flatMap { pattern -> [Target] in
    [
        .target(
            name: pattern.name,
            dependencies: ["Simulation"] + pattern.dependsOn.map { .target(name: $0) },
            path: "Sources/Patterns/\(pattern.name)"
        ),
        .testTarget(
            name: "\(pattern.name)Tests",
            dependencies: [.target(name: pattern.name), "Simulation", "ScenarioTesting"],
            path: "Tests/PatternsTests/\(pattern.name)",
            exclude: scenarioPatterns.contains(pattern.name) ? ["Scenarios"] : []
        ),
    ]
}

let package = Package(
    name: "dsadvisor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dsadvisor", targets: ["dsadvisor"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "DSAdvisorCore", targets: ["DSAdvisorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "Simulation",
            // Lets every pattern module specialise the generic simulator for its own node type;
            // without it each event goes through runtime generic metadata (about 10x slower).
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
        ),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ScenarioTesting"], exclude: ["Scenarios"]),
        // The runner of the text scenarios (etcd's datadriven style) the pattern tests share.
        .target(name: "ScenarioTesting", path: "Tests/ScenarioTesting"),
        // The knowledge-base model and its YAML loader, shared by the build-time generator
        // (which embeds trees/ as Swift literals) and by the engine (for --tree).
        .target(name: "KnowledgeBase", dependencies: [.product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "GenerateKnowledgeBase", dependencies: ["KnowledgeBase"]),
        .plugin(name: "EmbedKnowledgeBase", capability: .buildTool(), dependencies: ["GenerateKnowledgeBase"]),
        // Simulation for its JSON writer only, which keeps object keys in the order written.
        .target(name: "DSAdvisorCore", dependencies: ["KnowledgeBase", "Simulation"], plugins: ["EmbedKnowledgeBase"]),
        .testTarget(name: "DSAdvisorCoreTests", dependencies: ["DSAdvisorCore"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["DSAdvisorCLI"], exclude: ["Golden"]),
        .target(
            name: "DSAdvisorCLI",
            dependencies: [
                "Simulation",
                "DSAdvisorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + patterns.map { .target(name: $0.name) }
        ),
        .executableTarget(name: "dsadvisor", dependencies: ["DSAdvisorCLI"]),
    ] + patternTargets
)
