import Simulation
import Testing
@testable import EventLog

/// Runs the declared demo with `words`, as the CLI would, at `seed`.
private func declared(_ words: [String], seed: UInt64 = 1) throws -> DemoOutcome {
    var prepared = try AnyDemo(EventLogDemo.self).prepare(words).get()
    prepared.seed = seed
    return prepared.runQuietly()
}

/// 1000 records take longer than the old fixed 4 s deadline; it now follows from the records.
@Test func thousandRecordsPass() throws {
    #expect(try declared(["--records", "1000"]).verdict == .pass)
}

/// Heavy loss on a large cluster: the deadline now grows with the loss.
@Test func heavyLossOnALargeClusterPasses() throws {
    let words = ["--brokers", "5", "--partitions", "8", "--consumers", "6", "--loss", "300", "--records", "300"]
    #expect(try declared(words, seed: 40737).verdict == .pass)
}

/// `--faults` replaces `--no-faults`, in the standard words.
@Test func faultsTakeTheStandardWords() throws {
    #expect(try declared(["--faults", "none", "--no-contrast"]).verdict == .pass)
    if case .success = AnyDemo(EventLogDemo.self).prepare(["--no-faults"]) { Issue.record("--no-faults still accepted") }
}
