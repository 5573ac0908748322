/// The gossip demo's tables: each crashed member's detection and dissemination in protocol
/// periods, the same figures beside the SWIM paper's expectations (Das, Gupta & Motivala 2002,
/// §5: first detection within e/(e−1) periods in expectation; infection-style dissemination in
/// O(log n) periods; a message load per member that does not grow with n), and the summary.
///
/// Simplifications:
/// - Periods are measured from the crash instant, which falls mid-period.
import Foundation
import Simulation

struct GossipReport {
    let harness: GossipHarness
    let options: GossipDemo.Options

    private var period: Double { Double(harness.config.period.nanoseconds) }

    private func periods(_ from: SimTime, _ to: SimTime?) -> Double? {
        to.map { Double(($0 - from).nanoseconds) / period }
    }

    private func text(_ value: Double?) -> JSONValue {
        .string(value.map { format($0) } ?? "-")
    }

    func print(on timeline: Timeline) {
        let failures = harness.tracker.failures
        let rows: [[JSONValue]] = failures.prefix(12).map { f in
            [.string("n\(f.member)"), text(periods(.zero, f.crashed)), text(periods(f.crashed, f.firstSuspected)),
             text(periods(f.crashed, f.firstConfirmed)), text(periods(f.crashed, f.everyoneKnows)),
             text(f.firstConfirmed.flatMap { periods($0, f.everyoneKnows) })]
        }
        if !rows.isEmpty {
            timeline.table("Crashed members, in protocol periods after the crash"
                + (failures.count > 12 ? " (first 12 of \(failures.count))" : ""),
                columns: ["member", "crashed", "suspected", "confirmed", "all know", "rounds"], rows: rows)
        }
        paperTable(on: timeline)
    }

    private func paperTable(on timeline: Timeline) {
        let failures = harness.tracker.failures
        let detect = failures.compactMap { periods($0.crashed, $0.firstSuspected) }
        let spread = failures.compactMap { f in f.firstConfirmed.flatMap { periods($0, f.everyoneKnows) } }
        let n = Double(harness.config.members)
        let e = exp(1.0)
        let messages = harness.tracker.messages
        let probeMessages = ["ping", "ack", "ping-req", "fwd-ack"].map { messages[$0] ?? 0 }.reduce(0, +)
        let memberPeriods = n * Double(harness.periodsRun)
        let rows: [[JSONValue]] = [
            ["first suspicion after crash", .string(stats(detect)),
             .string("e/(e-1) = \(format(e / (e - 1), 2)) (+0.5: crash mid-period)")],
            ["suspicion timeout", .string("\(harness.config.suspicionPeriods) periods"),
             "4 x ceil(log10 n), as memberlist"],
            ["first confirm to all know", .string(stats(spread)),
             .string("O(log n): ln n = \(format(log(n))), log2 n = \(format(log2(n)))")],
            ["probe msgs/member/period", .string(format(Double(probeMessages) / memberPeriods, 2)),
             "constant in n: ping+ack (+4k if no ack)"],
            ["push-pull msgs/member/period", .string(format(Double(messages["push-pull"] ?? 0) / memberPeriods, 2)),
             .string("2 per \(harness.config.pushPullPeriods) periods")],
        ]
        timeline.table("Measured against the SWIM paper (Das, Gupta, Motivala 2002, section 5); n = \(Int(n))",
                       columns: ["measure", "measured", "paper / design"], rows: rows)
    }

    func summary(on timeline: Timeline) {
        let sim = harness.sim
        let t = harness.tracker
        func period(_ p: Int?) -> JSONValue { p.map { JSONValue($0) } ?? .null }
        var rows: [(String, JSONValue)] = [
            ("members", JSONValue(harness.config.members)),
            ("live at the end", JSONValue(sim.nodes.filter { $0 != nil }.count)),
            ("periods run", JSONValue(harness.periodsRun)),
            ("period ms", JSONValue(harness.config.period.milliseconds)),
            ("last fault period", JSONValue(harness.scenario.faultsEndPeriod)),
            ("last write period", JSONValue(harness.scenario.writesEndPeriod)),
            ("crashes known at period", period(harness.crashesKnownAt)),
            ("membership settled at period", period(harness.membershipAgreedAt)),
            ("store agreed at period", period(harness.storeAgreedAt)),
            ("horizon periods", JSONValue(harness.horizon)),
            ("failed probes of live members", JSONValue(t.falseSuspicions)),
            ("refutations", JSONValue(t.refutations)),
            ("live members held dead (by incarnation)", JSONValue(harness.checker.explainedFalseDeaths)),
        ]
        for cause in GossipInvariantChecker.causes {
            rows.append(("held dead, explained by \(cause)", JSONValue(harness.checker.explained(by: cause))))
        }
        rows += [
            ("writes", JSONValue(t.writes)),
            ("messages sent", JSONValue(sim.stats.messagesSent)),
            ("messages dropped", JSONValue(sim.stats.messagesDropped)),
            ("simulated s", JSONValue(sim.now.nanoseconds / 1_000_000_000)),
            ("events", JSONValue(sim.stats.events)),
        ]
        timeline.summary(rows)
    }

    private func stats(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "-" }
        return "mean \(format(values.reduce(0, +) / Double(values.count))) (\(format(low))-\(format(high)))"
    }

    private func format(_ value: Double, _ decimals: Int = 1) -> String {
        let scale = decimals == 2 ? 100.0 : 10.0
        let scaled = Int64((value * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = String(abs(scaled % Int64(scale)))
        return "\(whole).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }
}
