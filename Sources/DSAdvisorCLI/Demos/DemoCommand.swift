import ArgumentParser
import Simulation

/// `dsadvisor demo NAME`: each registered demo is a subcommand with its own options.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a pattern's in-process demo on the deterministic simulator.",
        discussion: """
            Every demo takes --seed, --format text|json and --quiet; the same seed prints the \
            same bytes. A demo checks its invariants while it runs and exits 70 when one breaks.
            """,
        subcommands: DemoRegistry.commands
    )

    @Flag(name: .long, help: "List every demo.")
    var list = false

    // No positional argument here: ArgumentParser would bind the demo's name to it instead of
    // dispatching to the subcommand of that name.
    func run() throws {
        for command in DemoRegistry.commands {
            print(command.demoID.padding(20) + command.configuration.abstract)
        }
    }
}

/// What every demo command shares: the seed, the output format, quietness.
struct DemoCommonOptions: ParsableArguments {
    @Option(help: "Seed of the run; the same seed gives the same output.")
    var seed: UInt64 = 1

    @Option(help: "Output format: text or json (NDJSON).")
    var format: OutputFormat = .text

    @Flag(help: "Print only the header, tables and summary, not every event.")
    var quiet = false
}

extension OutputFormat: ExpressibleByArgument {}

/// A demo subcommand: parses its options, runs the pattern's demo on a timeline, and turns a
/// broken invariant into exit code 70.
protocol DemoRunner: ParsableCommand {
    /// The registry key, also the catalog's `demo:` field.
    static var demoID: String { get }
    var common: DemoCommonOptions { get }
    func runDemo(on timeline: Timeline) throws -> DemoOutcome
}

extension DemoRunner {
    func run() throws {
        let timeline = Timeline(format: common.format, quiet: common.quiet) { print($0) }
        let outcome = try runDemo(on: timeline)
        if let violation = outcome.violation {
            timeline.violation(violation, replay: "dsadvisor demo \(Self.demoID) --seed \(violation.seed)")
            throw ExitCode(70)
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
