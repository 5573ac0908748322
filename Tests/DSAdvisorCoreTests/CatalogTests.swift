import DSAdvisorCore
import Testing

/// Every `examples:` entry of the built-in catalog is a test case: its answers must rank its
/// pattern first. The fixture's examples run the same way.
@Suite struct CatalogTests {
    @Test(arguments: ExampleRunner(base: .embedded).cases)
    func builtInExampleRanksItsPatternFirst(_ c: ExampleRunner.Case) {
        #expect(ExampleRunner(base: .embedded).failure(c) == nil)
    }

    @Test func builtInCatalogHasContent() {
        #expect(KnowledgeBase.embedded.questions.count >= 8)
        #expect(!KnowledgeBase.embedded.patterns.isEmpty)
    }

    @Test(arguments: ExampleRunner(base: Fixture.base).cases)
    func fixtureExampleRanksItsPatternFirst(_ c: ExampleRunner.Case) {
        #expect(ExampleRunner(base: Fixture.base).failure(c) == nil)
    }

    @Test func validatorReportsFailingExamplesAndOrphanDemos() throws {
        var base = Fixture.base
        base.patterns[1].examples = [Example(answers: [("consistency", "strong")])]
        let report = Validator(registeredDemos: ["raft", "gossip"], requiresEveryDemo: true).validate(base)
        #expect(report.problems.count == 2)
        #expect(report.problems.contains { $0.message.contains("demo 'gossip' is registered but no catalog pattern names it") })
        #expect(report.problems.contains { $0.message.contains("ranks 'eventual-consistency' #2") })
        let ok = Validator(registeredDemos: []).validate(Fixture.base)
        #expect(ok.isValid)
        #expect(ok.unbuiltDemos == ["raft"])
        #expect(ok.examplesRun == 2)
    }

    @Test func treeFormatsNameEveryQuestion() {
        let renderer = CatalogRenderer(base: Fixture.base)
        for format in CatalogRenderer.TreeFormat.allCases {
            let text = renderer.tree(format)
            #expect(text.contains("failures") || text.contains("How many"))
        }
        let dot = renderer.tree(.dot)
        #expect(dot.hasPrefix("digraph dsadvisor {"))
        #expect(dot.contains("\"o:consistency:strong\" -> \"p:raft\""))
        #expect(renderer.tree(.mermaid).contains("o_consistency_strong --> p_raft"))
    }
}
