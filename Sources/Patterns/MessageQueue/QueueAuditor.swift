/// Checks the message-queue invariants from what broker and store report:
///
/// - effects once: no message's effect is applied twice, however often it is delivered;
/// - no poison effect: a message that cannot be processed never changes the ledger;
/// - delete after effect: the queue forgets a message only after its effect is committed;
/// - bounded redelivery: no message is delivered more than `maxReceiveCount` times;
/// - every message resolved (liveness, at the end): every message the queue accepted was
///   either processed to completion (effect applied once, then deleted) or moved to the
///   dead-letter queue;
/// - at the end, too: every poison message is in the dead-letter queue, and the ledger's
///   balance is the sum of the applied messages' amounts.
///
/// A healthy message can still reach the dead-letter queue when it was received
/// `maxReceiveCount` times without being deleted (its consumers crashed or were too slow);
/// that is SQS's documented behaviour, not a loss, and the demo counts it separately.
///
/// Reports can be lost: a crash that lands between a durable write and the handler's effects
/// (`crash-after-write`) keeps the write and swallows everything the handler would have sent
/// or reported. So after a crash of the broker or the store, the harness hands the auditor
/// what that node holds on its disk (`QueueAuditor+Recovery.swift`), and the auditor counts
/// the changes nobody reported, with the same checks.
///
/// Simplifications: between crashes it trusts broker and store to report every change.
import Simulation

public struct QueueAuditor: Sendable {
    let maxReceiveCount: Int
    private var amounts: [Int: (amount: Int, poison: Bool)] = [:]
    private var order: [Int] = []
    private(set) var applyCount: [Int: Int] = [:]
    /// Receives reported per message.
    private var receives: [Int: Int] = [:]
    private(set) var removed: Set<Int> = []
    private(set) var deadLettered: Set<Int> = []
    /// Every message the broker is known to have accepted (reported, or found on its disk).
    private(set) var enqueued: Set<Int> = []
    public private(set) var deliveries = 0
    public private(set) var redeliveries = 0
    public private(set) var dedupeHits = 0

    public init(maxReceiveCount: Int) { self.maxReceiveCount = maxReceiveCount }

    /// The producer's view: message `id` is being sent.
    public mutating func sending(_ m: QueuedMessage) {
        amounts[m.id] = (m.amount, m.poison)
        order.append(m.id)
    }

    public var resolved: Int { removed.count + deadLettered.count }

    public var healthyDeadLettered: Int { deadLettered.filter { amounts[$0]?.poison == false }.count }

    public mutating func observe(_ output: QueueOutput) -> (String, String)? {
        switch output {
        case let .received(id, by, count, _):
            deliveries += 1
            if count > 1 { redeliveries += 1 }
            // Counted here too, not only by the broker's own count: a broker that forgot to count
            // would otherwise vouch for itself. (A receive a crash swallowed delivered nothing, so
            // this tally can trail the broker's, never lead it.)
            receives[id, default: 0] += 1
            let seen = max(count, receives[id]!)
            if seen > maxReceiveCount {
                return ("bounded redelivery", "m\(id) delivered to n\(by) for the \(seen)th time > maxReceiveCount \(maxReceiveCount)")
            }
        case let .effectApplied(id, _, by):
            return applied(id, by: "n\(by)")
        case .duplicateSkipped:
            dedupeHits += 1
        case let .removed(id, by):
            return deleted(id, by: "n\(by)")
        case .deadLettered(let id, _):
            deadLettered.insert(id)
        case .enqueued(let id):
            enqueued.insert(id)
        default:
            break
        }
        return nil
    }

    /// The store committed message `id`'s effect; `by` says who asked, for the report.
    mutating func applied(_ id: Int, by who: String) -> (String, String)? {
        applyCount[id, default: 0] += 1
        if applyCount[id]! > 1 {
            return ("effects once", "m\(id)'s effect applied a \(applyCount[id]!)nd time, by \(who)")
        }
        if amounts[id]?.poison == true { return ("no poison effect", "poison m\(id) changed the ledger") }
        return nil
    }

    /// The broker forgot message `id` for good (a delete with its latest receipt).
    mutating func deleted(_ id: Int, by who: String) -> (String, String)? {
        if applyCount[id, default: 0] == 0 {
            return ("delete after effect", "\(who) deleted m\(id) before its effect was committed")
        }
        removed.insert(id)
        return nil
    }

    mutating func accepted(_ id: Int) { enqueued.insert(id) }

    mutating func deadLetter(_ id: Int) { deadLettered.insert(id) }

    /// The end-of-run checks, given the store's final balance.
    public func finish(balance: Int) -> (String, String)? {
        for id in order {
            let resolvedHere = removed.contains(id) || deadLettered.contains(id)
            if !resolvedHere {
                return ("every message resolved", "m\(id) was neither processed to completion nor dead-lettered, "
                    + "\(resolved) of \(order.count) messages resolved")
            }
            if amounts[id]?.poison == true && !deadLettered.contains(id) {
                return ("poison dead-lettered", "poison m\(id) did not reach the dead-letter queue")
            }
        }
        let expected = order.filter { applyCount[$0, default: 0] > 0 }.reduce(0) { $0 + (amounts[$1]?.amount ?? 0) }
        if expected != balance {
            return ("effects once", "ledger balance \(balance), but the applied messages sum to \(expected)")
        }
        return nil
    }
}
