import Foundation
import Testing

/// The built binary, launched as a process: exit codes, pipes, closed stdin, hostile files.
@Suite(.serialized) struct BinaryTests {
    @Test func recommendExitsZeroAndUnknownValueExits64() throws {
        let (ok, _) = try CLI.launch(["recommend", "--consistency", "strong", "--format", "json"])
        #expect(ok.code == 0)
        #expect(ok.out.hasPrefix("{\n  \"answers\": {\n    \"consistency\": \"strong\""))
        let (bad, _) = try CLI.launch(["recommend", "--consistency", "eventul"])
        #expect(bad.code == 64)
        #expect(bad.err.contains("did you mean 'eventual'?"))
        #expect(bad.out.isEmpty)
    }

    @Test func scriptedAskThroughAPipe() throws {
        let (r, elapsed) = try CLI.launch(["ask", "--tree", CLI.fixtureTree], input: "strong\n1\n2\n")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("1/2 What is your consistency requirement?"))
        #expect(r.out.contains("3/3 How many simultaneous failures"))
        // The equivalent command line names the tree the answers were given against.
        #expect(r.out.contains("dsadvisor recommend --tree \(CLI.fixtureTree) --consistency strong --fault-tolerance fail-stop --failures-tolerated 2"))
        #expect(r.out.contains("crash faults: N = 2f+1 = 5 nodes"))
        #expect(!r.out.contains("\u{1B}["))
        #expect(elapsed < .seconds(5))
    }

    @Test func askAtEndOfInputRecommendsFromWhatItHas() throws {
        let (empty, _) = try CLI.launch(["ask", "--tree", CLI.fixtureTree], input: nil)
        #expect(empty.code == 0)
        #expect(empty.out.contains("No answers given"))
        let (partial, _) = try CLI.launch(["ask", "--tree", CLI.fixtureTree], input: "eventual")
        #expect(partial.code == 0)
        #expect(partial.out.contains("dsadvisor recommend --tree \(CLI.fixtureTree) --consistency eventual"))
    }

    @Test func hostileTreesFailFastWithOneLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dsadvisor-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bomb = dir.appendingPathComponent("bomb.yaml")
        try (0..<9).map { i -> String in
            let name = String(UnicodeScalar(UInt8(97 + i)))
            let body = i == 0 ? Array(repeating: "\"lol\"", count: 9) : Array(repeating: "*\(String(UnicodeScalar(UInt8(96 + i))))", count: 9)
            return "\(name): &\(name) [\(body.joined(separator: ","))]"
        }.joined(separator: "\n").write(to: bomb, atomically: true, encoding: .utf8)
        let garbage = dir.appendingPathComponent("garbage.yaml")
        try Data((0..<2048).map { UInt8(($0 * 151 + 7) % 256) }).write(to: garbage)
        let malformed = dir.appendingPathComponent("malformed.yaml")
        try "questions:\n  - id: [unclosed\n".write(to: malformed, atomically: true, encoding: .utf8)
        let huge = dir.appendingPathComponent("huge.yaml")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: huge.path))
        try handle.truncate(atOffset: 50 << 20)
        try handle.close()
        let cases: [(String, Int32, String)] = [
            (bomb.path, 65, "bomb.yaml:1:4: error: anchors and aliases are not allowed"),
            (garbage.path, 65, "not UTF-8 text"),
            (malformed.path, 65, "malformed.yaml:3:1: error: malformed YAML"),
            (huge.path, 65, "larger than 1024 KiB"),
            (dir.appendingPathComponent("missing.yaml").path, 66, "no such file"),
        ]
        for (path, code, message) in cases {
            let (r, elapsed) = try CLI.launch(["recommend", "--tree", path])
            #expect(r.code == code, "\(path): \(r.err)")
            #expect(r.err.contains(message), "\(r.err)")
            #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
            #expect(elapsed < .seconds(1), "\(path) took \(elapsed)")
        }
        let (answersDir, _) = try CLI.launch(["recommend", "--answers", dir.path])
        #expect(answersDir.code == 66)
        #expect(answersDir.err.contains("is a directory"))
    }

    @Test func noColorWhenPiped() throws {
        let (r, _) = try CLI.launch(["show", "raft"])
        #expect(r.code == 0)
        #expect(!r.out.contains("\u{1B}["))
    }
}
