/// One jitter profile's run: senders heartbeat to the monitor for the measured hours, then
/// crash one by one; every detector's mistakes while they were alive and its detection time
/// after each crash are tallied with the QoS metrics of Chen, Toueg & Aguilera ("On the
/// quality of service of failure detectors", IEEE TC 2002): detection time T_D, mistake rate
/// λ_M (false suspicions per hour) and query accuracy P_A (share of alive time trusted).
///
/// Simplifications:
/// - φ is sampled for the sparkline every 250 ms around the first crash only.
import Simulation

final class DetectorRun {
    struct Tally {
        var falseSuspicions = 0
        var wrongTime = SimDuration.zero
        var detections: [SimDuration] = []
    }

    let profile: JitterProfile
    let sim: Simulator<HeartbeatNode, Never>
    let crashes: [NodeID: SimTime]
    let aliveTime: SimDuration
    private(set) var tallies: [Tally]
    private(set) var samples: [(time: SimTime, sinceLast: SimDuration, phi: [Double?], suspecting: [Bool])] = []
    private var openSince: [[SimTime?]]
    private var printedFalse = 0
    /// A sender that stalls mid-run (a GC pause), and when.
    private(set) var stall: (sender: NodeID, from: SimTime, until: SimTime)?
    private let timeline: Timeline
    private let checker = DetectorInvariantChecker()

    init(profile: JitterProfile, seed: UInt64, options: FailureDetectionDemo.Options, timeline: Timeline) {
        self.profile = profile
        self.timeline = timeline
        let measured = SimTime.zero + .seconds(UInt64(options.minutes) * 60)
        var rng = SeededRNG(seed: seed).stream(11)
        var plan: [ScheduledFault] = []
        var crashes: [NodeID: SimTime] = [:]
        for sender in 1...options.senders {
            let at = measured + .seconds(UInt64(sender - 1) * 10) + SimDuration.random(in: .zero, .seconds(1), using: &rng)
            plan.append(ScheduledFault(at: at, .crash(sender)))
            crashes[sender] = at
        }
        self.crashes = crashes
        aliveTime = plan.map { $0.at - .zero }.reduce(.zero, +)
        let config = HeartbeatConfig(interval: options.interval, detectors: options.detectors, windowCapacity: options.window)
        sim = Simulator(seed: seed, nodeCount: options.senders + 1, network: profile.network, faults: FaultPlan(plan),
                        disks: Array(repeating: config, count: options.senders + 1))
        if options.stall > .zero && options.senders >= 2 {
            let at = SimDuration.seconds(UInt64(options.minutes) * 30) + SimDuration.random(in: .zero, .seconds(1), using: &rng)
            stall = (2, SimTime.zero + at, SimTime.zero + at + options.stall)
            sim.submit(.stall(options.stall), to: 2, after: at)
        }
        tallies = Array(repeating: Tally(), count: options.detectors.count)
        openSince = Array(repeating: Array(repeating: nil, count: options.detectors.count), count: options.senders + 1)
    }

    var monitor: HeartbeatMonitor { sim.nodes[0]!.monitor! }

    /// Runs the profile to the end; returns a broken invariant.
    func run(sampleAround: SimTime, settle: SimDuration) -> DetectorBreach? {
        var breach: DetectorBreach?
        let observe: (Simulator<HeartbeatNode, Never>.Occurrence) -> Bool = { [unowned self] occurrence in
            breach = self.observe(occurrence)
            return breach == nil
        }
        let first = sampleAround + .seconds(4)
        var t = SimTime(nanoseconds: sampleAround.nanoseconds - 16_000_000_000)
        guard sim.run(until: t, observe: observe) else { return breach }
        while t < first {
            t = t + .milliseconds(250)
            guard sim.run(until: t, observe: observe) else { return breach }
            sample(sender: 1)
        }
        let end = (crashes.values.max() ?? .zero) + settle
        guard sim.run(until: end, observe: observe) else { return breach }
        return checker.checkCompleteness(monitor, crashed: crashes.keys.sorted()) ?? finish()
    }

    private func sample(sender: NodeID) {
        let m = monitor
        let since = m.windows[sender].lastArrival.map { sim.now - $0 } ?? .zero
        samples.append((sim.now, since, m.detectors.indices.map { m.phi(detector: $0, sender: sender, at: sim.now) },
                        m.detectors.indices.map { m.isSuspected(sender, by: $0) }))
    }

    private func observe(_ occurrence: Simulator<HeartbeatNode, Never>.Occurrence) -> DetectorBreach? {
        if case .faultApplied(let fault) = occurrence {
            timeline.event(sim.now, "fault", "\(fault) (\(profile.name))")
        }
        if case .commandHandled(let node, .stall(let duration)) = occurrence {
            timeline.event(sim.now, node: node, "stall", "n\(node) stalls for \(duration) (a GC pause): alive, but silent")
        }
        for (_, event) in sim.outputs {
            if let breach = checker.check(event, monitor: monitor, at: sim.now) { return breach }
            tally(event)
        }
        return nil
    }

    private func tally(_ event: DetectorEvent) {
        let crash = crashes[event.sender] ?? .zero
        let name = monitor.detectors[event.detector].description
        switch event.kind {
        case .suspect:
            openSince[event.sender][event.detector] = sim.now
            if sim.now < crash {
                tallies[event.detector].falseSuspicions += 1
                if let stall, event.sender == stall.sender, sim.now >= stall.from, sim.now <= stall.until + .seconds(1) {
                    timeline.event(sim.now, node: 0, "suspect", "FALSE: \(name) suspects stalled n\(event.sender): "
                        + "\(event.elapsed) since its last heartbeat" + phiText(event))
                } else if printedFalse < 3 {
                    printedFalse += 1
                    timeline.event(sim.now, node: 0, "suspect", "FALSE: \(name) suspects live n\(event.sender): "
                        + "\(event.elapsed) since its last heartbeat" + phiText(event))
                }
            } else if event.sender == 1 {
                timeline.event(sim.now, node: 0, "suspect", "\(name) suspects n1 \(sim.now - crash) after its crash "
                    + "(\(event.elapsed) since last heartbeat\(phiText(event)))")
            }
        case .trust:
            if let since = openSince[event.sender][event.detector], since < crash {
                tallies[event.detector].wrongTime = tallies[event.detector].wrongTime + (min(sim.now, crash) - since)
            }
            openSince[event.sender][event.detector] = nil
        }
    }

    private func phiText(_ event: DetectorEvent) -> String {
        event.phi.map { ", phi " + FailureDetectionDemo.format($0, decimals: 2) } ?? ""
    }

    /// Closes open suspicions at the end: mistakes up to each crash, detection time after it.
    private func finish() -> DetectorBreach? {
        for (sender, crash) in crashes.sorted(by: { $0.key < $1.key }) {
            for index in tallies.indices {
                guard let since = openSince[sender][index] else { continue }
                if since < crash {
                    tallies[index].wrongTime = tallies[index].wrongTime + (crash - since)
                }
                tallies[index].detections.append(max(since, crash) - crash)
            }
        }
        return nil
    }
}
