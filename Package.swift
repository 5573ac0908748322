// swift-tools-version: 6.0
import PackageDescription

/// One target per pattern under `Sources/Patterns/<Name>`, each with a test target under
/// `Tests/PatternsTests/<Name>`. Every pattern depends on the shared `Simulation` kernel and
/// on nothing else but other patterns listed here: no ArgumentParser, no Yams, no Foundation
/// clock. Adding a pattern means one line in this table.
let patterns: [(name: String, dependsOn: [String])] = [
    ("VectorClocks", []),
    ("ConsistentHashing", []),
    ("QuorumKV", ["VectorClocks", "ConsistentHashing"]),
]

let patternTargets: [Target] = patterns.flatMap { pattern -> [Target] in
    [
        .target(
            name: pattern.name,
            dependencies: ["Simulation"] + pattern.dependsOn.map { .target(name: $0) },
            path: "Sources/Patterns/\(pattern.name)"
        ),
        .testTarget(
            name: "\(pattern.name)Tests",
            dependencies: [.target(name: pattern.name), "Simulation"],
            path: "Tests/PatternsTests/\(pattern.name)"
        ),
    ]
}

let package = Package(
    name: "dsadvisor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dsadvisor", targets: ["dsadvisor"]),
        .library(name: "Simulation", targets: ["Simulation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "Simulation"),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation"]),
        .target(
            name: "DSAdvisorCLI",
            dependencies: [
                "Simulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + patterns.map { .target(name: $0.name) }
        ),
        .executableTarget(name: "dsadvisor", dependencies: ["DSAdvisorCLI"]),
    ] + patternTargets
)
