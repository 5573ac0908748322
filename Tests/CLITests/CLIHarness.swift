import ArgumentParser
@testable import DSAdvisorCLI
import Foundation
import Testing

/// Runs `dsadvisor` in-process with its output captured, or the built binary as a process.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtureTree = root.appendingPathComponent("Tests/DSAdvisorCoreTests/Fixtures/tree").path

    struct Result {
        var out: String
        var err: String
        var code: Int32
    }

    /// Parses and runs a command line in this process.
    static func run(_ arguments: [String]) -> Result {
        let capture = OutputCapture()
        var code: Int32 = 0
        Console.$capture.withValue(capture) {
            do {
                var command = try DSAdvisorCommand.parseCommandLine(arguments)
                try command.run()
            } catch {
                code = DSAdvisorCommand.exitCode(for: error).rawValue
                if code != 0, !(error is ExitCode) {
                    capture.append(err: DSAdvisorCommand.message(for: error) + "\n")
                }
            }
        }
        return Result(out: capture.out, err: capture.err, code: code)
    }

    /// The `dsadvisor` executable next to the test bundle.
    static var binary: URL {
        get throws {
            let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("dsadvisor") }
            return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                                "build the dsadvisor product first (swift build)")
        }
    }

    /// Launches the binary with `input` on stdin (nil: stdin closed) and a time limit.
    /// With `viaShell`, runs `/bin/bash` with `arguments` and the binary's path in `$B`.
    static func launch(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                       viaShell: Bool = false) throws -> (Result, Duration) {
        let process = Process()
        process.executableURL = viaShell ? URL(fileURLWithPath: "/bin/bash") : try binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if viaShell { process.environment?["B"] = try binary.path }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = Result(out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self),
                            code: process.terminationStatus)
        return (result, clock.now - start)
    }
}

/// Compares with `Golden/<name>.txt`; `DSADVISOR_RECORD=1 swift test` rewrites the files.
func assertGolden(_ actual: String, named name: String, filePath: String = #filePath,
                  sourceLocation: SourceLocation = #_sourceLocation) throws {
    let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let file = dir.appendingPathComponent("\(name).txt")
    if ProcessInfo.processInfo.environment["DSADVISOR_RECORD"] != nil {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try actual.write(to: file, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(actual == expected, "\(name) changed; rerun with DSADVISOR_RECORD=1 and review the diff",
            sourceLocation: sourceLocation)
}
