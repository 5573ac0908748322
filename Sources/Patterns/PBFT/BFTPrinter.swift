import Simulation

/// Turns a PBFT run into timeline lines: the three phases of the first request in full, then
/// one line per agreed sequence number, client acceptances, Byzantine acts, suspicions,
/// view changes, new views, stable checkpoints and state transfers.
///
/// Simplifications:
/// - Per-replica phase lines are shown for sequence number 1 only; later numbers show when the
///   first correct replica executes them.

final class BFTPrinter {
    let timeline: Timeline
    let faulty: [NodeID]
    let replicas: Int
    private var announcedSeqs: [Int] = []
    private var announcedCheckpoints: [Int] = []
    private var announcedViews: [Int] = []
    private var rejectionsShown = 0
    private var firstPrePrepareShown = false

    init(timeline: Timeline, faulty: [NodeID], replicas: Int) {
        self.timeline = timeline
        self.faulty = faulty
        self.replicas = replicas
    }

    func fault(_ fault: Fault, at now: SimTime) {
        timeline.event(now, "network", fault.description)
    }

    func output(_ output: BFTOutput, node: NodeID, at now: SimTime, checker: BFTSafetyChecker) {
        let who = faulty.contains(node) ? "byz" : ""
        switch output {
        case .sent(let kind, _) where kind == "pre-prepare" && !firstPrePrepareShown:
            firstPrePrepareShown = true
            timeline.event(now, node: node, "pre-prep", "primary of view 0 numbers the first request seq 1 and "
                           + "multicasts a signed PRE-PREPARE")
        case let .prepared(seq, view, digest) where seq == 1 && view == 0:
            timeline.event(now, node: node, "prepared", "seq 1 d=\(digest): pre-prepare + 2f matching prepares")
        case let .committed(seq, view, digest) where seq == 1 && view == 0:
            timeline.event(now, node: node, "committed", "seq 1 d=\(digest): 2f+1 matching commits")
        case let .executed(seq, view, request, _) where !faulty.contains(node):
            guard !announcedSeqs.contains(seq) else { return }
            announcedSeqs.append(seq)
            timeline.event(now, node: node, "execute", "seq \(seq) = \(label(request)) d=\(request.digest) (view \(view))")
        case let .accepted(request, result, replies, latency):
            timeline.event(now, node: node, "accept", "\(label(request)) result \(Digest(result)) from f+1 = "
                           + names(replies) + " after \(latency)")
        case .retransmit(let request):
            timeline.event(now, node: node, "retry", "\(label(request)): no f+1 replies yet, multicast to all replicas")
        case .misbehaved(let what):
            timeline.event(now, node: node, "byzantine", what)
        case let .suspectsPrimary(seq, view, mine, theirs, voters):
            timeline.event(now, node: node, "suspect", "seq \(seq) view \(view): my pre-prepare says d=\(mine), "
                           + "f+1 backups \(names(voters)) prepared d=\(theirs): primary n\(view % replicas) equivocated")
        case let .viewChangeSent(newView, stableSeq, certificates, reason):
            timeline.event(now, node: node, "view-chg", "\(who.isEmpty ? "" : "(faulty) ")VIEW-CHANGE to view \(newView): "
                           + "\(reason); stable seq \(stableSeq), \(certificates) prepared certificate(s)")
        case let .newViewInstalled(view, minS, maxS, reissued, nulls, primary):
            if primary {
                timeline.event(now, node: node, "new-view", "NEW-VIEW \(view) from 2f+1 view changes: min-s \(minS), "
                               + "max-s \(maxS), \(reissued) request(s) re-issued, \(nulls) null(s)")
            } else if !announcedViews.contains(view) {
                announcedViews.append(view)
                timeline.event(now, node: node, "new-view", "accepts NEW-VIEW \(view) after recomputing O from V")
            }
        case let .checkpointStable(seq, digest) where !faulty.contains(node):
            guard !announcedCheckpoints.contains(seq) else { return }
            announcedCheckpoints.append(seq)
            timeline.event(now, node: node, "checkpt", "seq \(seq) stable (2f+1 CHECKPOINT d=\(digest)): "
                           + "log below it discarded, watermarks (\(seq), \(seq)+L]")
        case .stateTransferred(let seq):
            timeline.event(now, node: node, "state", "fell behind: fetched the state of stable checkpoint \(seq)")
        case let .rejected(from, reason) where !faulty.contains(node):
            rejectionsShown += 1
            if rejectionsShown <= 6 { timeline.event(now, node: node, "reject", "from n\(from): \(reason)") }
        default:
            break
        }
    }

    /// More than f faulty replicas made two correct replicas disagree: the expected outcome.
    func predictedBreak(_ detail: String, node: NodeID, at now: SimTime) {
        timeline.event(now, node: node, "BROKEN", "as predicted with more than f faulty: " + detail)
    }

    func label(_ request: BFTRequest) -> String { request.isNull ? "null" : "c\(request.client)#\(request.timestamp)" }
    func names(_ nodes: [NodeID]) -> String { "{" + nodes.map { "n\($0)" }.joined(separator: ",") + "}" }
}
