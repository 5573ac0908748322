@testable import DSAdvisorCLI
import Testing

/// Every demo's full seed-1 output, reviewed as a golden file: a change in any protocol, fault
/// plan, header or summary shows up here as a diff (`DSADVISOR_RECORD=1 swift test` rewrites).
@Suite struct DemoGoldenTests {
    @Test(arguments: DemoRegistry.ids)
    func seedOne(_ id: String) throws {
        let result = CLI.run(["demo", id, "--seed", "1"])
        #expect(result.code == 0, "demo \(id) --seed 1 did not pass: \(result.err)")
        #expect(result.err.isEmpty)
        #expect(result.out.contains("verdict"))
        try assertGolden(result.out, named: "demo-\(id)")
    }
}
