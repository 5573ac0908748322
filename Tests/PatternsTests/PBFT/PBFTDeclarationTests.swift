import Simulation
import Testing
@testable import PBFT

/// The PBFT demo through its declaration: the standard fault words, scripted network faults,
/// and requests not accepted reported as a shortfall within a computed horizon.
@Suite struct PBFTDeclarationTests {
    static func prepared(_ words: [String], seed: UInt64 = 1) throws -> PreparedDemo {
        var prepared = try AnyDemo(PBFTDemo.self).prepare(words).get()
        prepared.seed = seed
        return prepared
    }

    /// A network split in two halves of two replicas never heals: no quorum, so requests stop
    /// being accepted. That is a liveness goal not reached, INCOMPLETE, not a broken invariant.
    @Test func requestsNotAcceptedAreAShortfallNotAViolation() throws {
        let outcome = try Self.prepared(["--faults", "none", "--inject", "300ms partition n0,n1,n4,n5|n2,n3"]).runQuietly()
        #expect(outcome.violation == nil)
        #expect(outcome.verdict == .incomplete)
        let detail = try #require(outcome.shortfall?.detail)
        #expect(detail.contains("of 24 requests accepted") && detail.contains("horizon, not lost data"))
    }

    /// The horizon grows with the work: the largest workload the ranges allow still passes.
    @Test func theLargestWorkloadPassesWithinItsHorizon() throws {
        for seed in UInt64(1)...2 {
            let outcome = try Self.prepared(["--clients", "6", "--requests", "200", "--faults", "all"], seed: seed)
                .runQuietly()
            #expect(outcome.verdict == .pass, "seed \(seed): \(String(describing: outcome.finding))")
        }
    }

    @Test func faultWordsAreTheStandardOnesWithoutCrashes() throws {
        let demo = AnyDemo(PBFTDemo.self)
        for words in [["--faults", "crash"], ["--faults", "story"], ["--inject", "1s crash n1"], ["--faulty", "4"]] {
            #expect(throws: DemoUsageError.self, "\(words)") { try demo.prepare(words).get() }
        }
        #expect(try Self.prepared(["--faults", "partition,drop"]).runQuietly().verdict == .pass)
        #expect(try Self.prepared(["--f", "2", "--faulty", "4"]).runQuietly().verdict == .pass)
        let healed = try Self.prepared(["--faults", "none", "--inject", "200ms isolate n1", "--inject", "900ms heal"])
        #expect(healed.runQuietly().verdict == .pass)
    }
}
