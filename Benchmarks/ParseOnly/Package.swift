// swift-tools-version: 6.0
import PackageDescription

// A second start-up reference for Benchmarks/startup.sh: a program that only parses the
// options of `dsadvisor recommend` with ArgumentParser and prints one line. It shows what
// the parser alone costs over the Foundation hello-world, before any advisor work.
let package = Package(
    name: "parse-only",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(name: "parse-only", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
