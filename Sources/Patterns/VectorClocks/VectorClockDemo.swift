/// The `vector-clock` demo: causal broadcast of chat posts over a reordering network, with
/// and without vector clocks, and what Lamport clocks can and cannot say about the same run.
/// Birman, Schiper & Stephenson (TOCS 1991) for the delivery rule; Fidge (1988) and Mattern
/// (1989) for vector clocks; Lamport (CACM 1978) for the clock condition.
///
/// Invariants, checked while it runs: every delivery respects happens-before (the harness's
/// ground truth); a → b ⇒ L(a) < L(b); a → b ⇔ V(a) < V(b); every post is eventually
/// delivered everywhere.
///
/// Simplifications:
/// - The contrast run (deliver on arrival) is checked for breaks but they are reported, not
///   failed: showing them is its purpose.
import Simulation

public enum VectorClockDemo {
    public enum Delivery: String, Sendable, CaseIterable {
        /// Birman–Schiper–Stephenson hold-back: the protocol under test.
        case causal
        /// Deliver on arrival as the protocol under test: a deliberately broken variant that
        /// the causal-delivery check must catch.
        case immediate
    }

    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var nodes = 3
        /// Random posts after the scripted question and answer.
        public var posts = 12
        public var faults = FaultMode.none
        public var delivery = Delivery.causal
        /// Scripted faults (`--inject`), on top of the opening and the drawn ones.
        public var injections: [ScheduledFault] = []
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let script = ChatScript(options)
        timeline.note("Every post carries its sender's vector clock V (entry k = posts from node k the "
            + "sender had delivered) and a Lamport time L. A node delivers m from j only when V_m[j] = "
            + "V_local[j]+1 and V_m[k] <= V_local[k] for k != j; otherwise m is held back.")
        timeline.announce(script.randomFaults)
        if !script.randomFaults.plan.faults.isEmpty {
            timeline.note("fault plan: " + script.randomFaults.plan.faults.map { "\($0.at.description)) \($0.fault)" }
                .joined(separator: "; "))
        }
        timeline.section("Causal broadcast: alice is cut off from carol until \(ChatScript.healAt); bob is not")
        let main: ChatRun
        switch options.delivery {
        case .causal:
            var simulation = ChatSimulation<CausalRule>(script: script, timeline: timeline, strict: true)
            main = simulation.run()
        case .immediate:
            var simulation = ChatSimulation<ImmediateRule>(script: script, timeline: timeline, strict: true)
            main = simulation.run()
        }
        var naive = ChatSimulation<ImmediateRule>(script: script, timeline: nil, strict: false)
        let contrast = naive.run()
        printContrast(contrast, script, timeline)
        printComparison(main, contrast, timeline)
        printLamport(main.history, script, timeline)
        printSummary(main, contrast, options, timeline)
        return DemoOutcome(violation: main.violation, shortfall: main.shortfall)
    }

    private static func printContrast(_ run: ChatRun, _ script: ChatScript, _ timeline: Timeline) {
        timeline.section("The same script without vector clocks: each post shown on arrival")
        let shown = 6
        for broken in run.breaks.prefix(shown) {
            let text = run.history.record(broken.id).map { script.text(for: $0.id, replyingTo: nil) } ?? ""
            timeline.event(broken.time, node: broken.node, "BREAK",
                           "\(script.name(broken.node)) shows m\(broken.id) (\"\(text)\") before "
                               + broken.missing.map { "m\($0)" }.joined(separator: ",") + " that it depends on")
        }
        if run.breaks.count > shown {
            timeline.event(run.endTime, "BREAK", "... and \(run.breaks.count - shown) more")
        }
    }

    private static func printComparison(_ main: ChatRun,
                                        _ contrast: ChatRun, _ timeline: Timeline) {
        func row(_ name: String, _ run: ChatRun) -> [JSONValue] {
            [.string(name), JSONValue(run.history.sentIDs.count), JSONValue(run.deliveries),
             JSONValue(run.holdBacks), .string(run.maxHold.description), JSONValue(run.breaks.count)]
        }
        timeline.table("Delivery with and without the vector-clock rule (same seed, same script)",
                       columns: ["delivery", "posts", "deliveries", "held back", "longest hold", "causality breaks"],
                       rows: [row("causal (BSS)", main), row("on arrival", contrast)])
    }

    private static func printLamport(_ history: CausalHistory, _ script: ChatScript, _ timeline: Timeline) {
        let ids = history.sentIDs
        var ordered = 0, vcOrdered = 0, lamportOrdered = 0, concurrent = 0, vcConcurrent = 0, lamportRanked = 0
        for (i, a) in ids.enumerated() {
            for b in ids[(i + 1)...] {
                guard let ra = history.record(a), let rb = history.record(b) else { continue }
                let (first, second) = history.happenedBefore(b, a) ? (rb, ra) : (ra, rb)
                if history.happenedBefore(first.id, second.id) {
                    ordered += 1
                    if first.clock.happenedBefore(second.clock) { vcOrdered += 1 }
                    if first.lamport < second.lamport { lamportOrdered += 1 }
                } else {
                    concurrent += 1
                    if ra.clock.isConcurrent(with: rb.clock) { vcConcurrent += 1 }
                    if ra.lamport != rb.lamport { lamportRanked += 1 }
                }
            }
        }
        timeline.table("What each clock says about every pair of posts (ground truth from the harness)",
                       columns: ["truth", "pairs", "vector clocks", "Lamport clocks"],
                       rows: [
                           ["a -> b", JSONValue(ordered), .string("\(vcOrdered) say V(a)<V(b)"),
                            .string("\(lamportOrdered) say L(a)<L(b)")],
                           ["concurrent", JSONValue(concurrent), .string("\(vcConcurrent) say concurrent"),
                            .string("\(lamportRanked) ranked anyway")],
                       ])
        if let (a, b) = history.lamportCounterexample() {
            timeline.note("Lamport's converse fails: L(m\(a.id))=\(a.lamport) < L(m\(b.id))=\(b.lamport), yet "
                + "neither saw the other: V(m\(a.id))=\(a.clock.dense(count: script.nodes)) and "
                + "V(m\(b.id))=\(b.clock.dense(count: script.nodes)) are \(a.clock.compare(b.clock).rawValue).")
        }
    }

    private static func printSummary(_ main: ChatRun,
                                     _ contrast: ChatRun,
                                     _ options: Options, _ timeline: Timeline) {
        timeline.summary([
            ("posts", JSONValue(main.history.sentIDs.count)),
            ("deliveries", JSONValue(main.deliveries)),
            ("held back", JSONValue(main.holdBacks)),
            ("longest hold us", JSONValue(main.maxHold.nanoseconds / 1_000)),
            ("breaks with VC", JSONValue(main.breaks.count)),
            ("breaks without", JSONValue(contrast.breaks.count)),
            ("messages sent", JSONValue(main.messagesSent)),
            ("messages dropped", JSONValue(main.messagesDropped)),
            ("messages duplicated", JSONValue(main.messagesDuplicated)),
            ("last delivery us", JSONValue(main.endTime.nanoseconds / 1_000)),
            ("horizon us", JSONValue(main.horizon.nanoseconds / 1_000)),
            ("invariants", "causal delivery, clock condition, V characterises ->, all delivered"),
        ])
    }

    public static func faultsName(_ kinds: FaultPlan.Kinds) -> String {
        if kinds.isEmpty { return "none" }
        if kinds == .all { return "all" }
        var names: [String] = []
        if kinds.contains(.crash) { names.append("crash") }
        if kinds.contains(.partition) { names.append("partition") }
        if kinds.contains(.drop) { names.append("drop") }
        return names.joined(separator: "+")
    }
}
