/// The failure-detection demo's tables: φ over time around a crash (a sparkline per profile
/// and sampled rows), then per profile and detector the QoS metrics of Chen, Toueg & Aguilera
/// (IEEE TC 2002): mistake rate (false suspicions per hour), query accuracy P_A and
/// detection time T_D.
///
/// Simplifications:
/// - The sparkline shows φ of the normal-distribution detectors (the same for every
///   threshold); the thresholds only decide where suspicion starts.
import Simulation

struct DetectorReport {
    let runs: [DetectorRun]
    let options: FailureDetectionDemo.Options

    /// Sparkline levels: below 0.5, 1, 2, 3, 5, 8, 12, and 12 or more.
    static let levels: [(below: Double, glyph: Character)] = [
        (0.5, "▁"), (1, "▂"), (2, "▃"), (3, "▄"), (5, "▅"), (8, "▆"), (12, "▇"), (.infinity, "█"),
    ]

    func print(on timeline: Timeline) {
        timeline.table("phi of n1 every 250ms, from 16s before to 4s after its crash (|)",
            columns: ["network", "phi over time"], rows: runs.map { [.string($0.profile.name), .string(sparkline($0))] })
        timeline.note("  levels: ▁ <0.5  ▂ <1  ▃ <2  ▄ <3  ▅ <5  ▆ <8  ▇ <12  █ >=12")
        timeline.table("What each network taught the window (n1, at its crash): when phi crosses each threshold",
            columns: ["network", "intervals", "mean", "std dev"] + phiDetectors.map { "\(options.detectors[$0])" },
            rows: runs.map(windowRow))
        if let run = runs.first(where: { $0.profile.name == "jittery" }) ?? runs.first {
            sampledRows(run, on: timeline)
        }
        qualityTable(on: timeline)
    }

    private var phiDetectors: [Int] {
        options.detectors.indices.filter { if case .phi = options.detectors[$0] { true } else { false } }
    }

    private func windowRow(_ run: DetectorRun) -> [JSONValue] {
        let window = run.monitor.windows[1]
        let crossings = phiDetectors.map { index -> JSONValue in
            .string(options.detectors[index].timeToSuspicion(window).map { "\($0.milliseconds)ms" } ?? "never")
        }
        return [.string(run.profile.name), JSONValue(window.count),
                .string(FailureDetectionDemo.format(window.meanMillis, decimals: 1) + "ms"),
                .string(FailureDetectionDemo.format(window.standardDeviationMillis, decimals: 1) + "ms")] + crossings
    }

    private func sparkline(_ run: DetectorRun) -> String {
        let crash = run.crashes[1] ?? .zero
        let phiIndex = options.detectors.firstIndex { if case .phi(let d) = $0 { d.distribution == .normal } else { false } }
        var line = ""
        for sample in run.samples {
            if sample.time > crash && !line.contains("|") { line.append("|") }
            let phi = phiIndex.flatMap { sample.phi[$0] } ?? 0
            line.append(DetectorReport.levels.first { phi < $0.below }?.glyph ?? "█")
        }
        return line
    }

    private func sampledRows(_ run: DetectorRun, on timeline: Timeline) {
        let crash = run.crashes[1] ?? .zero
        let names = options.detectors.map(DetectorReport.shortName)
        let rows: [[JSONValue]] = run.samples.suffix(36).enumerated().compactMap { offset, sample in
            guard offset % 3 == 0 else { return nil }
            let relative = sample.time < crash ? "-" + (crash - sample.time).description : "+" + (sample.time - crash).description
            let phi = sample.phi.compactMap { $0 }.first.map { FailureDetectionDemo.format($0, decimals: 2) } ?? "-"
            let suspecting = zip(names, sample.suspecting).filter(\.1).map(\.0).joined(separator: " ")
            return [.string(relative), .string(sample.sinceLast.description), .string(phi),
                    .string(suspecting.isEmpty ? "-" : suspecting)]
        }
        timeline.table("\(run.profile.name): n1 around its crash (phi of the normal detectors)",
                       columns: ["vs crash", "since beat", "phi", "suspected by"], rows: rows)
    }

    private func qualityTable(on timeline: Timeline) {
        var rows: [[JSONValue]] = []
        for run in runs {
            let hours = Double(run.aliveTime.nanoseconds) / 3.6e12
            for (index, detector) in options.detectors.enumerated() {
                let tally = run.tallies[index]
                let accuracy = 100 * (1 - Double(tally.wrongTime.nanoseconds) / Double(run.aliveTime.nanoseconds))
                let detections = tally.detections.map(\.milliseconds)
                let mean = detections.isEmpty ? 0 : detections.reduce(0, +) / UInt64(detections.count)
                rows.append([
                    .string(index == 0 ? run.profile.name : ""), .string(detector.description),
                    .string(FailureDetectionDemo.format(Double(tally.falseSuspicions) / hours, decimals: 1)),
                    .string(FailureDetectionDemo.format(accuracy, decimals: 3) + "%"),
                    .string("\(mean)ms"), .string("\(detections.max() ?? 0)ms"),
                ])
            }
        }
        let hours = FailureDetectionDemo.format(Double(options.minutes * options.senders) / 60, decimals: 1)
        timeline.table("Detectors compared on the same heartbeats (\(hours) sender-hours per network; "
            + "T_D over \(options.senders) crashes)",
            columns: ["network", "detector", "false/h", "P_A trusted", "T_D mean", "T_D max"], rows: rows)
        timeline.note("Reading it: phi adapts its deadline to the jitter it has seen (mean + y*std dev), "
            + "but a lost heartbeat (a gap of two intervals) or a stalled sender lies far out in the tail "
            + "of a normal fit, so every threshold suspects it; an acceptable pause (Akka: 3 s) absorbs "
            + "both for a slower T_D. Cassandra's exponential phi 8 waits 8*ln(10) = 18.4 mean intervals.")
    }

    func summary(violation: InvariantViolation?, on timeline: Timeline) {
        var rows: [(String, JSONValue)] = []
        for run in runs where run.tallies.allSatisfy({ $0.detections.count == options.senders }) {
            rows += bestDetectors(run)
        }
        rows += [
            ("invariants", .string(violation.map { "BROKEN: \($0.invariant)" }
                ?? "held: phi-threshold, phi-accrues, strong-completeness")),
            ("networks", JSONValue(runs.count)),
            ("simulated s", JSONValue(runs.map { $0.sim.now.nanoseconds }.reduce(0, +) / 1_000_000_000)),
            ("events", JSONValue(runs.map(\.sim.stats.events).reduce(0, +))),
            ("settle ms", JSONValue(options.settle.milliseconds)),
        ]
        timeline.summary(rows)
    }

    /// The fastest detector that made no mistake, and the fastest timeout that made none, with
    /// their mean detection times.
    private func bestDetectors(_ run: DetectorRun) -> [(String, JSONValue)] {
        func meanDetection(_ index: Int) -> UInt64 {
            let d = run.tallies[index].detections.map(\.milliseconds)
            return d.isEmpty ? .max : d.reduce(0, +) / UInt64(d.count)
        }
        let clean = options.detectors.indices.filter { run.tallies[$0].falseSuspicions == 0 }
        let best = clean.min { meanDetection($0) < meanDetection($1) }
        let bestTimeout = clean.filter { if case .timeout = options.detectors[$0] { true } else { false } }
            .min { meanDetection($0) < meanDetection($1) }
        let name = run.profile.name
        return [
            ("\(name) fastest clean", .string(best.map { options.detectors[$0].description } ?? "none")),
            ("\(name) fastest clean T_D ms", best.map { JSONValue(meanDetection($0)) } ?? .null),
            ("\(name) best timeout", .string(bestTimeout.map { options.detectors[$0].description } ?? "none")),
            ("\(name) best timeout T_D ms", bestTimeout.map { JSONValue(meanDetection($0)) } ?? .null),
        ]
    }

    static func shortName(_ detector: DetectorKind) -> String {
        switch detector {
        case .phi(let d):
            (d.distribution == .normal ? "φ" : "φe") + FailureDetectionDemo.format(d.threshold, decimals: 0)
                + (d.acceptablePauseMillis > 0 ? "+" : "")
        case .timeout(let d):
            "t\(d.timeout.milliseconds)"
        }
    }
}
