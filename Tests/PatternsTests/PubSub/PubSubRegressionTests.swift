import Simulation
import Testing
@testable import PubSub

/// Runs the declared demo with `words`, as the CLI would, at `seed`.
func pubSubDeclared(_ words: [String], seed: UInt64 = 1) throws -> DemoOutcome {
    var prepared = try AnyDemo(PubSubDemo.self).prepare(words).get()
    prepared.seed = seed
    return prepared.runQuietly()
}

/// 300 messages a topic take longer than the old fixed 60 s horizon; it now scales.
@Test func manyMessagesPassWithinTheirHorizon() throws {
    #expect(try pubSubDeclared(["--messages", "300"]).verdict == .pass)
}

/// One subscriber: the story's crash once named node 3, which does not exist then.
@Test func oneSubscriberRunsTheStory() throws {
    #expect(try pubSubDeclared(["--subscribers", "1"]).verdict == .pass)
}
