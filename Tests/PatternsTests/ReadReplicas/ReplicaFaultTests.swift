import Testing
@testable import ReadReplicas
import Simulation

// Swarm faults crash the primary and the clients too, not only a replica (see ReplicaRun).

/// A crashed primary came back with an empty log and numbered new writes from LSN 1 again,
/// so replicas held entries the primary no longer had (seeds 2 and 184 of `--faults all`):
/// the primary now restarts from its write-ahead log.
@Test func primaryRestartsFromItsLog() {
    var primary = PrimaryServer(keys: 3, replicas: [1])
    for i in 0..<600 { _ = primary.write(key: i % 3, client: 9, op: i, at: t(UInt64(i))) }
    var restarted = PrimaryServer(keys: 3, replicas: [1])
    restarted.restore(primary.log)
    #expect(restarted.lsn == 600 && restarted.versions == primary.versions)
    #expect(restarted.committedAt(299) == t(299))
    // The client's last operation is remembered across the restart: a retry gets its LSN back.
    #expect(restarted.write(key: 0, client: 9, op: 599, at: t(700)) == .again(lsn: 600))
}

/// Retried and duplicated writes land in the log once; a copy older than the client's
/// latest operation is ignored.
@Test func primaryAppendsEachOperationOnce() {
    var primary = PrimaryServer(keys: 2, replicas: [1])
    #expect(primary.write(key: 1, client: 5, op: 3, at: t(1)) == .appended(lsn: 1))
    #expect(primary.write(key: 1, client: 5, op: 3, at: t(2)) == .again(lsn: 1))
    #expect(primary.write(key: 0, client: 5, op: 7, at: t(3)) == .appended(lsn: 2))
    #expect(primary.write(key: 1, client: 5, op: 3, at: t(4)) == .stale)
    #expect(primary.write(key: 1, client: 6, op: 4, at: t(5)) == .appended(lsn: 3))
    #expect(primary.lsn == 3)
}

/// The log persisted after every write shares its full chunks, and reads back entry by entry.
@Test func writeAheadLogReadsBackAcrossChunks() {
    var log = WriteAheadLog()
    for i in 0..<(WriteAheadLog.chunkSize * 2 + 5) {
        log.append(PrimaryServer.Entry(lsn: i + 1, key: i, committedAt: .zero))
    }
    let onDisk = log
    log.append(PrimaryServer.Entry(lsn: log.count + 1, key: 0, committedAt: .zero))
    #expect(onDisk.count == WriteAheadLog.chunkSize * 2 + 5 && log.count == onDisk.count + 1)
    #expect((0..<onDisk.count).allSatisfy { onDisk[$0].lsn == $0 + 1 })
    #expect(log.entries(250..<260).map(\.lsn) == Array(251...260))
}

/// A client that crashed came back with token 0, and a replica behind its last read served
/// it (seeds 25 and 184: "monotonic reads"): the token is persisted, as a cookie would be.
@Test func restartedClientKeepsItsToken() {
    let settings = SessionClient.Settings(routing: .session, primary: 0, replicas: [1], readTimeout: .milliseconds(50))
    var durable = ReplicaNode.Durable(config: .client(settings))
    durable.token = 42
    let node = ReplicaNode(id: 2, cluster: [0, 1, 2], durable: durable)
    #expect(node.client?.token == 42)
}

/// A primary that crashed the moment its write was durable still reports the commit: the
/// checker learns every LSN in the log, or a later read of it looks like a forged value
/// (seed 269 when commits were answers: "prefix consistency").
@Test func aCommitIsAReport() {
    #expect(ReplicaNode.isReport(.committed(lsn: 1, key: 0)))
    #expect(!ReplicaNode.isReport(.writeDone(op: 0, key: 0, lsn: 1, start: .zero)))
}

/// The failing swarm seeds of each class, and a few steady mixes, now pass.
@Test(arguments: [UInt64(2), 25, 184, 186, 200, 269])
func swarmSeedsPass(seed: UInt64) throws {
    var prepared = try AnyDemo(ReadReplicasDemo.self).prepare(["--faults", "all"]).get()
    prepared.seed = seed
    #expect(prepared.runQuietly().verdict == .pass, "seed \(seed)")
}

@Test(arguments: ["crash", "partition", "drop", "crash,partition,drop"])
func steadyFaultMixesPass(kinds: String) throws {
    var prepared = try AnyDemo(ReadReplicasDemo.self).prepare(["--faults", kinds, "--duration-ms", "600"]).get()
    for seed in UInt64(1)...3 {
        prepared.seed = seed
        #expect(prepared.runQuietly().verdict == .pass, "\(kinds) seed \(seed)")
    }
}

/// Under swarm faults the broken router that forgets tokens is still caught.
@Test func droppedTokensAreCaughtUnderSwarmFaults() {
    var caught = false
    for seed in UInt64(1)...5 where !caught {
        var options = ReadReplicasDemo.Options(seed: seed, durationMs: 600, faults: .swarm(.all))
        options.forgetTokens = true
        let violation = replicaLines(options).1.violation
        caught = violation?.invariant == "read your writes" || violation?.invariant == "monotonic reads"
    }
    #expect(caught)
}
