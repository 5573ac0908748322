import Simulation

/// The shape of one demo run, drawn from the seed: which replicas end up on which side of the
/// partition, who crashes, when the network turns heavy-lossy, and when it all heals. Every
/// fault is undone at `healAt`, after which the run waits for convergence until `deadline`.
///
/// Simplifications:
/// - One partition into two sides for the whole offline phase, plus random bursts of heavy
///   loss; the random partitions of `FaultPlan.random` would blur the story of "two sides
///   that edited apart".
public struct Scenario: Sendable {
    public let replicas: Int
    public let sideA: [NodeID]
    public let sideB: [NodeID]
    /// A replica that crashes during the partition and restarts from its disk (needs a
    /// replica that no scripted update uses; nil with two replicas).
    public let crashVictim: NodeID?
    public let partitionAt: SimTime
    public let crashAt: SimTime
    public let restartAt: SimTime
    public let healAt: SimTime
    /// Liveness bound: every replica must hold the same state by then.
    public let deadline: SimTime
    /// How long the run continues after convergence: it must stay converged, and what gossip
    /// costs when there is nothing new to say is measured in its second half.
    public let cooldown: SimDuration
    public let network: NetworkConditions
    public let faults: FaultPlan

    /// The replica whose scripted updates tell side A's part of the story.
    public var protagonistA: NodeID { sideA[0] }
    public var protagonistB: NodeID { sideB[0] }

    public init(replicas: Int, rng: inout SeededRNG) {
        precondition(replicas >= 2, "a partition needs two replicas")
        self.replicas = replicas
        var shuffled = Array(0..<replicas)
        shuffled.shuffle(using: &rng)
        let cut = (replicas + 1) / 2
        sideA = Array(shuffled[..<cut]).sorted()
        sideB = Array(shuffled[cut...]).sorted()
        let spare = (sideB.dropFirst() + sideA.dropFirst()).sorted()
        crashVictim = rng.pick(spare)

        partitionAt = .zero + SimDuration.random(in: .milliseconds(250), .milliseconds(350), using: &rng)
        crashAt = partitionAt + SimDuration.random(in: .milliseconds(200), .milliseconds(400), using: &rng)
        restartAt = crashAt + SimDuration.random(in: .milliseconds(150), .milliseconds(350), using: &rng)
        healAt = partitionAt + .milliseconds(1000)
        deadline = healAt + Scenario.settle(replicas: replicas)
        cooldown = .milliseconds(1000)
        network = .unreliable

        var plan: [ScheduledFault] = [
            ScheduledFault(at: partitionAt, .partition(.split(sideA, sideB, nodeCount: replicas))),
            ScheduledFault(at: healAt, .heal),
        ]
        if let crashVictim {
            plan.append(ScheduledFault(at: crashAt, .crash(crashVictim)))
            plan.append(ScheduledFault(at: restartAt, .restart(crashVictim)))
        }
        let bursts = FaultPlan.random(
            kinds: .drop, nodeCount: replicas, start: .zero, end: healAt,
            meanGap: .milliseconds(400), maxOutage: .milliseconds(250), maxDown: 0,
            baseline: network, rng: &rng)
        faults = FaultPlan(plan + bursts.faults)
    }

    /// How long after the heal the replicas get to converge. Each replica pushes to one random
    /// peer every gossip period (up to 5/4 of it); push gossip reaches everyone in about
    /// log2(n) + ln(n) rounds (Demers et al. 1987), and a lost message costs one more round.
    /// The horizon allows 40 rounds plus 10 per replica: far beyond that on a 10% lossy
    /// network, short enough to call a run that stalls.
    public static func settle(replicas: Int) -> SimDuration {
        let period = max(FullStateShipping.gossipPeriod, DeltaShipping.gossipPeriod)
        return period * 5 / 4 * UInt64(40 + 10 * replicas)
    }

    /// Which side of the partition `node` is on, for tables.
    public func side(of node: NodeID) -> String { sideA.contains(node) ? "A" : "B" }

    /// A time during the offline phase, `fraction` per mille of the way through it.
    public func offline(_ perMille: UInt64) -> SimTime {
        partitionAt + SimDuration(nanoseconds: (healAt - partitionAt).nanoseconds / 1000 * perMille)
    }
}
