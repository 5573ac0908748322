/// Figures about one placement of keys on nodes: how evenly they spread, and how many moved
/// between two placements. The spread model is the standard one for random points on a
/// circle (e.g. Karger et al., STOC 1997, §4; Dynamo, SOSP 2007, §6.2): with v points per
/// node and N nodes, the arcs between the N·v points are about exponential, so a node's share
/// of the circle is a sum of v of them, ≈ Gamma(v)/(N·v), whose standard deviation over its
/// mean is 1/√v. Drawing K keys adds binomial noise, (N−1)/K to the squared ratio. Hence
/// `modelSpread = √(1/v + (N−1)/K)`.
///
/// Simplifications:
/// - Population statistics over the N nodes of one ring: with N = 10 the measured spread is
///   itself a noisy estimate (±~25%) of the model.
import Simulation

public struct LoadStatistics: Sendable {
    /// Keys per node, in ascending node order.
    public let counts: [Int]

    /// Counts how many of `owners` each node of `nodes` got.
    public init(owners: [NodeID], nodes: [NodeID]) {
        let size = (nodes.max() ?? 0) + 1
        var byNode = [Int](repeating: 0, count: size)
        for owner in owners where owner < size { byNode[owner] += 1 }
        counts = nodes.sorted().map { byNode[$0] }
    }

    public var mean: Double { counts.isEmpty ? 0 : Double(counts.reduce(0, +)) / Double(counts.count) }
    public var maxOverMean: Double { mean == 0 ? 0 : Double(counts.max() ?? 0) / mean }
    public var minOverMean: Double { mean == 0 ? 0 : Double(counts.min() ?? 0) / mean }

    /// Population standard deviation over the mean (the coefficient of variation).
    public var spread: Double {
        guard mean > 0 else { return 0 }
        let m = mean
        let variance = counts.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(counts.count)
        return variance.squareRoot() / m
    }

    /// √(1/v + (N−1)/K): the expected `spread` for v virtual nodes per node.
    public static func modelSpread(virtualNodes: Int, nodes: Int, keys: Int) -> Double {
        (1 / Double(virtualNodes) + Double(nodes - 1) / Double(keys)).squareRoot()
    }

    /// √((N−1)/K): the spread of a placement that is perfectly balanced in expectation.
    public static func samplingSpread(nodes: Int, keys: Int) -> Double {
        (Double(nodes - 1) / Double(keys)).squareRoot()
    }

    /// The indices whose owner differs between `before` and `after`.
    public static func moved(_ before: [NodeID], _ after: [NodeID]) -> [Int] {
        before.indices.filter { before[$0] != after[$0] }
    }
}
