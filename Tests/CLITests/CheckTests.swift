@testable import DSAdvisorCLI
import Simulation
import Testing

/// `check`: verdicts counted honestly, its own arguments validated.
@Suite struct CheckTests {
    static func outcome(_ verdict: DemoVerdict) -> DemoOutcome {
        let finding = InvariantViolation(invariant: "x", detail: "y", seed: 1, step: 1, time: .zero)
        switch verdict {
        case .pass: return .passed
        case .violated: return DemoOutcome(violation: finding)
        case .incomplete: return DemoOutcome(shortfall: finding)
        case .undecided: return DemoOutcome(undecided: finding)
        }
    }

    @Test(arguments: [
        ([DemoVerdict.pass, .pass], false, Optional<DemoVerdict>.none),
        ([.pass, .undecided], false, .undecided),
        ([.pass, .undecided], true, nil),
        ([.undecided, .incomplete], true, .incomplete),
        ([.incomplete, .violated, .undecided], false, .violated),
    ])
    func theExitCodeIsThatOfTheMostSeriousVerdict(_ verdicts: [DemoVerdict], acceptUndecided: Bool, expected: DemoVerdict?) {
        var tally = CheckTally()
        for (index, verdict) in verdicts.enumerated() {
            tally.count(Self.outcome(verdict), seed: UInt64(index), replay: "r\(index)")
        }
        #expect(tally.failingVerdict(acceptUndecided: acceptUndecided) == expected)
        #expect(tally.total == verdicts.count)
    }

    @Test func undecidedIsNeverCountedAsPassed() {
        var tally = CheckTally()
        tally.count(Self.outcome(.undecided), seed: 3, replay: "dsadvisor demo raft --seed 3")
        #expect(tally.report(name: "raft").hasPrefix("raft: 0/1 seeds passed (1 UNDECIDED)\nfirst UNDECIDED seed: 3"))
    }

    @Test(arguments: [
        (["check", "pub-sub", "--seeds", "1..3", "--seed", "42"], "--seed is not a demo option for check"),
        (["check", "pub-sub", "--seeds", "1...3"], "invalid for '--seeds"),
        (["check", "pub-sub", "--seeds", "3..1"], "invalid for '--seeds"),
        (["check", "pub-sub", "--seeds", "1..2", "--nope", "1"], "unknown option '--nope'"),
        (["check", "pub-sub", "--seeds", "1..2", "--messages", "0"], "--messages must be within 1...500"),
        (["check", "nonesuch"], "no demo named 'nonesuch'"),
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String], message: String) {
        let result = CLI.run(arguments)
        #expect(result.code == 64, "\(arguments): \(result.err)")
        #expect(result.err.contains(message), "\(result.err)")
    }

    @Test func aCleanSweepCountsEverySeed() {
        let result = CLI.run(["check", "pub-sub", "--seeds", "5..7"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out == "pub-sub: 3/3 seeds passed\n")
    }
}
