import DSAdvisorCore
import Foundation
import Testing

@Suite struct LoaderTests {
    @Test func fixtureLoads() throws {
        let base = Fixture.base
        #expect(base.questions.map(\.id) == ["consistency", "fault-tolerance", "failures-tolerated"])
        #expect(base.patterns.map(\.id) == ["raft", "eventual-consistency"])
        #expect(base.patterns[1].demo == nil)
        #expect(base.patterns[0].reading.first?.year == 2014)
        #expect(base.rules.count == 2)
        #expect(base.caveats.first?.severity == .caution)
        #expect(base.sizing.map(\.model) == [.crash, .byzantine, .quorum])
        #expect(base.questions[2].choices.map(\.id) == ["1", "2"])
    }

    struct BadCase: Sendable, CustomStringConvertible {
        var description: String
        var yaml: String
        /// Expected `line:column` and a piece of the message.
        var at: String
        var says: String
    }

    static let badCases: [BadCase] = [
        BadCase(description: "unknown pattern in an effect", yaml: """
            rules:
              - id: r
                when: {fact: consistency, is: strong}
                effects:
                  - {pattern: raftt, score: 1, reason: x}
            patterns:
              - {id: raft, name: R, category: consensus, summary: s, performance: {consistency: strong, latency: low, throughput: low, scalability: low, fault-tolerance: low}}
            """, at: "5:19", says: "unknown pattern 'raftt'; did you mean 'raft'?"),
        BadCase(description: "unknown question in a condition", yaml: """
            rules:
              - {id: r, when: {fact: consistancy, is: strong}, effects: []}
            """, at: "2:26", says: "unknown question 'consistancy'; did you mean 'consistency'?"),
        BadCase(description: "option outside its question", yaml: """
            rules:
              - {id: r, when: {fact: consistency, in: [strong, fail-stop]}, effects: []}
            """, at: "2:52", says: "'fail-stop' is not an option of question 'consistency'"),
        BadCase(description: "duplicate rule id", yaml: """
            rules:
              - {id: r, when: {fact: consistency, is: strong}, effects: []}
              - {id: r, when: {fact: consistency, is: eventual}, effects: []}
            """, at: "3:5", says: "duplicate rule id 'r'"),
        BadCase(description: "missing required field", yaml: """
            warnings:
              - {id: w, severity: info, when: {fact: consistency, is: strong}}
            """, at: "2:5", says: "missing required field 'message'"),
        BadCase(description: "unknown field", yaml: """
            rules:
              - {id: r, when: {fact: consistency, is: strong}, effect: []}
            """, at: "2:52", says: "unknown field 'effect'; did you mean 'effects'?"),
        BadCase(description: "malformed YAML", yaml: "rules:\n  - {id: r, when: [\n", at: "3:1", says: "malformed YAML"),
        BadCase(description: "anchors refused", yaml: "rules: &a []\nwarnings: *a\n", at: "1:8", says: "anchors and aliases are not allowed (found '&a')"),
        BadCase(description: "alias in a flow list", yaml: "rules: [{id: x, when: {fact: consistency, in: [strong, *s]}}]\n", at: "1:56", says: "found '*s'"),
        BadCase(description: "bad severity", yaml: """
            warnings:
              - {id: w, severity: fatal, when: {fact: consistency, is: strong}, message: m}
            """, at: "2:23", says: "severity 'fatal' is not one of info, caution, danger"),
        BadCase(description: "follow-up before its fact", yaml: """
            questions:
              - id: early
                prompt: p
                ask_if: {fact: later, is: x}
                options: [{id: a, label: A}]
              - id: later
                prompt: p
                options: [{id: x, label: X}]
            """, at: "2:5", says: "ask_if refers to 'later', which is not asked before it"),
        BadCase(description: "unreachable follow-up", yaml: """
            questions:
              - id: never
                prompt: p
                ask_if: {all: [{fact: consistency, is: strong}, {fact: consistency, is: eventual}]}
                options: [{id: a, label: A}]
            """, at: "2:5", says: "question 'never' is unreachable"),
    ]

    @Test(arguments: badCases)
    func badTreeIsReportedWithLocation(_ c: BadCase) {
        let diagnostics = Fixture.check(c.yaml)
        let match = diagnostics.first { $0.message.contains(c.says) }
        #expect(match != nil, "\(diagnostics)")
        #expect(match?.location?.description == "extra.yaml:\(c.at)", "\(diagnostics)")
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let diagnostics = Fixture.check("""
            rules:
              - {id: a, when: {fact: nope, is: x}, effects: [{pattern: p1, score: 1, reason: r}]}
              - {id: a, when: {fact: consistency, is: maybe}, effects: [{pattern: p2, score: x, reason: r}]}
            """)
        #expect(diagnostics.count == 6, "\(diagnostics)")
    }

    @Test func loadThrowsDataErrorWithAllDiagnostics() {
        #expect {
            _ = try KnowledgeBaseLoader.load([SourceFile(name: "t.yaml", text: "rules: [{id: r}]")])
        } throws: { error in
            guard let error = error as? AdvisorError else { return false }
            return error.exitCode == 65 && error.diagnostics.count == 2
        }
    }

    @Test func yaml11BooleansStayText() throws {
        let base = try KnowledgeBaseLoader.load([SourceFile(name: "q.yaml", text: """
            questions:
              - id: q
                prompt: p
                options: [{id: "no", label: no}, {id: "010", label: "010"}]
            """)])
        #expect(base.questions[0].choices.map(\.label) == ["no", "010"])
    }
}

@Suite struct AliasScanTests {
    @Test(arguments: [
        "a: 'it''s *not an alias'\n",
        "a: \"&nor this\"\n",
        "a: Use *args with care  # &comment\n",
        "a: >-\n  *starts a folded line\n  &and another\nb: c\n",
        "a: [x, y*z]\n",
        "- a*b\n",
    ])
    func textThatIsNotAnAliasIsAccepted(_ yaml: String) {
        #expect(KnowledgeBaseLoader.check([SourceFile(name: "t.yaml", text: yaml)]).1.allSatisfy { !$0.message.contains("anchors") })
    }

    @Test(arguments: ["a: *x\n", "- &x b\n", "a: {b: *x}\n", "? *x\n: y\n", "a:\n  - [1, &y 2]\n"])
    func aliasesAndAnchorsAreFound(_ yaml: String) {
        #expect(KnowledgeBaseLoader.check([SourceFile(name: "t.yaml", text: yaml)]).1.contains { $0.message.contains("anchors and aliases are not allowed") })
    }
}
