import ArgumentParser
import CRDTs
import Simulation

/// `dsadvisor demo crdt`: the declared demo, except that `--experiment merge-benchmark`
/// (declared in the pattern with the rest) runs the wall-clock benchmark below, which the
/// pattern module may not.
struct CRDTDemoSubcommand: ParsableCommand {
    static var configuration: CommandConfiguration { DemoSubcommand<CRDTsDemo>.configuration }

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("The demo's options, listed below.", valueName: "options"),
              completion: .custom { words, index, _ in
                  DemoCompletion.candidates(DemoSubcommand<CRDTsDemo>.demo, words: words, index: index)
              })
    var words: [String] = []

    func run() throws {
        try reportingErrors {
            let demo = DemoSubcommand<CRDTsDemo>.demo
            let (shared, own) = try DemoSharedOptions.split(words)
            if !shared.help, case .string("merge-benchmark") = try demo.prepared(own).settings
                .first(where: { $0.0 == "experiment" })?.1 {
                MergeBenchmark.run()
                return
            }
            try DemoExecution.run(demo, words: words)
        }
    }
}

/// `dsadvisor demo crdt --experiment merge-benchmark`: wall-clock time of one OR-Set join of
/// two replicas holding 100,000 elements each. It reads the machine's clock, so it lives in
/// the CLI, never in the pattern module, and its figures are not part of any demo output.
enum MergeBenchmark {
    static let size = 100_000

    static func run() {
        // Two replicas that each added 100,000 elements on their own (half the elements are
        // the same, with different dots): the join does a full linear merge.
        var a = ORSet<Int>()
        var b = ORSet<Int>()
        for element in 0..<size { a.add(element, replica: 0) }
        for element in (size / 2)..<(size + size / 2) { b.add(element, replica: 1) }
        report("100k + 100k elements, independent adds", a, b)

        // A shared history of 100,000 elements, then 1,000 concurrent adds and removes on each
        // side: the everyday case of anti-entropy after a partition.
        var c = a
        c.merge(b)
        var d = c
        for element in stride(from: 0, to: 2_000, by: 2) { c.remove(element); c.add(size * 2 + element, replica: 0) }
        for element in stride(from: 1, to: 2_001, by: 2) { d.remove(element); d.add(size * 3 + element, replica: 1) }
        report("shared history of 150k elements, then 1k concurrent updates each", c, d)

        var e = ORSet<String>()
        var f = ORSet<String>()
        for element in 0..<size { e.add("item-\(element)", replica: 0) }
        for element in (size / 2)..<(size + size / 2) { f.add("item-\(element)", replica: 1) }
        report("100k + 100k string elements, independent adds", e, f)
    }

    static func report<E>(_ label: String, _ a: ORSet<E>, _ b: ORSet<E>) {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        var merged = a
        for _ in 0..<7 {
            var copy = a
            let elapsed = clock.measure { copy.merge(b) }
            samples.append(elapsed)
            merged = copy
        }
        samples.sort()
        let median = samples[samples.count / 2]
        print("\(label): merge median \(milliseconds(median)) ms, best \(milliseconds(samples[0])) ms "
              + "(\(a.store.count) + \(b.store.count) tagged -> \(merged.store.count))")
    }

    static func milliseconds(_ d: Duration) -> String {
        let micros = d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1000)
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
