// swift-tools-version: 6.0
import PackageDescription

// The start-up baseline dsadvisor is timed against (Benchmarks/startup.sh): a Foundation
// hello-world that the script builds exactly like the dsadvisor executable. A package of its
// own, so building it builds nothing else.
let package = Package(
    name: "hello-world",
    platforms: [.macOS(.v13)],
    targets: [
        .executableTarget(name: "hello"),
    ]
)
