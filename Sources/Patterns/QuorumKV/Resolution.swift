/// Reconciliation of concurrent versions: Dynamo's siblings (DeCandia et al., SOSP 2007,
/// §4.4: syntactic reconciliation by vector clock, semantic reconciliation by the client)
/// against last-writer-wins by timestamp (Cassandra; Kingsbury's Jepsen analyses, 2013,
/// show the writes it loses).
///
/// Simplifications:
/// - Timestamps are the coordinator's virtual receive time, so clocks never skew; real
///   last-writer-wins also loses writes to clock skew.
import Simulation
import VectorClocks

/// How replicas reconcile versions that arrive for the same key.
public enum Resolution: String, Sendable, CaseIterable {
    /// Keep every causally-maximal version (Dynamo).
    case siblings
    /// Keep only the version with the latest stamp (Cassandra's default): concurrent writes
    /// are lost silently.
    case lww

    /// `existing` and `incoming` reconciled: the causally-maximal versions in a canonical
    /// order (siblings), or the single latest one (lww).
    public func reconcile(_ existing: [Version], _ incoming: [Version]) -> [Version] {
        let all = existing + incoming
        switch self {
        case .lww:
            return all.max { $0.stamp < $1.stamp }.map { [$0] } ?? []
        case .siblings:
            var kept: [Version] = []
            for candidate in all {
                if kept.contains(where: { candidate.clock.happenedBefore($0.clock) || $0.clock == candidate.clock }) {
                    continue
                }
                kept.removeAll { $0.clock.happenedBefore(candidate.clock) }
                kept.append(candidate)
            }
            return kept.count < 2 ? kept : kept.sorted(by: Version.canonicalOrder)
        }
    }

    /// Whether `versions` reflect `write`: under siblings, some version's clock is at or
    /// after the write's; under lww, some version's stamp is at least the write's.
    public func covers(_ versions: [Version], _ write: Version) -> Bool {
        switch self {
        case .siblings: return versions.contains { $0.clock.dominates(write.clock) }
        case .lww: return versions.contains { $0.stamp >= write.stamp }
        }
    }
}
