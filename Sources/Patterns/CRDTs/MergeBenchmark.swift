import Simulation

/// `dsadvisor demo crdt --experiment merge-benchmark`: wall-clock time of one OR-Set join of
/// two replicas holding 100,000 elements each (the state-based join of Shapiro et al. 2011,
/// §3.3.5), measured with the stopwatch the CLI hands in: this module reads no clock.
enum MergeBenchmark {
    static let size = 100_000

    static func run(_ timeline: Timeline, stopwatch: Stopwatch) {
        var rows: [[JSONValue]] = []
        // Two replicas that each added 100,000 elements on their own (half the elements are
        // the same, with different dots): the join does a full linear merge.
        var a = ORSet<Int>()
        var b = ORSet<Int>()
        for element in 0..<size { a.add(element, replica: 0) }
        for element in (size / 2)..<(size + size / 2) { b.add(element, replica: 1) }
        rows.append(row("100k + 100k elements, independent adds", a, b, stopwatch))

        // A shared history of 100,000 elements, then 1,000 concurrent adds and removes on each
        // side: the everyday case of anti-entropy after a partition.
        var c = a
        c.merge(b)
        var d = c
        for element in stride(from: 0, to: 2_000, by: 2) { c.remove(element); c.add(size * 2 + element, replica: 0) }
        for element in stride(from: 1, to: 2_001, by: 2) { d.remove(element); d.add(size * 3 + element, replica: 1) }
        rows.append(row("shared 150k, then 1k concurrent updates each", c, d, stopwatch))

        var e = ORSet<String>()
        var f = ORSet<String>()
        for element in 0..<size { e.add("item-\(element)", replica: 0) }
        for element in (size / 2)..<(size + size / 2) { f.add("item-\(element)", replica: 1) }
        rows.append(row("100k + 100k string elements, independent adds", e, f, stopwatch))
        timeline.table("OR-Set merge, 7 runs each", columns: ["merge", "median us", "best us", "tagged in", "tagged out"],
                       rows: rows)
    }

    /// The median and best of seven joins of `b` into a copy of `a`, in microseconds.
    static func row<E>(_ label: String, _ a: ORSet<E>, _ b: ORSet<E>, _ stopwatch: Stopwatch) -> [JSONValue] {
        var samples: [UInt64] = []
        var merged = a
        for _ in 0..<7 {
            var copy = a
            samples.append(stopwatch.measure { copy.merge(b) }.wall)
            merged = copy
        }
        samples.sort()
        return [.string(label), JSONValue(samples[samples.count / 2] / 1_000), JSONValue(samples[0] / 1_000),
                JSONValue(a.store.count + b.store.count), JSONValue(merged.store.count)]
    }
}
