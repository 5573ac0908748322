import Simulation
import Testing
@testable import MessageQueue

/// Runs the declared demo with `words`, as the CLI would, at `seed`.
func queueDeclared(_ words: [String], seed: UInt64 = 1) throws -> DemoOutcome {
    var prepared = try AnyDemo(MessageQueueDemo.self).prepare(words).get()
    prepared.seed = seed
    return prepared.runQuietly()
}

/// A 20 s visibility timeout makes act 2 outlast the old fixed 60 s horizon.
@Test func longVisibilityTimeoutPasses() throws {
    #expect(try queueDeclared(["--visibility-ms", "20000"]).verdict == .pass)
}

/// 500 messages on one consumer take minutes of simulated time.
@Test func manyMessagesOnOneConsumerPass() throws {
    #expect(try queueDeclared(["--messages", "500", "--consumers", "1"]).verdict == .pass)
}

@Test func injectedFaultsReachActTwo() throws {
    let prepared = try AnyDemo(MessageQueueDemo.self).prepare(["--inject", "2s crash n1", "--inject", "3s restart n1"]).get()
    #expect(prepared.runQuietly().verdict == .pass)
    #expect(prepared.replayCommand.contains("--inject '2s crash n1'"))
}
