import Testing

/// Golden output against the fixture tree (stable while trees/ evolves).
@Suite struct GoldenTests {
    static let cases: [(String, [String])] = [
        ("recommend-text", ["recommend", "--consistency", "strong", "--fault-tolerance", "fail-stop", "--failures-tolerated", "2"]),
        ("recommend-explain", ["recommend", "--consistency", "eventual", "--fault-tolerance", "byzantine", "--explain"]),
        ("recommend-none", ["recommend"]),
        ("recommend-json", ["recommend", "--consistency", "eventual", "--fault-tolerance", "fail-stop", "--format", "json", "--prioritize", "latency"]),
        ("recommend-json-explain", ["recommend", "--consistency", "strong", "--format", "json", "--explain", "--top", "1"]),
        ("recommend-markdown", ["recommend", "--consistency", "eventual", "--format", "markdown"]),
        ("recommend-adr", ["recommend", "--consistency", "strong", "--fault-tolerance", "fail-stop", "--format", "adr"]),
        ("show-raft", ["show", "raft"]),
        ("compare", ["compare", "raft", "eventual-consistency"]),
        ("tree-text", ["tree"]),
        ("tree-dot", ["tree", "--format", "dot"]),
        ("patterns", ["patterns"]),
    ]

    @Test(arguments: cases)
    func golden(_ name: String, _ arguments: [String]) throws {
        let result = CLI.run(arguments + ["--tree", CLI.fixtureTree])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err.isEmpty)
        try assertGolden(result.out, named: name)
    }
}
