/// The monitoring side of heartbeat failure detection: one `ArrivalWindow` per monitored node,
/// evaluated by several detectors at once (φ at several thresholds, fixed timeouts) so that
/// they are compared on exactly the same arrivals (Hayashibara et al. 2004, §4 compares φ with
/// Chen's and Bertier's detectors the same way, on one recorded trace).
///
/// A heartbeat updates the window and computes, for each detector, the instant at which it
/// will start suspecting if nothing else arrives; the monitor sets one timer per node for the
/// earliest of them, and a later heartbeat moves it.
///
/// Simplifications:
/// - Heartbeats carry no timestamps; arrival time is what counts, as in Akka.
/// - Monitoring is one-way (senders to node 0); no detector state is persisted.
import Simulation

/// A detector changed its mind about a node.
public struct DetectorEvent: Equatable, Sendable {
    public enum Kind: String, Sendable { case suspect, trust }
    public var kind: Kind
    public var sender: NodeID
    public var detector: Int
    /// Time since the last heartbeat (suspect) or since suspicion began (trust).
    public var elapsed: SimDuration
    /// φ when the event happened, for φ detectors.
    public var phi: Double?
}

public struct HeartbeatMonitor: Sendable {
    public let detectors: [DetectorKind]
    public private(set) var windows: [ArrivalWindow]
    /// When each detector started suspecting each node (index [node][detector]).
    public private(set) var suspectedSince: [[SimTime?]]
    /// Each detector's silence allowance for each node, from the window at the last heartbeat.
    private var deadlines: [[SimDuration?]]

    public init(nodeCount: Int, detectors: [DetectorKind], windowCapacity: Int, firstEstimate: SimDuration) {
        self.detectors = detectors
        windows = Array(repeating: ArrivalWindow(capacity: windowCapacity, firstEstimate: firstEstimate), count: nodeCount)
        suspectedSince = Array(repeating: Array(repeating: nil, count: detectors.count), count: nodeCount)
        deadlines = Array(repeating: Array(repeating: nil, count: detectors.count), count: nodeCount)
    }

    /// A heartbeat from `sender` arrived. Returns the events and when the monitor should next
    /// look at `sender` (nil: no detector will ever suspect it).
    public mutating func heartbeat(from sender: NodeID, at now: SimTime) -> (events: [DetectorEvent], next: SimDuration?) {
        windows[sender].record(now)
        var events: [DetectorEvent] = []
        for index in detectors.indices {
            if let since = suspectedSince[sender][index] {
                suspectedSince[sender][index] = nil
                events.append(DetectorEvent(kind: .trust, sender: sender, detector: index, elapsed: now - since, phi: nil))
            }
        }
        deadlines[sender] = detectors.map { $0.timeToSuspicion(windows[sender]) }
        return (events, nextDeadline(sender).map { $0 - now })
    }

    /// The monitor looks at `sender` again: every detector whose deadline has passed with no
    /// newer heartbeat suspects it now. Returns the events and the next deadline, if any.
    public mutating func deadline(sender: NodeID, at now: SimTime) -> (events: [DetectorEvent], next: SimDuration?) {
        guard let last = windows[sender].lastArrival else { return ([], nil) }
        var events: [DetectorEvent] = []
        for index in detectors.indices where suspectedSince[sender][index] == nil {
            guard let after = deadlines[sender][index], last + after <= now else { continue }
            suspectedSince[sender][index] = now
            events.append(DetectorEvent(kind: .suspect, sender: sender, detector: index, elapsed: now - last,
                                        phi: phi(detector: index, sender: sender, at: now)))
        }
        return (events, nextDeadline(sender).map { $0 - now })
    }

    /// The earliest deadline of a detector that does not suspect `sender` yet.
    private func nextDeadline(_ sender: NodeID) -> SimTime? {
        guard let last = windows[sender].lastArrival else { return nil }
        return detectors.indices.compactMap { index -> SimTime? in
            guard suspectedSince[sender][index] == nil, let after = deadlines[sender][index] else { return nil }
            return last + after
        }.min()
    }

    /// φ of a φ detector for `sender` at `time`; nil for a timeout detector.
    public func phi(detector index: Int, sender: NodeID, at time: SimTime) -> Double? {
        guard case .phi(let detector) = detectors[index] else { return nil }
        return detector.phi(at: time, window: windows[sender])
    }

    public func isSuspected(_ sender: NodeID, by index: Int) -> Bool {
        suspectedSince[sender][index] != nil
    }
}
