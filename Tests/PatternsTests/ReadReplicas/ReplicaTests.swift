import Testing
@testable import ReadReplicas
import Simulation

func t(_ ms: UInt64) -> SimTime { .zero + .milliseconds(ms) }

@Test func primaryNumbersWritesAndShipsInBatches() {
    var primary = PrimaryServer(keys: 4, replicas: [1])
    for i in 0..<100 { _ = primary.write(key: i % 4, at: t(UInt64(i))) }
    #expect(primary.lsn == 100 && primary.versions[3] == 100)
    let first = primary.shipments(at: t(100))
    #expect(first.count == 1 && first[0].1 == 1 && first[0].2.count == 64)
    let second = primary.shipments(at: t(105))
    #expect(second[0].1 == 65 && second[0].2.last?.lsn == 100)
    let none = primary.shipments(at: t(110))
    #expect(none.isEmpty)
    // Nothing acknowledged for 100 ms: ship again from the acknowledged position.
    primary.acknowledged(by: 1, received: 30, at: t(110))
    let resent = primary.shipments(at: t(210))
    #expect(resent[0].1 == 31)
}

@Test func primaryResumesARestartedReplicaFromItsPosition() {
    var primary = PrimaryServer(keys: 2, replicas: [1])
    for _ in 0..<10 { _ = primary.write(key: 0, at: .zero) }
    _ = primary.shipments(at: .zero)
    primary.hello(from: 1, applied: 4, at: t(1))
    let resumed = primary.shipments(at: t(2))
    #expect(resumed[0].1 == 5)
}

func entries(_ range: ClosedRange<Int>) -> [PrimaryServer.Entry] {
    range.map { PrimaryServer.Entry(lsn: $0, key: $0 % 3, committedAt: .zero) }
}

@Test func replicaAppliesInOrderAndIgnoresGapsAndDuplicates() {
    var replica = ReplicaServer(keys: 3, applyCost: .milliseconds(1), maxWait: .milliseconds(10))
    let started = replica.receive(from: 1, entries(1...5))
    let overlap = replica.receive(from: 3, entries(3...7))  // only 6 and 7 are new
    let gap = replica.receive(from: 10, entries(10...12))  // dropped
    #expect(started && !overlap && !gap)
    #expect(replica.received == 7)
    while replica.applyNext() {}
    #expect(replica.applied == 7 && replica.versions[1] == 7 && replica.versions[0] == 6)
}

@Test func replicaHoldsThenRedirectsReadsBehindTheToken() {
    var replica = ReplicaServer(keys: 3, applyCost: .milliseconds(1), maxWait: .milliseconds(10))
    _ = replica.receive(from: 1, entries(1...4))
    _ = replica.applyNext()
    guard case .hold = replica.read(client: 9, op: 1, key: 0, minLSN: 3, at: t(0)) else { Issue.record("hold"); return }
    guard case .hold = replica.read(client: 9, op: 2, key: 0, minLSN: 50, at: t(0)) else { Issue.record("hold"); return }
    _ = replica.applyNext()
    _ = replica.applyNext()
    let (ready, expired) = replica.releaseHeld(at: t(3))
    #expect(ready.map(\.op) == [1] && expired.isEmpty)
    let (_, late) = replica.releaseHeld(at: t(10))
    #expect(late.map(\.op) == [2])
    var impatient = ReplicaServer(keys: 3, applyCost: .milliseconds(1), maxWait: .zero)
    guard case .redirect = impatient.read(client: 9, op: 3, key: 0, minLSN: 1, at: t(0)) else { Issue.record("redirect"); return }
}

@Test func checkerCatchesAReplicaThatIsNotAPrefixOfTheLog() {
    var checker = SessionChecker(keys: 2, clients: 1, enforce: false)
    checker.committed(lsn: 1, key: 0)
    checker.committed(lsn: 2, key: 1)
    checker.committed(lsn: 3, key: 0)
    #expect(checker.expected(key: 0, at: 2) == 1)
    let bad = checker.read(client: 0, key: 0, version: 3, servedLSN: 2, primaryLSN: 3)
    #expect(bad?.0 == "prefix consistency")
}

@Test func checkerEnforcesSessionGuaranteesOnlyWithTokens() {
    for enforce in [false, true] {
        var checker = SessionChecker(keys: 1, clients: 1, enforce: enforce)
        checker.committed(lsn: 1, key: 0)
        checker.wrote(client: 0, key: 0, lsn: 1)
        let ryw = checker.read(client: 0, key: 0, version: 0, servedLSN: 0, primaryLSN: 1)
        #expect((ryw?.0 == "read your writes") == enforce)
        #expect(checker.readYourWritesAnomalies == 1 && checker.staleReads == 1)
    }
    var checker = SessionChecker(keys: 1, clients: 1, enforce: true)
    checker.committed(lsn: 1, key: 0)
    let fine = checker.read(client: 0, key: 0, version: 1, servedLSN: 1, primaryLSN: 1)
    #expect(fine == nil)
    let backwards = checker.read(client: 0, key: 0, version: 0, servedLSN: 0, primaryLSN: 1)
    #expect(backwards?.0 == "monotonic reads")
}

func replicaLines(_ options: ReadReplicasDemo.Options) -> ([String], DemoOutcome) {
    var out: [String] = []
    let outcome = ReadReplicasDemo.run(options, on: Timeline(format: .text, quiet: false) { out.append($0) })
    return (out, outcome)
}

@Test func replicaDemoIsDeterministic() {
    let options = ReadReplicasDemo.Options(seed: 4, durationMs: 600)
    let (a, outcome) = replicaLines(options)
    #expect(outcome.violation == nil)
    #expect(a == replicaLines(options).0)
    #expect(a != replicaLines(ReadReplicasDemo.Options(seed: 5, durationMs: 600)).0)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test(arguments: UInt64(1)...5)
func replicaSeedSweep(seed: UInt64) {
    let options = ReadReplicasDemo.Options(seed: seed, replicas: 1 + Int(seed % 4), durationMs: 500,
                                           maxWaitMs: seed % 2 == 0 ? 0 : 10)
    #expect(replicaLines(options).1.violation == nil)
}

@Test func droppedTokensAreCaught() {
    var options = ReadReplicasDemo.Options(seed: 1, durationMs: 600)
    options.forgetTokens = true
    let violation = replicaLines(options).1.violation
    #expect(violation?.invariant == "read your writes" || violation?.invariant == "monotonic reads")
    #expect(violation?.detail.hasPrefix("replicas+token") == true)
}

/// The declared ranges' ends pass through the declaration (the edge sweep, kept as a test).
@Test(arguments: [["--max-wait-ms", "1000"], ["--duration-ms", "200"], ["--replicas", "9", "--sessions", "64"],
                  ["--write-per-mille", "1000", "--keys", "1"], ["--faults", "none"]])
func declaredEdgesPass(words: [String]) throws {
    var prepared = try AnyDemo(ReadReplicasDemo.self).prepare(words).get()
    for seed in UInt64(1)...2 {
        prepared.seed = seed
        #expect(prepared.runQuietly().verdict == .pass, "\(words) seed \(seed)")
    }
}

@Test func oldCrashSwitchIsNowFaults() {
    if case .success = AnyDemo(ReadReplicasDemo.self).prepare(["--no-crash"]) { Issue.record("--no-crash is gone") }
    #expect((try? AnyDemo(ReadReplicasDemo.self).prepare(["--faults", "story"]).get()) != nil)
}
