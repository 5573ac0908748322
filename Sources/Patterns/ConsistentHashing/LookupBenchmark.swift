import Simulation

/// `--experiment bench`: wall-clock and CPU time per lookup on the ring, for replica lists and
/// with jump hash (Lamping & Veach 2014), measured with the stopwatch the CLI hands in (this
/// module reads no clock). Keys are hashed beforehand unless the row says otherwise; every
/// result feeds a checksum that is printed, so the optimiser cannot drop the work.
struct LookupBenchmark {
    let nodes: Int
    let virtualNodes: Int
    let seed: UInt64

    func run(_ timeline: Timeline, stopwatch: Stopwatch) {
        var rng = SeededRNG(seed: seed)
        let hashes = (0..<1_000_000).map { _ in Hash64.mix(rng.next()) }
        let names = (0..<100_000).map { "user:\($0 &* 7_919)" }
        let ring = HashRing(nodes: Array(0..<nodes), virtualNodes: virtualNodes)
        let rounds = 10
        var rows: [[JSONValue]] = []
        rows.append(time(stopwatch, "ring owner(ofHash:)", hashes.count * rounds) {
            var sum = 0
            for _ in 0..<rounds { for h in hashes { sum &+= ring.owner(ofHash: h) } }
            return sum
        })
        rows.append(time(stopwatch, "ring replicas(N=3)", hashes.count) {
            var sum = 0
            for h in hashes { sum &+= ring.replicas(ofHash: h, count: 3).count }
            return sum
        })
        rows.append(time(stopwatch, "hash key string + owner", names.count * rounds) {
            var sum = 0
            for _ in 0..<rounds { for name in names { sum &+= ring.owner(of: name) } }
            return sum
        })
        let buckets = Int32(nodes)
        rows.append(time(stopwatch, "jump hash bucket", hashes.count * rounds) {
            var sum = 0
            for _ in 0..<rounds { for h in hashes { sum &+= Int(JumpHash.bucket(h, buckets: buckets)) } }
            return sum
        })
        timeline.table("Lookup benchmark: \(nodes) nodes x \(virtualNodes) virtual nodes = \(ring.points.count) points",
                       columns: ["lookup", "wall ns/op", "cpu ns/op", "ops", "checksum"], rows: rows)
        timeline.note("Wall clock and this thread's CPU time per operation: on a shared "
            + "machine the second excludes the time the thread spent descheduled.")
    }

    /// One row: the label, wall and CPU nanoseconds per operation (one decimal), the operation
    /// count and the checksum.
    private func time(_ stopwatch: Stopwatch, _ label: String, _ operations: Int, _ body: () -> Int) -> [JSONValue] {
        let (wall, cpu, checksum) = stopwatch.measure(body)
        let ops = UInt64(max(operations, 1))
        return [.string(label), .string(tenths(wall * 10 / ops)), .string(tenths(cpu * 10 / ops)),
                JSONValue(operations), JSONValue(checksum)]
    }

    private func tenths(_ value: UInt64) -> String { "\(value / 10).\(value % 10)" }
}
