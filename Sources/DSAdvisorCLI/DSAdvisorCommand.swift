import ArgumentParser

/// The root of the command tree. Every command lives in this library so tests can run them
/// in-process; the `dsadvisor` executable only calls `main()`.
public struct DSAdvisorCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dsadvisor",
        abstract: "Choose distributed-systems patterns, with reasons, and watch them run.",
        discussion: """
            Exit status: 0 success (a demo's PASS); 64 usage (an unknown value or id, or a value out of its \
            range); 65 data (a knowledge base or answers file that does not load); 66 no input; 69 \
            unavailable (a demo not built yet); 70 an invariant broke (a demo's VIOLATED); 73 an output \
            file that cannot be created or is not a file, FIFO or device; 74 an I/O error (a full disk, \
            a closed stdout, a broken pipe); 75 a demo's INCOMPLETE (a liveness goal not reached within \
            the run's horizon: not lost data); 2 a demo's UNDECIDED (a checker out of budget: never a pass).
            """,
        subcommands: [
            RecommendCommand.self, AskCommand.self, PatternsCommand.self, ShowCommand.self,
            CompareCommand.self, TreeCommand.self, ValidateCommand.self,
            DemoCommand.self, CheckCommand.self,
        ]
    )

    /// `--tree` and `--no-color`, also accepted before the subcommand's name. The advisor
    /// commands' `@OptionGroup var global` receives this same value (see `GlobalOptions`).
    @OptionGroup var global: GlobalOptions

    public init() {}

    /// Parses a command line the way the executable does. A demo name that is not registered
    /// is answered before ArgumentParser sees it: see `DemoCommand.unregisteredDemoError(in:)`.
    public static func parseCommandLine(_ arguments: [String]) throws -> ParsableCommand {
        if let error = DemoCommand.unregisteredDemoError(in: arguments) {
            Console.report(error)
            throw ExitCode(error.exitCode)
        }
        if let recommend = parseRecommendDirectly(arguments) { return recommend }
        return try parseAsRoot(arguments)
    }

    /// `dsadvisor recommend …`, parsed with `recommend` as ArgumentParser's root. Start-up is
    /// what scripts feel: parsing from the top builds and reflects over the whole command tree
    /// (thirty commands with the demos), which costs about a millisecond more (BENCHMARKS.md).
    /// Anything but a clean parse (help, a usage error, a completion request) returns nil and
    /// goes through the whole tree, so that messages and usage lines are those of the full
    /// command; `RecommendCommand`'s own `--tree` and `--no-color` make the results the same.
    static func parseRecommendDirectly(_ arguments: [String]) -> RecommendCommand? {
        guard arguments.first == RecommendCommand.configuration.commandName else { return nil }
        return try? RecommendCommand.parseAsRoot(Array(arguments.dropFirst())) as? RecommendCommand
    }

    /// The entry point of the `dsadvisor` executable.
    public static func main() {
        do {
            var command = try parseCommandLine(Array(CommandLine.arguments.dropFirst()))
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
