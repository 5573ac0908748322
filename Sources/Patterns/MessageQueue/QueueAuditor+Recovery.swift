/// What the auditor learns from a disk after a crash. A `crash-after-write` fault takes a node
/// down the moment its write is durable: the write stays, and everything its handler would
/// have sent or reported is gone. The store may have committed an effect that no report
/// announced, and the broker may have deleted or dead-lettered a message silently. The disk
/// is what a restarted node works from, so it is the truth about those changes; each one it
/// shows that no report did goes through the same checks as a reported one.
///
/// The expectation stays independent of the code checked: the auditor still judges every
/// change against the producer's messages and its own count of effects; the disk only says
/// that the change happened.
import Simulation

extension QueueAuditor {
    /// Catches up with the ledger on the store's disk: each application of a message's effect
    /// recorded there beyond those reported.
    public mutating func storeRecovered(_ store: EffectStore) -> (String, String)? {
        var onDisk: [Int: Int] = [:]
        for entry in store.applied {
            onDisk[entry.id, default: 0] += 1
            if onDisk[entry.id]! > applyCount[entry.id, default: 0],
               let broken = applied(entry.id, by: "the store (its report lost in a crash)") {
                return broken
            }
        }
        return nil
    }

    /// Catches up with the queue on the broker's disk: a message it accepted without saying so,
    /// one it moved to the dead-letter queue, and one that is in neither queue, so was deleted.
    public mutating func brokerRecovered(_ broker: QueueBroker) -> (String, String)? {
        for m in broker.queue { accepted(m.id) }
        for m in broker.deadLetters {
            accepted(m.id)
            deadLetter(m.id)
        }
        let held = Set(broker.queue.map(\.id))
        for id in enqueued.sorted() where !held.contains(id) && !deadLettered.contains(id) && !removed.contains(id) {
            if let broken = deleted(id, by: "a consumer (the broker's report lost in a crash)") { return broken }
        }
        return nil
    }
}
