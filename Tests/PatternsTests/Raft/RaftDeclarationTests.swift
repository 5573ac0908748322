@testable import Raft
import Simulation
import Testing

/// The Raft demo through its declaration: verdicts for an undecided check and an unreached
/// goal, options the experiment cannot use, the history artifact and scripted faults.
@Suite struct RaftDeclarationTests {
    static func prepared(_ words: [String], seed: UInt64 = 1) throws -> PreparedDemo {
        var prepared = try AnyDemo(RaftDemo.self).prepare(words).get()
        prepared.seed = seed
        return prepared
    }

    static func text(_ prepared: PreparedDemo) -> (String, DemoOutcome) {
        var lines: [String] = []
        let outcome = prepared.run(on: Timeline(format: .text, quiet: false) { lines.append($0) })
        return (lines.joined(separator: "\n"), outcome)
    }

    /// A traced run shows each server's role, term and commit index as its state track.
    @Test func theTraceCarriesRoleTermAndCommit() throws {
        let recorder = TraceRecorder()
        let prepared = try Self.prepared(["--ops", "5"])
        _ = TraceRecorder.$current.withValue(recorder) { prepared.runQuietly() }
        let states = recorder.lines.filter { $0.contains("\"type\":\"state\"") }
        #expect(states.contains { $0.contains("\"role\":\"leader\",\"term\":1") })
        #expect(recorder.lines.contains { $0.contains("\"type\":\"send\"") && $0.contains("\"kind\":\"appendEntries\"") })
    }

    /// Many operations on a slow disk would need memory that grows with their product (each
    /// queued write holds a copy of the log): refused with the bound, before anything runs.
    @Test func slowDisksBoundTheOperations() throws {
        guard case .failure(let error) = AnyDemo(RaftDemo.self).prepare(["--ops", "1000", "--disk-write-ms", "50"]) else {
            Issue.record("1000 operations on 50 ms disks were accepted")
            return
        }
        #expect(error.message.contains("--ops × --disk-write-ms must be at most 40000"))
        _ = try Self.prepared(["--ops", "400", "--disk-write-ms", "100"])
    }

    /// A linearizability search that runs out of budget decided nothing: UNDECIDED (exit 2),
    /// never PASS. The same run with the default budget passes.
    @Test func anExhaustedLinearizabilitySearchIsUndecidedNotPass() {
        var options = RaftDemo.Options(clients: 8, operations: 120, keys: 1, faults: .drawn(.all))
        options.searchBudget = 5
        let quiet = Timeline(format: .text, quiet: true) { _ in }
        let outcome = RaftDemo.run(options, on: quiet)
        #expect(outcome.verdict == .undecided)
        #expect(outcome.verdict.exitCode == 2)
        #expect(outcome.undecided?.invariant == "linearizability")
        options.searchBudget = RaftDemo.Options.defaults.searchBudget
        #expect(RaftDemo.run(options, on: quiet).verdict == .pass)
    }

    /// `--experiment` runs a fixed setup: demo options given with it would be ignored, so they
    /// are refused (exit 64), as is `--trials` without it.
    @Test func theExperimentRefusesOptionsItDoesNotUse() throws {
        let demo = AnyDemo(RaftDemo.self)
        guard case .failure(let error) = demo.prepare(["--experiment", "election-timeouts", "--disk-write-ms", "50",
                                                       "--nodes", "7"]) else {
            Issue.record("accepted options the experiment ignores")
            return
        }
        #expect(error.message.contains("--nodes") && error.message.contains("--disk-write-ms"))
        #expect(throws: DemoUsageError.self) { try demo.prepare(["--trials", "5"]).get() }
        #expect(throws: DemoUsageError.self) {
            try demo.prepare(["--experiment", "election-timeouts", "--inject", "1s crash n1"]).get()
        }
        let (text, outcome) = Self.text(try Self.prepared(["--experiment", "election-timeouts", "--trials", "2"]))
        #expect(outcome.verdict == .pass)
        #expect(text.contains("experiment-disk-write-ms=14"))
        #expect(text.contains("Time without a leader after a crash"))
    }

    /// A goal not reached is INCOMPLETE with a horizon computed from the settings, not a
    /// violation: here n0 is crashed for good, so the replicas can never all converge.
    @Test func anUnreachedGoalIsAShortfallWithAComputedHorizon() throws {
        let outcome = try Self.prepared(["--faults", "none", "--inject", "1s crash n0"]).runQuietly()
        #expect(outcome.violation == nil)
        #expect(outcome.verdict == .incomplete)
        let detail = try #require(outcome.shortfall?.detail)
        #expect(detail.contains("horizon, not lost data") && detail.contains("still down: n0"))
        // The horizon follows the settings: slower disks, longer patience.
        let slow = RaftDemo.details(try RaftDemo.declaration.options(from: ["--disk-write-ms", "100"]).get())
        let fast = RaftDemo.details(RaftDemo.Options.defaults)
        #expect(Self.patience(slow) > Self.patience(fast))
    }

    /// At the slowest settings the ranges allow, a correct Raft still reaches its goals.
    @Test func slowDisksAndLargeClustersStillPass() throws {
        for seed in UInt64(1)...3 {
            let outcome = try Self.prepared(["--nodes", "9", "--disk-write-ms", "100", "--faults", "all"],
                                            seed: seed).runQuietly()
            #expect(outcome.verdict == .pass, "seed \(seed): \(String(describing: outcome.finding))")
        }
    }

    @Test func historyIsReturnedAsAnArtifactForTheCLIToWrite() throws {
        let outcome = try Self.prepared(["--ops", "10", "--history", "/nonexistent/h.jsonl"]).runQuietly()
        #expect(outcome.verdict == .pass)
        let artifact = try #require(outcome.artifacts.first)
        #expect(artifact.parameter == "history")
        #expect(artifact.lines.count == 20)
        #expect(artifact.lines.allSatisfy { $0.hasPrefix("{\"process\":") })
        #expect(try Self.prepared(["--ops", "10"]).runQuietly().artifacts.isEmpty)
    }

    /// Scripted faults join the plan of any mode; liveness is judged after the last of them.
    @Test func injectedFaultsAreHonouredAndNamesChecked() throws {
        let prepared = try Self.prepared(["--faults", "none", "--inject", "1s crash n0", "--inject", "3s restart n0"])
        let (text, outcome) = Self.text(prepared)
        #expect(outcome.verdict == .pass, "\(String(describing: outcome.finding))")
        #expect(prepared.settings.contains { $0.0 == "inject" && $0.1.text == "1s crash n0,3s restart n0" })
        #expect(text.contains("1000.000ms  n0   crash     node crashes"))
        #expect(text.contains("3000.000ms  n0   restart   node restarts"))
        let story = try Self.prepared(["--inject", "9s crash n1", "--inject", "10s restart n1"]).runQuietly()
        #expect(story.verdict == .pass, "\(String(describing: story.finding))")
        #expect(throws: DemoUsageError.self) { try AnyDemo(RaftDemo.self).prepare(["--inject", "1s crash n9"]).get() }
    }

    static func patience(_ details: [(String, JSONValue)]) -> Int {
        Int(details.first { $0.0 == "liveness-patience-ms" }?.1.text ?? "") ?? 0
    }
}
