import Simulation

/// What a trace shows of a caller with a breaker: the breaker's state (closed, open,
/// half-open, as resilience4j names them); nodes without a breaker show nothing.
extension BreakerNode: TraceableNode {
    public var traceState: [(String, JSONValue)] {
        breaker.map { [("breaker", .string($0.state.rawValue))] } ?? []
    }
}
