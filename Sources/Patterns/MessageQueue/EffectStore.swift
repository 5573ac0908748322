/// The database the consumers write to: a ledger whose balance each message changes, and a
/// dedupe table of the message ids already applied, written in the same transaction as the
/// effect (the "idempotent consumer" / inbox pattern; Hohpe & Woolf, *Enterprise Integration
/// Patterns*, 2003, "Idempotent Receiver"). At-least-once delivery plus this table gives an
/// effect applied exactly once.
///
/// Simplifications:
/// - The transaction is one persisted value (balance, log and dedupe table together).
/// - The dedupe table is never pruned; a real one keeps ids for longer than any message can
///   be redelivered (SQS: the retention period) and then drops them.
import Simulation

public struct EffectStore: Sendable {
    /// Deliberate bugs, so tests can prove the auditor notices them.
    public enum Flaw: String, CaseIterable, Sendable {
        /// No dedupe table: every delivery applies its effect.
        case noDedupe
        /// The dedupe table lives in memory, apart from the persisted effect: a store restart
        /// forgets which messages it applied.
        case dedupeInMemory
    }

    public private(set) var balance = 0
    public private(set) var applied: [(id: Int, amount: Int)] = []
    var processed: Set<Int> = []
    var flaw: Flaw?

    public init(flaw: Flaw? = nil) { self.flaw = flaw }

    func restarted() -> EffectStore {
        var copy = self
        if flaw == .dedupeInMemory { copy.processed = [] }
        return copy
    }

    mutating func apply(_ consumer: NodeID, id: Int, amount: Int, receipt: UInt64,
                        _ context: inout NodeContext<QueueNode>) {
        if processed.contains(id) && flaw != .noDedupe {
            context.output(.duplicateSkipped(id: id, by: consumer))
            context.send(.applied(messageID: id, receipt: receipt, duplicate: true), to: consumer)
            return
        }
        processed.insert(id)
        balance += amount
        applied.append((id, amount))
        context.persist(.store(self))
        context.output(.effectApplied(id: id, amount: amount, by: consumer))
        context.send(.applied(messageID: id, receipt: receipt, duplicate: false), to: consumer)
    }
}
