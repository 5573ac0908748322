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

    public init() {}
}
