import Foundation
import Testing

/// The simulator and the patterns take time and chance only from the simulator. This test
/// turns that rule into a check: it reads every source file of those modules and fails on any
/// use of the wall clock, the system generator, threads or sleeping.
@Test func protocolsReachForNoClockThreadOrGlobalRandomness() throws {
    let root = String(#filePath).components(separatedBy: "/Tests/")[0]
    let forbidden = [
        "Date(", "DispatchQueue", "Task {", "Task.sleep", "Thread.sleep", "usleep(", "sleep(",
        "UUID()", "SystemRandomNumberGenerator", ".randomElement()", ".shuffled()", "ContinuousClock",
        "SuspendingClock", "clock_gettime", "gettimeofday", "arc4random",
    ]
    var offences: [String] = []
    var filesRead = 0
    for folder in ["Sources/Simulation", "Sources/Patterns"] {
        for path in swiftFiles(under: root + "/" + folder) {
            filesRead += 1
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for word in forbidden where containsToken(code, word) {
                    offences.append("\(path):\(number + 1): \(word)")
                }
                // A call may wrap: look for its `using:` on the next lines too.
                let call = lines[number..<min(number + 3, lines.count)].joined(separator: " ")
                if code.contains(".random(in:") && !call.contains("using:") {
                    offences.append("\(path):\(number + 1): .random(in:) without using:")
                }
            }
        }
    }
    #expect(filesRead > 5)
    #expect(offences.isEmpty, "\(offences.joined(separator: "\n"))")
}

func swiftFiles(under folder: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { folder + "/" + $0 }
}

/// True when `word` occurs in `line` not as the tail of a longer name (`isUpToDate(` is not
/// `Date(`).
func containsToken(_ line: Substring, _ word: String) -> Bool {
    var rest = line[...]
    while let range = rest.range(of: word) {
        let startsName = word.first.map { $0.isLetter } ?? false
        if !startsName || range.lowerBound == line.startIndex { return true }
        let before = line[line.index(before: range.lowerBound)]
        if !(before.isLetter || before.isNumber || before == "_") { return true }
        rest = line[range.upperBound...]
    }
    return false
}
