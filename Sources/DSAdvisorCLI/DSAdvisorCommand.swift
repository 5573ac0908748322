import ArgumentParser

/// The root of the command tree. Every command lives in this library so tests can run them
/// in-process; the `dsadvisor` executable only calls `main()`.
public struct DSAdvisorCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dsadvisor",
        abstract: "Choose distributed-systems patterns, with reasons, and watch them run.",
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
        return try parseAsRoot(arguments)
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
