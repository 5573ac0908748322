import DSAdvisorCore
import Testing

@Suite struct AdvisorTests {
    let advisor = Advisor(base: Fixture.base)

    struct Case: Sendable, CustomStringConvertible {
        var answers: [(String, String)]
        var top: String
        var scores: [String: Int]
        var description: String { answers.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(answers: [("consistency", "strong")], top: "raft", scores: ["raft": 30, "eventual-consistency": -20]),
        Case(answers: [("consistency", "eventual")], top: "eventual-consistency", scores: ["raft": 0, "eventual-consistency": 20]),
        Case(answers: [("consistency", "strong"), ("fault-tolerance", "fail-stop")], top: "raft", scores: ["raft": 30, "eventual-consistency": -40]),
        // `not answered` fires with no answers at all; ties keep catalog order otherwise.
        Case(answers: [], top: "eventual-consistency", scores: ["raft": 0, "eventual-consistency": 20]),
        Case(answers: [("fault-tolerance", "byzantine")], top: "raft", scores: ["raft": 0, "eventual-consistency": 0]),
    ]

    @Test(arguments: cases)
    func ranking(_ c: Case) throws {
        let result = advisor.recommend(try advisor.validate(c.answers))
        #expect(result.best?.pattern.id == c.top)
        for (id, score) in c.scores {
            #expect(result.ranked.first { $0.pattern.id == id }?.score == score, "\(id)")
        }
    }

    @Test func verdictHasTheRuleShapeAndEvaluatesEveryBranch() {
        let condition = Condition.any([.equals(fact: "consistency", value: "eventual"),
                                       .not(.answered(fact: "fault-tolerance", true))])
        let verdict = condition.evaluate(["consistency": "eventual", "fault-tolerance": "fail-stop"])
        #expect(verdict.passed)
        #expect(verdict.children.count == 2)
        #expect(verdict.children[0].why == "consistency = eventual (needs eventual)")
        #expect(verdict.children[1].passed == false)
        #expect(verdict.children[1].children[0].why == "fault-tolerance is answered (needs answered)")
    }

    @Test func explainedContributionsAddUpToTheScore() throws {
        let result = advisor.recommend(try advisor.validate([("consistency", "strong")]), priorities: ["latency"])
        for ranked in result.ranked {
            #expect(ranked.score == ranked.contributions.reduce(0) { $0 + $1.score })
        }
        let fired = result.rules.filter(\.fired).map(\.rule.id)
        #expect(fired == ["strong-needs-consensus", "eventual-replicates"])
    }

    @Test func prioritizeWeighsThePerformanceTable() throws {
        // Eventual consistency has low latency; Raft medium: prioritizing latency helps the former.
        let plain = advisor.recommend([], priorities: [])
        let fast = advisor.recommend([], priorities: ["latency", "consistency"])
        let score = { (r: Recommendation, id: String) in r.ranked.first { $0.pattern.id == id }!.score }
        #expect(score(fast, "eventual-consistency") == score(plain, "eventual-consistency") + 1 * 5 * 2 - 1 * 5 * 1)
        #expect(score(fast, "raft") == score(plain, "raft") + 2 * 5 * 1)
        #expect(throws: AdvisorError.self) { try Advisor.validatePriorities(["latncy"]) }
    }

    @Test func unknownValuesSuggestTheNearest() {
        #expect {
            _ = try advisor.validate([("consistency", "eventul")])
        } throws: { error in
            let e = error as? AdvisorError
            return e?.exitCode == 64 && e?.message == "'eventul' is not a valid value for --consistency; valid values: strong, eventual; did you mean 'eventual'?"
        }
        #expect {
            _ = try advisor.validate([("consistncy", "strong")])
        } throws: { error in
            (error as? AdvisorError)?.message.hasSuffix("did you mean 'consistency'?") == true
        }
    }

    @Test func warningsFireOnTheirCondition() {
        let result = advisor.recommend([("consistency", "eventual"), ("fault-tolerance", "byzantine")])
        #expect(result.warnings.map(\.id) == ["byzantine-eventual"])
        #expect(advisor.recommend([("consistency", "strong")]).warnings.isEmpty)
    }

    @Test func noAnswersNamesTheQuestionsThatWouldSharpenIt() {
        let result = advisor.recommend([])
        // Answering fault-tolerance turns off the `not answered` rule, so it matters too; the
        // follow-up is not asked yet.
        #expect(result.sharpeningQuestions.map(\.id) == ["consistency", "fault-tolerance"])
    }

    @Test func followUpAnswerOutsideItsConditionIsNoted() {
        let result = advisor.recommend([("failures-tolerated", "2")])
        #expect(result.unaskedAnswers == ["failures-tolerated"])
    }

    struct SizingCase: Sendable, CustomStringConvertible {
        var answers: [(String, String)]
        var failures: Int
        var assumed: Bool
        var nodes: [SizingModel: Int]
        var description: String { answers.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
    }

    static let sizingCases: [SizingCase] = [
        SizingCase(answers: [("fault-tolerance", "fail-stop")], failures: 1, assumed: true, nodes: [.crash: 3]),
        SizingCase(answers: [("fault-tolerance", "fail-stop"), ("failures-tolerated", "2")], failures: 2, assumed: false, nodes: [.crash: 5]),
        SizingCase(answers: [("fault-tolerance", "byzantine"), ("failures-tolerated", "1")], failures: 1, assumed: false, nodes: [.byzantine: 4]),
        SizingCase(answers: [("fault-tolerance", "byzantine"), ("failures-tolerated", "2")], failures: 2, assumed: false, nodes: [.byzantine: 7]),
        SizingCase(answers: [("consistency", "eventual"), ("fault-tolerance", "fail-stop"), ("failures-tolerated", "2")],
                   failures: 2, assumed: false, nodes: [.crash: 5, .quorum: 5]),
    ]

    @Test(arguments: sizingCases)
    func sizing(_ c: SizingCase) throws {
        let sizing = try #require(advisor.recommend(c.answers).sizing)
        #expect(sizing.failures == c.failures)
        #expect(sizing.assumed == c.assumed)
        #expect(Dictionary(uniqueKeysWithValues: sizing.models.map { ($0.model, $0.nodes) }) == c.nodes)
    }

    @Test func quorumVariantsOverlap() {
        let quorum = SizingAdvice(failures: 2, assumed: false, models: [.quorum]).models[0]
        #expect(quorum.variants.map(\.name) == ["balanced", "read-heavy", "write-heavy"])
        #expect(quorum.variants[0].reads == 3 && quorum.variants[0].writes == 3)
        for v in quorum.variants { #expect(v.reads + v.writes > quorum.nodes) }
        #expect(SizingAdvice(failures: 1, assumed: true, models: []).models.isEmpty)
        #expect(advisor.recommend([("consistency", "strong")]).sizing == nil)
    }

    @Test func rankingIsDeterministic() {
        let a = RecommendationRenderer(base: Fixture.base, explain: true)
        let first = a.render(advisor.recommend([("consistency", "eventual")]), as: .json)
        let second = a.render(advisor.recommend([("consistency", "eventual")]), as: .json)
        #expect(first == second)
    }

    @Test(arguments: [("eventul", "eventual"), ("strog", "strong"), ("consensus", nil), ("r", "raft")] as [(String, String?)])
    func suggestions(_ word: String, _ expected: String?) {
        #expect(Suggest.nearest(word, among: ["strong", "eventual", "raft"]) == expected)
    }
}
