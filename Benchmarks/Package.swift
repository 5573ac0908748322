// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

// Benchmarks live outside the main package so they never slow its build.
//   swift run -c release engine-benchmark        (in-process: load + evaluate the rules)
//   swift run -c release simulator-benchmark     (simulator events per second)
// The start-up baseline (a Foundation hello-world) is its own package, Benchmarks/HelloWorld,
// built and timed by Benchmarks/startup.sh.
let package = Package(
    name: "dsadvisor-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/google/swift-benchmark", from: "0.1.2"),
    ],
    targets: [
        .executableTarget(
            name: "simulator-benchmark",
            dependencies: [
                .product(name: "Simulation", package: mainPackage),
                .product(name: "Benchmark", package: "swift-benchmark"),
            ]
        ),
        .executableTarget(
            name: "engine-benchmark",
            dependencies: [
                .product(name: "DSAdvisorCore", package: mainPackage),
                .product(name: "Benchmark", package: "swift-benchmark"),
            ]
        ),
    ]
)
