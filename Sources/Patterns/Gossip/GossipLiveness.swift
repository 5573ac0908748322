/// SWIM's liveness as the demo judges it once faults stop (Das, Gupta & Motivala 2002, §5:
/// completeness and dissemination), in a form a correct protocol reaches even on a network
/// that keeps losing messages, where false suspicions, and now and then a false death, never
/// stop for good and an exact snapshot of agreement may never hold:
///
/// - crashed members known: every live member holds every member that is down dead (stable
///   once reached: nothing revives a member that is down);
/// - false deaths repaired: whenever a live member holds a live member dead, it holds it
///   alive again within the horizon (the dead member hears of it and refutes);
/// - the store (`GossipHarness`) is the same on every live member.
///
/// The horizon, in protocol periods, follows from the run's own settings: round-robin probing
/// reaches every member within 2n − 1 periods (§4.3), a suspicion lasts `suspicionPeriods`,
/// and push-pull with a random peer every `pushPullPeriods` spreads a record to everyone in
/// about log2 n exchanges (Demers et al. 1987), allowed 8 times over for lost messages.
///
/// Simplifications:
/// - Judged at period boundaries, by scanning every live view (n² per period).
struct GossipLiveness {
    let members: Int
    let horizon: Int
    /// Per observer·n + member: the period since which a live observer holds a live member
    /// dead; -1 when it does not.
    private var falseDeathSince: [Int32]

    /// What one scan found.
    struct Scan {
        /// A live member that does not hold a crashed one dead (observer, member), if any.
        var unknownCrash: (observer: Int, member: Int)?
        var openFalseDeaths = 0
        /// The longest-standing false death (observer, member, since period), if any.
        var oldest: (observer: Int, member: Int, since: Int)?
        var settled: Bool { unknownCrash == nil && openFalseDeaths == 0 }
    }

    init(config: SwimConfig) {
        members = config.members
        horizon = GossipLiveness.horizon(config)
        falseDeathSince = Array(repeating: -1, count: config.members * config.members)
    }

    static func horizon(_ config: SwimConfig) -> Int {
        var log2n = 0
        while (1 << log2n) < config.members { log2n += 1 }
        return 2 * config.members + config.suspicionPeriods + 8 * config.pushPullPeriods * max(log2n, 1) + 20
    }

    /// Looks at every live view at the end of period `p`.
    mutating func scan(_ nodes: [SwimNode?], period p: Int) -> Scan {
        var scan = Scan()
        for observer in nodes.indices {
            guard let view = nodes[observer]?.view else {
                for member in 0..<members { falseDeathSince[observer * members + member] = -1 }
                continue
            }
            for member in 0..<members where member != observer {
                let index = observer * members + member
                let dead = view.status[member] == .dead
                if nodes[member] == nil {
                    falseDeathSince[index] = -1
                    if !dead && scan.unknownCrash == nil { scan.unknownCrash = (observer, member) }
                } else if dead {
                    if falseDeathSince[index] < 0 { falseDeathSince[index] = Int32(p) }
                    let since = Int(falseDeathSince[index])
                    scan.openFalseDeaths += 1
                    if scan.oldest.map({ since < $0.since }) ?? true { scan.oldest = (observer, member, since) }
                } else {
                    falseDeathSince[index] = -1
                }
            }
        }
        return scan
    }
}
