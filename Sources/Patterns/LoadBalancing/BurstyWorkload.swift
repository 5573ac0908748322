import Simulation

/// An open-loop, bursty request stream: arrivals do not wait for completions (Schroeder,
/// Wierman & Harchol-Balter, "Open Versus Closed: A Cautionary Tale", NSDI 2006), and the rate
/// switches between a base rate and a burst rate (a two-state Markov-modulated process).
/// Job sizes are heavy-tailed: most requests are short, a few are ten times longer.
///
/// Simplifications:
/// - Gaps are uniform on `0...2/rate` (mean `1/rate`) rather than exponential, and period
///   lengths uniform on half to one-and-a-half times their mean: integer arithmetic only.
/// - The same stream is replayed against every policy, so they are compared on equal terms.
public struct BurstyWorkload: Sendable {
    public struct Arrival: Sendable {
        public var at: SimTime
        public var key: UInt64
        public var work: UInt64
    }

    public struct Settings: Sendable {
        public var duration: SimDuration
        public var baseRate: UInt64
        public var burstRate: UInt64
        public var meanCalm: SimDuration
        public var meanBurst: SimDuration
        public var keys: UInt64
        /// Odds (per mille) that a request is a long one (ten times the work).
        public var longPerMille: UInt32

        public init(duration: SimDuration = .seconds(3), baseRate: UInt64 = 1500, burstRate: UInt64 = 3500,
                    meanCalm: SimDuration = .milliseconds(400), meanBurst: SimDuration = .milliseconds(150),
                    keys: UInt64 = 5000, longPerMille: UInt32 = 50) {
            self.duration = duration
            self.baseRate = baseRate
            self.burstRate = burstRate
            self.meanCalm = meanCalm
            self.meanBurst = meanBurst
            self.keys = keys
            self.longPerMille = longPerMille
        }
    }

    public private(set) var arrivals: [Arrival] = []
    /// The burst periods, as (start, end).
    public private(set) var bursts: [(SimTime, SimTime)] = []

    public init(_ settings: Settings, rng: inout SeededRNG) {
        let end = SimTime.zero + settings.duration
        var now = SimTime.zero
        var inBurst = false
        var periodEnd = now + SimDuration.random(in: settings.meanCalm / 2, settings.meanCalm * 3 / 2, using: &rng)
        while now < end {
            let rate = inBurst ? settings.burstRate : settings.baseRate
            now = now + SimDuration.random(in: .zero, .seconds(2) / rate, using: &rng)
            while now >= periodEnd {
                let mean = inBurst ? settings.meanCalm : settings.meanBurst
                inBurst.toggle()
                let next = periodEnd + SimDuration.random(in: mean / 2, mean * 3 / 2, using: &rng)
                if inBurst { bursts.append((periodEnd, min(next, end))) }
                periodEnd = next
            }
            guard now < end else { break }
            let base = rng.uniform(500...1500)
            let work = rng.chance(perMille: settings.longPerMille) ? base * 10 : base
            arrivals.append(Arrival(at: now, key: rng.below(settings.keys), work: work))
        }
    }

    /// Mean work per request, in units.
    public var meanWork: UInt64 {
        arrivals.isEmpty ? 0 : arrivals.reduce(0) { $0 + $1.work } / UInt64(arrivals.count)
    }
}
