@testable import DSAdvisorCLI
import Foundation
import Testing

@Suite struct CommandTests {
    func run(_ arguments: [String]) -> CLI.Result { CLI.run(arguments + ["--tree", CLI.fixtureTree]) }

    @Test func unknownValueIsUsageErrorWithNearest() {
        let r = run(["recommend", "--consistency", "eventul"])
        #expect(r.code == 64)
        #expect(r.err == "dsadvisor: error: 'eventul' is not a valid value for --consistency; valid values: strong, eventual; did you mean 'eventual'?\n")
    }

    @Test func unknownQuestionFlagSuggests() {
        let r = run(["recommend", "--consistancy", "strong"])
        #expect(r.code == 64)
        #expect(r.err.contains("did you mean 'consistency'?"))
    }

    @Test func customTreeQuestionsWorkAsFlags() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dsadvisor-custom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            questions:
              - {id: budget, prompt: How much money?, options: [{id: tight, label: Tight}, {id: ample, label: Ample}]}
            patterns:
              - {id: monolith, name: Monolith, category: traffic, summary: One process., performance: {consistency: strong, latency: low, throughput: medium, scalability: low, fault-tolerance: low}}
              - {id: mesh, name: Mesh, category: traffic, summary: Many processes., performance: {consistency: variable, latency: low, throughput: high, scalability: high, fault-tolerance: high}}
            rules:
              - {id: cheap, when: {fact: budget, is: tight}, effects: [{pattern: monolith, score: 10, reason: Fewer moving parts}]}
              - {id: rich, when: {fact: budget, is: ample}, effects: [{pattern: mesh, score: 10, reason: Room to grow}]}
            """.write(to: dir.appendingPathComponent("tree.yaml"), atomically: true, encoding: .utf8)
        let r = CLI.run(["recommend", "--tree", dir.path, "--budget", "ample", "--format", "json"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("\"id\": \"mesh\""))
        #expect(r.out.range(of: "mesh")!.lowerBound < r.out.range(of: "monolith")!.lowerBound)
        let bad = CLI.run(["recommend", "--tree", dir.path, "--budget=huge"])
        #expect(bad.code == 64)
        #expect(CLI.run(["recommend", "--tree", dir.path, "--consistency", "strong"]).code == 64)
    }

    @Test func flagsOverrideTheAnswersFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("answers-\(UUID().uuidString).yaml")
        try "consistency: strong\nfault-tolerance: byzantine\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = run(["recommend", "--answers", file.path, "--consistency", "eventual", "--format", "json"])
        #expect(r.code == 0)
        #expect(r.out.contains("\"consistency\": \"eventual\""))
        #expect(r.out.contains("\"fault-tolerance\": \"byzantine\""))
        #expect(run(["recommend", "--answers", "/nonexistent.yaml"]).code == 66)
    }

    @Test func unknownPatternSuggests() {
        let r = run(["show", "raf"])
        #expect(r.code == 64)
        #expect(r.err.contains("unknown pattern 'raf'; did you mean 'raft'?"))
        #expect(run(["compare", "raft", "eventual"]).code == 64)
        #expect(run(["compare", "raft"]).code == 64)
    }

    @Test func demoOfUnbuiltCatalogEntryIsUnavailable() {
        let r = CLI.run(["demo", "zzzz-not-a-demo"])
        #expect(r.code == 64)
        #expect(r.err.contains("unknown demo 'zzzz-not-a-demo'"))
        let list = CLI.run(["demo", "--list"])
        #expect(list.code == 0)
        #expect(list.out.contains("raft"))
    }

    @Test func raftWithSlowDisksSaysSoAndChecksItsRange() throws {
        let (slow, _) = try CLI.launch(["demo", "raft", "--disk-write-ms", "14", "--quiet"])
        #expect(slow.code == 0, "\(slow.err)")
        #expect(slow.out.contains("disk-write-ms=14"))
        #expect(slow.out.contains("all held"))
        let (instant, _) = try CLI.launch(["demo", "raft", "--quiet"])
        // Every parameter is in the header, the default included.
        #expect(instant.code == 0 && instant.out.contains("disk-write-ms=0 "))
        let outOfRange = CLI.run(["demo", "raft", "--disk-write-ms", "101"])
        #expect(outOfRange.code == 64 && outOfRange.err.contains("--disk-write-ms must be within 0...100 (milliseconds), not '101'"))
    }

    @Test func validateReportsEveryProblem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dsadvisor-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["questions.yaml", "patterns.yaml", "rules.yaml"] {
            try FileManager.default.copyItem(atPath: CLI.fixtureTree + "/" + name, toPath: dir.appendingPathComponent(name).path)
        }
        try "rules:\n  - {id: strong-needs-consensus, when: {fact: latency, is: low}, effects: [{pattern: paxos, score: 1, reason: r}]}\n"
            .write(to: dir.appendingPathComponent("zz.yaml"), atomically: true, encoding: .utf8)
        let r = CLI.run(["validate", dir.path])
        #expect(r.code == 65)
        let lines = r.err.split(separator: "\n")
        #expect(lines.count == 4, "\(r.err)")
        #expect(lines.contains { $0.contains("zz.yaml:2:5: error: duplicate rule id 'strong-needs-consensus' (first defined at ") })
        #expect(lines.contains { $0.contains("zz.yaml:2:47: error: unknown question 'latency'") })
        #expect(lines.contains { $0.contains("unknown pattern 'paxos'") })
        let ok = CLI.run(["validate", CLI.fixtureTree])
        #expect(ok.code == 0, "\(ok.err)")
        #expect(ok.out.hasPrefix("ok: 3 questions, 2 patterns, 2 rules, 1 warnings; 2 examples rank their pattern first"))
    }

    /// examples/custom-tree only adds to trees/: merged after it, its example ranks first.
    @Test(arguments: [
        ["recommend", "--tree", "trees", "--tree", "examples/custom-tree"],
        ["--tree", "trees", "--tree", "examples/custom-tree", "recommend"],
        ["--tree", "trees", "recommend", "--tree", "examples/custom-tree"],
    ])
    func treesMergeInOrder(_ prefix: [String]) throws {
        let paths = prefix.map { $0.hasPrefix("-") || $0 == "recommend" ? $0 : CLI.root.appendingPathComponent($0).path }
        let r = CLI.run(paths + ["--consistency", "eventual", "--fault-tolerance", "fail-recovery",
                                 "--data-model", "relational", "--communication", "asynchronous",
                                 "--delivery", "at-least-once", "--scaling", "balanced",
                                 "--deployment", "cloud-native", "--format", "json"])
        #expect(r.code == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let first = (json["recommendations"] as? [[String: Any]])?.first?["id"] as? String
        #expect(first == "outbox")
        // Alone, the team file names patterns it does not define.
        #expect(CLI.run(["recommend", "--tree", CLI.root.appendingPathComponent("examples/custom-tree").path]).code == 65)
    }

    @Test func duplicateIdAcrossTreesIsLocated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dsadvisor-dup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "patterns:\n  - {id: raft, name: R, category: consensus, summary: S, performance: {consistency: strong, latency: low, throughput: low, scalability: low, fault-tolerance: low}}\n"
            .write(to: dir.appendingPathComponent("extra.yaml"), atomically: true, encoding: .utf8)
        let r = CLI.run(["recommend", "--tree", CLI.fixtureTree, "--tree", dir.path])
        #expect(r.code == 65)
        #expect(r.err.contains("extra.yaml:2:5: error: duplicate pattern id 'raft' (first defined at \(CLI.fixtureTree)/patterns.yaml:"), "\(r.err)")
    }

    @Test func validateMergesSeveralPaths() {
        let trees = CLI.root.appendingPathComponent("trees").path
        let custom = CLI.root.appendingPathComponent("examples/custom-tree").path
        for arguments in [["validate", trees, custom], ["validate", "--tree", trees, "--tree", custom], ["--tree", trees, "validate", custom]] {
            let r = CLI.run(arguments)
            #expect(r.code == 0, "\(arguments): \(r.err)")
            #expect(r.out.contains("ok: "), "\(arguments)")
            #expect(r.out.contains("rank their pattern first"))
        }
        #expect(CLI.run(["validate", custom]).code == 65)
    }

    @Test func noColorBeforeTheSubcommand() {
        let r = CLI.run(["--no-color", "--tree", CLI.fixtureTree, "patterns"])
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.out.contains("\u{1B}["))
    }

    @Test func validateBuiltInTree() {
        let r = CLI.run(["validate"])
        #expect(r.code == 0, "\(r.err)")
    }

    @Test func helpShowsExamples() {
        let help = RecommendCommand.helpMessage(columns: 120)
        #expect(help.contains("Examples:"))
        #expect(help.contains("--consistency <value>"))
        #expect(help.contains("--failures-tolerated <value>"))
    }
}
