import Simulation
import Testing
@testable import VectorClocks

func lines(_ options: VectorClockDemo.Options, format: OutputFormat = .text) -> (lines: [String], outcome: DemoOutcome) {
    var out: [String] = []
    let timeline = Timeline(format: format, quiet: false) { out.append($0) }
    let outcome = VectorClockDemo.run(options, on: timeline)
    return (out, outcome)
}

@Test func defaultRunHoldsTheAnswerBackAndPasses() {
    let (out, outcome) = lines(VectorClockDemo.Options())
    #expect(outcome.violation == nil)
    #expect(out.contains { $0.contains("hold") && $0.contains("m2 from bob") })
    #expect(out.contains { $0.contains("release") && $0.contains("m2 from bob") })
    #expect(out.contains { $0.contains("carol shows m2") })
    #expect(out.allSatisfy { $0.count <= 100 })
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let options = VectorClockDemo.Options(seed: 5, posts: 30, faults: .drawn(.all))
    #expect(lines(options).lines == lines(options).lines)
    #expect(lines(options, format: .json).lines == lines(options, format: .json).lines)
    #expect(lines(options).lines != lines(VectorClockDemo.Options(seed: 6, posts: 30, faults: .drawn(.all))).lines)
}

@Test(arguments: ["none", "crash", "partition", "drop", "all"])
func seedSweepKeepsEveryInvariant(faults: String) {
    for seed in UInt64(1)...12 {
        let options = VectorClockDemo.Options(seed: seed, nodes: 3 + Int(seed % 3), posts: 30,
                                              faults: .drawn(FaultPlan.Kinds(name: faults) ?? []))
        let outcome = lines(options).outcome
        #expect(outcome.violation == nil, "seed \(seed) faults \(faults): \(String(describing: outcome.violation))")
    }
}

@Test func deliveringOnArrivalIsCaught() {
    let outcome = lines(VectorClockDemo.Options(delivery: .immediate)).outcome
    #expect(outcome.violation?.invariant == "causal delivery")
    #expect(outcome.violation?.seed == 1)
}
