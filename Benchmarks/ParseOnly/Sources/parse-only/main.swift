import ArgumentParser
import Foundation

// The option set of `dsadvisor recommend` (Sources/DSAdvisorCLI/Advisor/RecommendCommand.swift):
// the same names, wrapper types and option group, with short help. Keep the two in step.

enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, adr }

struct Shared: ParsableArguments {
    @Option(name: .long, help: "Knowledge-base paths.") var tree: [String] = []
    @Flag(name: .long, help: "No colour.") var noColor = false
}

struct ParseOnly: ParsableCommand {
    @OptionGroup var global: Shared
    @Option(help: "q1") var consistency: String?
    @Option(help: "q2") var faultTolerance: String?
    @Option(help: "q2a") var failuresTolerated: String?
    @Option(help: "q3") var dataModel: String?
    @Option(help: "q4") var communication: String?
    @Option(help: "q4a") var delivery: String?
    @Option(help: "q5") var scaling: String?
    @Option(help: "q6") var latency: String?
    @Option(help: "q7") var network: String?
    @Option(help: "q8") var deployment: String?
    @Option(name: .customLong("answers"), help: "Answers file.") var answersFile: String?
    @Option(help: "Priorities.") var prioritize: String?
    @Option(help: "Count.") var top = 5
    @Flag(help: "Explain.") var explain = false
    @Option(help: "Format.") var format: Format = .text
    @Flag(help: "Demo.") var demo = false
    @Argument(parsing: .allUnrecognized, help: .hidden) var otherAnswers: [String] = []

    func run() {
        print("{\"consistency\": \"\(consistency ?? "")\", \"format\": \"\(format.rawValue)\"}")
    }
}

ParseOnly.main()
