import Simulation

/// What a trace shows of a Raft server as its state track: its role (follower, pre-candidate,
/// candidate, leader), its term and its commit index (Ongaro & Ousterhout 2014, Figure 2).
extension RaftNode: TraceableNode {
    public var traceState: [(String, JSONValue)] {
        [("role", .string(role.rawValue)), ("term", JSONValue(currentTerm)), ("commit", JSONValue(commitIndex))]
    }
}
