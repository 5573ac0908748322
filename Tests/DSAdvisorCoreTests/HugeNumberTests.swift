import DSAdvisorCore
import Foundation
import Testing

/// Numbers at the edge of Int in a custom tree: refused with a location, never an overflow.
@Suite struct HugeNumberTests {
    static func files(replacing old: String, with new: String, in file: String) throws -> [SourceFile] {
        try ["questions.yaml", "patterns.yaml", "rules.yaml"].map { name in
            var text = try String(contentsOfFile: Fixture.treePath + "/" + name, encoding: .utf8)
            if name == file {
                #expect(text.contains(old), "the fixture no longer has \(old)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            return SourceFile(name: name, text: text)
        }
    }

    @Test(arguments: ["9223372036854775807", "-9223372036854775808", "1001"])
    func aRuleScoreOutsideItsRangeDoesNotLoad(score: String) throws {
        let files = try Self.files(replacing: "score: 30,", with: "score: \(score),", in: "rules.yaml")
        let problems = KnowledgeBaseLoader.check(files).1
        #expect(problems.contains { $0.description.contains("rules.yaml") && $0.description.contains("is outside -1000...1000") },
                "\(problems)")
    }

    @Test func aFailureCountBeyondSizingIsReportedByValidate() throws {
        let files = try Self.files(replacing: "{id: \"2\", label: Two}", with: "{id: \"4611686018427387904\", label: Many}",
                                   in: "questions.yaml")
        let report = Validator(registeredDemos: []).validate(files)
        #expect(report.problems.contains { $0.description.contains("option '4611686018427387904' must start with a number of failures within 1...1000") },
                "\(report.problems)")
        // The engine itself does not trap on the answer either.
        let base = try #require(report.base)
        let result = Advisor(base: base).recommend([("fault-tolerance", "byzantine"), ("failures-tolerated", "4611686018427387904")])
        #expect(result.sizing?.failures == 1)
    }
}
