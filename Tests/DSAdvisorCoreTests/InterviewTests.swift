import DSAdvisorCore
import Testing

@Suite struct InterviewTests {
    let interview = Interview(base: Fixture.base)

    func walk(_ lines: [String], interactive: Bool = false) -> (answers: [(String, String)], ending: Interview.Ending, output: String) {
        var prompter = ScriptedPrompter(lines, interactive: interactive)
        let (answers, ending) = interview.run(&prompter)
        return (answers, ending, prompter.output)
    }

    func ids(_ answers: [(String, String)]) -> [String] { answers.map { "\($0.0)=\($0.1)" } }

    @Test func numbersAndSlugsAnswerAndFollowUpsAppearWhenRelevant() {
        let r = walk(["strong", "1", "2"])
        #expect(ids(r.answers) == ["consistency=strong", "fault-tolerance=fail-stop", "failures-tolerated=2"])
        #expect(r.ending == .finished)
        #expect(r.output.contains("3/3 How many simultaneous failures"))
    }

    @Test func followUpIsNotAskedWhenItsConditionFails() {
        let r = walk(["eventual", ""])
        #expect(ids(r.answers) == ["consistency=eventual"])
        #expect(r.ending == .finished)
        #expect(!r.output.contains("How many simultaneous failures"))
        #expect(r.output.contains("2/2 What is your fault tolerance model?"))
    }

    @Test func notSureSkips() {
        let r = walk(["3", "s"])
        #expect(r.answers.isEmpty)
        #expect(r.ending == .finished)
    }

    @Test func backUndoesTheLastAnswer() {
        let r = walk(["strong", "b", "eventual", "2", "1"])
        #expect(ids(r.answers) == ["consistency=eventual", "fault-tolerance=byzantine", "failures-tolerated=1"])
        // Back at the first question has nowhere to go.
        #expect(walk(["b"]).output.contains("(this is the first question)"))
    }

    @Test func questionMarkExplainsAnOption() {
        let r = walk(["?1", "? strong", "?9", "1"], interactive: true)
        #expect(r.output.components(separatedBy: "Every read sees the latest acknowledged write.").count == 3)
        #expect(r.output.contains("no option '9' to explain"))
        #expect(ids(r.answers) == ["consistency=strong"])
        #expect(r.ending == .endOfInput)
        #expect(r.output.contains("number or name · ?N explains"))
    }

    @Test func invalidInputIsRejectedWithTheNearestOption() {
        let r = walk(["strnog", "strong"])
        #expect(r.output.contains("'strnog' is not an option"))
        #expect(r.output.contains("did you mean 'strong'?"))
        #expect(ids(r.answers) == ["consistency=strong"])
    }

    @Test func quitStops() {
        let r = walk(["strong", "q", "1"])
        #expect(r.ending == .quit)
        #expect(ids(r.answers) == ["consistency=strong"])
    }

    @Test func endOfInputKeepsWhatItHas() {
        let r = walk(["eventual"])
        #expect(r.ending == .endOfInput)
        #expect(ids(r.answers) == ["consistency=eventual"])
        #expect(walk([]).ending == .endOfInput)
    }

    @Test func scriptedModeEchoesEachLineAndShowsProgress() {
        let r = walk(["1"])
        #expect(r.output.hasPrefix("\n1/2 What is your consistency requirement?\n"))
        #expect(r.output.contains("> 1\n"))
        #expect(r.output.contains(" 3) Not sure (skip)"))
        #expect(!r.output.contains("\u{1B}["))
    }
}
