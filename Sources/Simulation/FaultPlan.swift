/// A fault and the virtual time at which it strikes.
public struct ScheduledFault: Equatable, Sendable {
    public var at: SimTime
    public var fault: Fault
    public init(at: SimTime, _ fault: Fault) {
        self.at = at
        self.fault = fault
    }
}

/// The faults a run suffers, as data: written out by hand for a reproducible story, or drawn
/// from the seed for checking. Either way the demo prints it before it starts, so a run can
/// be replayed from its own output.
public struct FaultPlan: Equatable, Sendable {
    public var faults: [ScheduledFault]

    public init(_ faults: [ScheduledFault] = []) {
        self.faults = faults.sorted { $0.at < $1.at }
    }

    public static let none = FaultPlan()

    /// Which kinds of fault a random plan may draw.
    public struct Kinds: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let crash = Kinds(rawValue: 1)
        public static let partition = Kinds(rawValue: 2)
        /// Periods of heavy loss, duplication and delay.
        public static let drop = Kinds(rawValue: 4)
        public static let all: Kinds = [.crash, .partition, .drop]

        /// Parses the `--faults` vocabulary: none, crash, partition, drop, all.
        public init?(name: String) {
            switch name {
            case "none": self = []
            case "crash": self = .crash
            case "partition": self = .partition
            case "drop": self = .drop
            case "all": self = .all
            default: return nil
            }
        }
        public static let names = ["none", "crash", "partition", "drop", "all"]
    }

    /// Draws a plan: a fault roughly every `meanGap`, each lasting up to `maxOutage`, between
    /// `start` and `end`. Every fault is undone by `end` (crashed nodes restarted, partitions
    /// healed, the network restored to `baseline`), so that liveness can be judged afterwards.
    /// At most `maxDown` nodes are down at once (a minority, for a demo that should stay live).
    public static func random(
        kinds: Kinds, nodeCount: Int, start: SimTime, end: SimTime,
        meanGap: SimDuration, maxOutage: SimDuration, maxDown: Int,
        baseline: NetworkConditions, rng: inout SeededRNG
    ) -> FaultPlan {
        var plan: [ScheduledFault] = []
        guard !kinds.isEmpty, nodeCount > 0 else { return FaultPlan() }
        let choices = [Kinds.crash, .partition, .drop].filter { kinds.contains($0) }
        var downUntil = Array(repeating: SimTime.zero, count: nodeCount)
        var partitionedUntil = SimTime.zero
        var lossyUntil = SimTime.zero
        var now = start + SimDuration.random(in: .zero, meanGap, using: &rng)
        while now < end {
            let length = SimDuration.random(in: maxOutage / 4, maxOutage, using: &rng)
            let until = min(now + length, end)
            switch choices[Int(rng.below(UInt64(choices.count)))] {
            case .crash:
                let down = downUntil.filter { $0 > now }.count
                let candidates = (0..<nodeCount).filter { downUntil[$0] <= now }
                if down < maxDown, let node = rng.pick(candidates) {
                    plan.append(ScheduledFault(at: now, .crash(node)))
                    plan.append(ScheduledFault(at: until, .restart(node)))
                    downUntil[node] = until
                }
            case .partition where partitionedUntil <= now && nodeCount > 1:
                plan.append(ScheduledFault(at: now, .partition(randomPartition(nodeCount: nodeCount, rng: &rng))))
                plan.append(ScheduledFault(at: until, .heal))
                partitionedUntil = until
            case .drop where lossyUntil <= now:
                var lossy = baseline
                lossy.dropPerMille = min(1000, max(baseline.dropPerMille, 200 + UInt32(rng.below(400))))
                lossy.duplicatePerMille = max(baseline.duplicatePerMille, 50)
                lossy.delayMax = lossy.delayMax + SimDuration.random(in: .zero, lossy.delayMax * 4, using: &rng)
                plan.append(ScheduledFault(at: now, .network(lossy)))
                plan.append(ScheduledFault(at: until, .network(baseline)))
                lossyUntil = until
            default:
                break
            }
            now = now + SimDuration.random(in: meanGap / 2, meanGap * 3 / 2, using: &rng)
        }
        return FaultPlan(plan)
    }

    /// A split into two random sides, a single isolated node, or a bridge, with equal odds.
    static func randomPartition(nodeCount: Int, rng: inout SeededRNG) -> Partition {
        let nodes = Array(0..<nodeCount)
        switch rng.below(3) {
        case 0:
            return .isolate(Int(rng.below(UInt64(nodeCount))), nodeCount: nodeCount)
        case 1 where nodeCount >= 3:
            var rest = nodes
            let bridge = rest.remove(at: Int(rng.below(UInt64(rest.count))))
            rest.shuffle(using: &rng)
            let cut = rest.count / 2
            return .bridge(bridge, between: Array(rest[..<cut]), and: Array(rest[cut...]), nodeCount: nodeCount)
        default:
            var shuffled = nodes
            shuffled.shuffle(using: &rng)
            let cut = 1 + Int(rng.below(UInt64(max(nodeCount - 1, 1))))
            return .split(Array(shuffled[..<cut]), Array(shuffled[cut...]), nodeCount: nodeCount)
        }
    }
}

