import ArgumentParser
@testable import DSAdvisorCLI
import Testing

/// `recommend` is parsed with itself as ArgumentParser's root when it can be (start-up speed);
/// these check that it then means exactly what the full command tree would have parsed.
@Suite struct RecommendParsingTests {
    /// Everything a parsed `recommend` carries, in one comparable line.
    static func summary(_ command: RecommendCommand) -> String {
        "\(command.declaredAnswers) \(command.otherAnswers) answers=\(command.answersFile ?? "-") "
            + "prioritize=\(command.prioritize ?? "-") top=\(command.top) explain=\(command.explain) "
            + "format=\(command.format) demo=\(command.demo) tree=\(command.global.tree) noColor=\(command.global.noColor)"
    }

    static let clean: [[String]] = [
        ["recommend"],
        ["recommend", "--consistency", "strong", "--format", "json"],
        ["recommend", "--consistency=eventual", "--scaling", "write-heavy", "--deployment", "multi-region", "--top", "3"],
        ["recommend", "--fault-tolerance", "byzantine", "--failures-tolerated", "2", "--explain"],
        ["recommend", "--answers", "examples/shopping-cart.yaml", "--format", "markdown", "--consistency", "strong"],
        ["recommend", "--tree", "a.yaml", "--tree", "b", "--no-color", "--prioritize", "latency,throughput"],
        ["recommend", "--team-size", "small", "--consistency", "causal", "--on-call=yes"],
        ["recommend", "--demo", "--latency", "real-time"],
        // Not the help command here: an answer the command itself rejects when it runs.
        ["recommend", "help"],
    ]

    @Test("a clean command line takes the direct path and parses as the full tree does", arguments: clean)
    func sameAsFullTree(_ arguments: [String]) throws {
        let direct = try #require(DSAdvisorCommand.parseRecommendDirectly(arguments))
        let full = try #require(try DSAdvisorCommand.parseAsRoot(arguments) as? RecommendCommand)
        #expect(Self.summary(direct) == Self.summary(full))
    }

    @Test("help, completions and usage errors are left to the full tree", arguments: [
        ["recommend", "--help"], ["recommend", "-h"],
        ["recommend", "--generate-completion-script", "bash"], ["recommend", "--experimental-dump-help"],
        ["recommend", "--top", "0"], ["recommend", "--top", "many"], ["recommend", "--format", "yaml"],
        ["recommend", "--demo", "--format", "json"], ["recommend", "--consistency"],
    ])
    func fallsBack(_ arguments: [String]) {
        #expect(DSAdvisorCommand.parseRecommendDirectly(arguments) == nil)
    }

    @Test("other commands, and options before the command's name, take the full tree", arguments: [
        ["--no-color", "recommend", "--consistency", "strong"], ["patterns"], ["show", "raft"], [],
    ])
    func onlyRecommendFirst(_ arguments: [String]) {
        #expect(DSAdvisorCommand.parseRecommendDirectly(arguments) == nil)
    }
}
