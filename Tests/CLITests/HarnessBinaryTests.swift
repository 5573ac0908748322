import Foundation
import Testing

/// The demo harness as a user meets it through the built binary: streams that refuse output,
/// files that are not files, seeds at the top of their range, check's own arguments.
@Suite(.serialized) struct HarnessBinaryTests {
    /// Runs `script` in sh with `$B` set to the binary; returns the exit code and stderr.
    func shell(_ script: String) throws -> (code: Int32, err: String) {
        let (r, _) = try CLI.launch(["-c", script], viaShell: true)
        return (r.code, r.err)
    }

    @Test(arguments: [
        ("$B demo pub-sub --quiet > /dev/full", "No space left on device"),
        ("$B demo pub-sub --quiet >&-", "Bad file descriptor"),
        // SIGPIPE ignored, as some shells and supervisors leave it: the write fails with EPIPE.
        ("set -o pipefail; trap '' PIPE; $B demo pub-sub | head -c0", "Broken pipe"),
        ("$B tree --format dot > /dev/full", "No space left on device"),
        ("set -o pipefail; trap '' PIPE; $B tree --format dot | head -c0", "Broken pipe"),
        ("$B recommend --consistency strong >&-", "Bad file descriptor"),
    ])
    func aStreamThatRefusesOutputIsOneLineAndExit74(script: String, reason: String) throws {
        let r = try shell(script)
        #expect(r.code == 74, "\(script): \(r.err)")
        #expect(r.err.contains("cannot write to standard output: \(reason)"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
    }

    @Test func traceAndHistoryPathsAreWrittenInPlaceOrRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dsadvisor-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let target = dir.appendingPathComponent("target.jsonl").path
        let link = dir.appendingPathComponent("link.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let unread = try shell("$B demo pub-sub --quiet --trace \(fifo) > /dev/null")
        #expect(unread.code == 73 && unread.err.contains("FIFO that no process is reading"), "\(unread.err)")
        let directory = try shell("$B demo pub-sub --quiet --trace \(dir.path) > /dev/null")
        #expect(directory.code == 73, "\(directory.err)")
        #expect(try shell("$B demo pub-sub --quiet --trace /dev/null > /dev/null").code == 0)
        #expect(try shell("$B demo pub-sub --quiet --trace /dev/full > /dev/null").code == 74)

        // Through the symlink: the link stays a link and its target holds the trace.
        #expect(try shell("$B demo pub-sub --quiet --trace \(link) > /dev/null").code == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: link)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        let lines = try String(contentsOfFile: target, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.hasPrefix("{\"type\":\"trace\",\"schema\":1,\"demo\":\"pub-sub\"") == true)
        #expect(lines.last?.hasPrefix("{\"type\":\"verdict\",\"verdict\":\"PASS\"") == true)

        // A reader on the FIFO gets the whole trace as a stream.
        let read = try shell("cat \(fifo) > \(dir.path)/from-fifo & sleep 0.2; $B demo pub-sub --quiet --trace \(fifo) > /dev/null; wait")
        #expect(read.code == 0, "\(read.err)")
        let streamed = try String(contentsOfFile: dir.appendingPathComponent("from-fifo").path, encoding: .utf8)
        #expect(streamed.split(separator: "\n").count == lines.count)
    }

    @Test(arguments: ["0", "9223372036854775808", "18446744073709551615"])
    func everySeedInRangeRunsAndReplays(seed: String) throws {
        let (r, _) = try CLI.launch(["demo", "pub-sub", "--quiet", "--format", "json", "--seed", seed])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("\"seed\":\(seed),"))
        #expect(r.out.contains("\"replay\":\"dsadvisor demo pub-sub --seed \(seed)\""))
        let (check, _) = try CLI.launch(["check", "pub-sub", "--seeds", "\(seed)..\(seed)"])
        #expect(check.code == 0, "\(check.err)")
        #expect(check.out.contains("1/1 seeds passed"))
    }
}
