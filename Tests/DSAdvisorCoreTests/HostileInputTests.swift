import DSAdvisorCore
import Foundation
import Testing

/// Bad and hostile files: each is refused with one clear error and the right exit code,
/// quickly and without reading the whole file.
@Suite struct HostileInputTests {
    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    func error(_ body: () throws -> Void) -> AdvisorError? {
        do { try body() } catch { return error as? AdvisorError }
        return nil
    }

    func timed(_ body: () -> Void) -> Duration {
        ContinuousClock().measure(body)
    }

    @Test func aliasBombIsRefusedQuickly() throws {
        var failure: AdvisorError?
        let elapsed = timed {
            failure = error { _ = try KnowledgeBaseLoader.load([SourceFile(name: "bomb.yaml", text: Self.billionLaughs)]) }
        }
        let e = try #require(failure)
        #expect(e.exitCode == 65)
        #expect(e.description.contains("bomb.yaml:1:4: error: anchors and aliases are not allowed"))
        #expect(elapsed < .seconds(1))
        // The same file as answers.
        let answers = error { _ = try AnswersFile.parse(SourceFile(name: "bomb.yaml", text: Self.billionLaughs), base: Fixture.base) }
        #expect(answers?.exitCode == 65)
    }

    @Test func hugeFileIsRefusedBeforeReading() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        var failure: AdvisorError?
        let elapsed = timed { failure = error { _ = try KnowledgeBaseLoader.load(path: path) } }
        #expect(failure?.exitCode == 65)
        #expect(failure?.message.contains("larger than 1024 KiB") == true)
        #expect(elapsed < .seconds(1))
    }

    @Test func directoryAsAnswersFileIsMissingInput() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let failure = error { _ = try AnswersFile.load(dir.path, base: Fixture.base) }
        #expect(failure?.exitCode == 66)
        #expect(failure?.message.contains("is a directory") == true)
        // A folder with no YAML in it as a tree.
        let tree = error { _ = try KnowledgeBaseLoader.load(path: dir.path) }
        #expect(tree?.exitCode == 66)
    }

    @Test func missingFileIsMissingInput() {
        let failure = error { _ = try KnowledgeBaseLoader.load(path: "/nonexistent/tree.yaml") }
        #expect(failure?.exitCode == 66)
    }

    @Test func binaryGarbageIsADataError() throws {
        var rng = SystemRandomNumberGenerator()
        var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes[0] = 0xFF  // never valid UTF-8
        let failure = error { _ = try SourceFile.decode(Data(bytes), name: "garbage.yaml") }
        #expect(failure?.exitCode == 65)
        #expect(failure?.message == "garbage.yaml: not UTF-8 text")
        let nul = error { _ = try SourceFile.decode(Data("a: b\0c".utf8), name: "nul.yaml") }
        #expect(nul?.exitCode == 65)
    }

    @Test func answersFileProblemsCarryLocations() {
        let failure = error {
            _ = try AnswersFile.parse(SourceFile(name: "a.yaml", text: "consistency: eventul\nlatency: low\n"), base: Fixture.base)
        }
        #expect(failure?.exitCode == 65)
        let lines = failure?.diagnostics.map(\.description) ?? []
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("a.yaml:1:14: error: 'eventul' is not an option of 'consistency'") == true)
        #expect(lines.first?.hasSuffix("did you mean 'eventual'?") == true)
        #expect(lines.last?.contains("unknown question 'latency'") == true)
    }

    @Test func nonMappingAnswersFile() {
        let failure = error { _ = try AnswersFile.parse(SourceFile(name: "a.yaml", text: "- strong\n"), base: Fixture.base) }
        #expect(failure?.exitCode == 65)
    }
}
