/// Reproduces Figure 16 of Ongaro & Ousterhout 2014 (§9.3), with the setup as Ongaro's thesis
/// describes it (chapter 9, "real-world implementation on a LAN"): how long a five-server
/// cluster is without a leader after the leader crashes, for several election-timeout ranges.
///
/// The setup, and where each part comes from:
/// - Hardware: gigabit Ethernet, TCP, one SSD per server, and a "broadcast time (network
///   round trip plus disk write) of roughly 15 ms". A round trip over gigabit Ethernet and TCP
///   takes well under a millisecond, so nearly all of the 15 ms is the durable write. Here: a
///   one-way wire delay of 0.4–0.6 ms (a round trip of about 1 ms) and a 14 ms write. These
///   follow from the thesis's numbers alone; nothing was tuned to the results.
/// - A voter writes its vote before answering; a candidate sends its requests while its own
///   term and vote are being written, and counts its vote once they are durable (the overlap
///   the thesis assumes when it totals election time). See `RaftNode.startElection`.
/// - "It synchronized the old leader's heartbeat RPCs before causing the old leader to exit":
///   the old leader's last heartbeat leaves at time zero, and each survivor's election timer
///   starts when that heartbeat reaches it. The leader crashes uniformly at random within its
///   heartbeat interval, half the minimum election timeout, after that broadcast.
/// - "The servers in each trial had different log lengths, so two of the four servers were not
///   eligible to become leader": the survivors boot from constructed disks, all in the old
///   leader's term; servers 1 and 2 hold its two entries, servers 3 and 4 only the first.
/// - "The time from when the old leader crashed until the other servers received the new
///   leader's first heartbeat": a trial ends when the three survivors other than the new
///   leader have each received an AppendEntries of its term. LogCabin had no PreVote or check
///   quorum, so both are off.
///
/// Simplifications:
/// - Each survivor boots, from its disk, the moment the old leader's last heartbeat reaches
///   it, which is how its election timer comes to start there; the old leader is down from the
///   start, which nobody can notice before it crashes (no survivor times out that early).
/// - The new leader's first AppendEntries carries its no-op entry and leaves while that entry is
///   being written (the leader writes in parallel, thesis §10.2.1), once the leader's term is
///   durable; LogCabin's leader writes in parallel today, whether it did in 2014 is not stated.
/// - The thesis ran 100 trials for 150–150 ms and 1,000 for the others; every range gets the
///   same number here. A trial with no heartbeat of a new leader within 10 s is "> 10 s".

import Simulation

public enum RaftElectionExperiment {
    public struct Setting: Sendable {
        public var minimum: UInt64
        public var maximum: UInt64
        /// What the paper reports for this range, if it names a figure.
        public var paper: String
    }

    /// The ranges of the paper's Figure 16, top (randomness) and bottom (scale).
    public static let settings: [Setting] = [
        Setting(minimum: 150, maximum: 150, paper: "> 10 s (split votes)"),
        Setting(minimum: 150, maximum: 151, paper: ""),
        Setting(minimum: 150, maximum: 155, paper: "median 287 ms"),
        Setting(minimum: 150, maximum: 175, paper: ""),
        Setting(minimum: 150, maximum: 200, paper: "worst 513 ms"),
        Setting(minimum: 150, maximum: 300, paper: ""),
        Setting(minimum: 12, maximum: 24, paper: "mean 35 ms, worst 152 ms"),
        Setting(minimum: 25, maximum: 50, paper: ""),
        Setting(minimum: 50, maximum: 100, paper: ""),
        Setting(minimum: 100, maximum: 200, paper: ""),
    ]

    /// Gigabit Ethernet and TCP: about 0.5 ms one way, with a little jitter.
    public static let network = NetworkConditions(delayMin: .microseconds(400), delayMax: .microseconds(600))
    /// An SSD's durable write: the rest of the thesis's 15 ms broadcast time.
    public static let storage = StorageConditions(writeLatency: .milliseconds(14))
    public static let cutoff = SimDuration.seconds(10)
    static let oldLeader: NodeID = 0
    static let oldTerm: Term = 1

    /// What one trial measured.
    public struct Trial: Sendable {
        /// From the crash until the others heard a new leader, in nanoseconds; nil past the cutoff.
        public var downtime: UInt64?
        /// Election terms started (one when the first election wins).
        public var terms: Int
        /// Servers that became leader (more than one: a new leader was deposed before all heard it).
        public var leaders: Int
    }

    /// Every trial of one range. A trial that breaks a Raft invariant stops the experiment with
    /// it, naming the range and the trial (its own seed is derived from the experiment's).
    public static func measure(_ setting: Setting, trials: Int, seed: UInt64) throws(InvariantViolation) -> [Trial] {
        var results: [Trial] = []
        for number in 0..<trials {
            let trialSeed = seed &* 1_000_003 &+ setting.minimum &* 1_009 &+ setting.maximum &+ UInt64(number) << 20
            do {
                results.append(try trial(setting, seed: trialSeed))
            } catch {
                var violation = error
                violation.detail = "\(setting.minimum)–\(setting.maximum) ms, trial \(number + 1): \(violation.detail)"
                throw violation
            }
        }
        return results
    }

    static func config(_ setting: Setting) -> RaftConfig {
        let minimum = SimDuration.milliseconds(setting.minimum)
        return RaftConfig(heartbeat: minimum / 2, electionTimeoutMin: minimum,
                          electionTimeoutMax: .milliseconds(setting.maximum), preVote: false, checkQuorum: false,
                          snapshotThreshold: 0)
    }

    /// What the survivors find on their disks when the old leader crashes: its term, a vote
    /// for it, and its log, whole on servers 1 and 2 and without its last entry on 3 and 4.
    static func disks() -> [RaftDurable?] {
        var short = RaftLog()
        short.append(LogEntry(term: oldTerm, payload: .noop))
        var long = short
        long.append(LogEntry(term: oldTerm, payload: .client(ClientRequest(client: 0, sequence: 1,
                                                                           operation: .write(key: 0, value: 1)))))
        func disk(_ log: RaftLog) -> RaftDurable {
            RaftDurable(currentTerm: oldTerm, votedFor: oldLeader, log: log, snapshot: nil)
        }
        return [nil, disk(long), disk(long), disk(short), disk(short)]
    }

    /// One trial: from the old leader's crash until the other survivors hear from a new one.
    static func trial(_ setting: Setting, seed: UInt64) throws(InvariantViolation) -> Trial {
        let config = config(setting)
        var rng = SeededRNG(seed: seed).stream(7)
        // Everyone is down at time zero, when the old leader's last heartbeat leaves; each
        // survivor comes up as it arrives. The old leader stays down.
        var plan = (0..<5).map { ScheduledFault(at: .zero, .crash($0)) }
        for survivor in 1..<5 {
            let arrival = SimDuration.random(in: network.delayMin, network.delayMax, using: &rng)
            plan.append(ScheduledFault(at: .zero + arrival, .restart(survivor)))
        }
        let crashedAt = SimTime.zero + SimDuration.random(in: .zero, config.heartbeat, using: &rng)
        let cluster = RaftCluster(seed: seed, nodeCount: 5, config: config, network: network, storage: storage,
                                  faults: FaultPlan(plan), disks: disks())
        // Per term above the old one: the survivors that got an AppendEntries of that term.
        var reached: [Term: Set<NodeID>] = [:]
        var heardAt: SimTime?
        var highestTerm = oldTerm
        var leaders = 0
        cluster.run(until: crashedAt + cutoff) { occurrence in
            for (_, output) in cluster.sim.outputs {
                switch output {
                case .electionStarted(let term): highestTerm = max(highestTerm, term)
                case .becameLeader: leaders += 1
                default: break
                }
            }
            // Only a leader sends AppendEntries, and only to the others (the old leader's copy is
            // dropped, not delivered): three receivers make the trial's end.
            if case .delivered(_, let to, .appendEntries(let m)) = occurrence, m.term > oldTerm {
                reached[m.term, default: []].insert(to)
                if reached[m.term]!.count == 3 { heardAt = cluster.now }
            }
            return heardAt == nil
        }
        if let violation = cluster.violation { throw violation }
        return Trial(downtime: heardAt.map { ($0 - crashedAt).nanoseconds }, terms: Int(highestTerm - oldTerm),
                     leaders: leaders)
    }
}

