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

/// Seed 731 under swarm faults (duplicated and slowed messages): a late copy of an old
/// `fetchDiverging` reached a follower that had since repaired its log and fetched a committed
/// record from the same leader epoch; it cut that record (then re-fetched it under the next
/// epoch), rewriting committed history. Followers now act only on answers to a fetch from
/// their current log end, as Kafka's fetcher does.
@Test func aLateDivergingAnswerNoLongerCutsCommittedRecords() throws {
    let words = ["--faults", "all", "--records", "600", "--consumers", "2", "--no-contrast"]
    #expect(try declared(words, seed: 731).verdict == .pass)
}

/// Drawn faults spare the controller (the KRaft quorum's stand-in) and the producer (its
/// sequences live in memory), and the run's horizon counts from the last drawn fault.
@Test func drawnFaultsSpareTheControlPlaneAndTheHorizonFollowsThem() {
    let options = EventLogDemo.Options(seed: 5)
    let config = options.config(delivery: .exactlyOnce)
    for seed in UInt64(1)...200 {
        let drawn = EventLogFaults.draw(.swarm(.all), config: config, network: options.network, seed: seed)
        for scheduled in drawn.plan.faults {
            switch scheduled.fault {
            case .crash(let node), .restart(let node), .crashAfterWrite(let node), .crashDuringWrite(let node):
                #expect(node != config.controller && node != config.producer, "seed \(seed): \(scheduled.fault)")
            case .partition, .heal, .network, .link: break
            }
        }
    }
    let drawn = EventLogFaults.draw(.swarm(.all), config: config, network: options.network, seed: 5)
    let last = drawn.plan.faults.map(\.at).max() ?? .zero
    let silent = Timeline(format: .text, quiet: true) { _ in }
    let run = EventLogRun(config: config, seed: 5, network: options.network, scripted: false, plan: drawn.plan,
                          timeline: silent, duplicatesAreViolations: true)
    #expect(run.deadline == last + EventLogRun.horizon(config, lossPerMille: options.network.dropPerMille))
}

/// Named kinds and `all` are accepted and pass, the story stays the default.
@Test func drawnFaultsPass() throws {
    for words in [["--faults", "crash,partition,drop"], ["--faults", "all"]] {
        for seed in UInt64(1)...5 {
            #expect(try declared(words + ["--no-contrast"], seed: seed).verdict == .pass, "\(words) seed \(seed)")
        }
    }
    #expect(EventLogDemo.Options().faults == .story)
}

/// Seed 245 with 8 partitions and 2000 records under swarm faults (loss and a slowed link):
/// a duplicated acceptance of an older AlterPartition ended the leader's pending ISR
/// expansion although the controller had taken it, so the leader's high watermark passed a
/// record the new member lacked, and the controller then elected that member. Only an answer
/// to the pending proposal ends it now.
@Test func aLateAlterPartitionAnswerNoLongerShrinksTheMaximalISR() throws {
    let words = ["--faults", "all", "--partitions", "8", "--records", "2000", "--no-contrast"]
    #expect(try declared(words, seed: 245).verdict == .pass)
}
