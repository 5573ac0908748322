/// The dissemination buffer of SWIM (Das, Gupta & Motivala 2002, §4.1 "infection-style
/// dissemination"): membership updates ride on ping, ping-req and ack messages; each update is
/// piggybacked at most λ·log n times, and updates sent fewer times go first (as memberlist's
/// `TransmitLimitedQueue` orders them).
///
/// Simplifications:
/// - log n is ⌈log2 n⌉ in integers (λ·⌈log2 n⌉ ≈ 1.44·λ·ln n); no floating point decides.
/// - The buffer keeps at most `capacity` updates (one per member); past that, the update sent
///   most often is dropped. Anti-entropy (push-pull) repairs whatever is dropped.
import Simulation

public struct PiggybackBuffer: Sendable {
    struct Entry: Sendable {
        var update: MemberUpdate
        var transmits: Int
        /// When it was queued, to send newer news first among equals.
        var order: UInt64
    }

    public let transmitLimit: Int
    public let capacity: Int
    private var entries: [Entry] = []
    private var nextOrder: UInt64 = 0

    public init(transmitLimit: Int, capacity: Int) {
        self.transmitLimit = max(1, transmitLimit)
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// λ·⌈log2 n⌉, at least λ.
    public static func transmitLimit(lambda: Int, members: Int) -> Int {
        var log2 = 0
        while (1 << log2) < members { log2 += 1 }
        return lambda * max(1, log2)
    }

    /// Queues `update`, replacing any older update about the same member.
    public mutating func enqueue(_ update: MemberUpdate) {
        entries.removeAll { $0.update.member == update.member }
        if entries.count >= capacity, let worst = entries.indices.max(by: { less(entries[$1], entries[$0]) }) {
            entries.remove(at: worst)
        }
        entries.append(Entry(update: update, transmits: 0, order: nextOrder))
        nextOrder += 1
    }

    /// Takes up to `limit` updates for one message: fewest transmissions first, newest first
    /// among equals. Each taken update counts one transmission; spent ones leave the buffer.
    public mutating func take(_ limit: Int) -> [MemberUpdate] {
        guard !entries.isEmpty, limit > 0 else { return [] }
        var chosen: [Int] = []
        for index in entries.indices {
            if chosen.count < limit {
                chosen.append(index)
                chosen.sort { less(entries[$0], entries[$1]) }
            } else if let last = chosen.last, less(entries[index], entries[last]) {
                chosen[chosen.count - 1] = index
                chosen.sort { less(entries[$0], entries[$1]) }
            }
        }
        let updates = chosen.map { entries[$0].update }
        for index in chosen { entries[index].transmits += 1 }
        entries.removeAll { $0.transmits >= transmitLimit }
        return updates
    }

    /// True when `a` should be sent before `b`.
    private func less(_ a: Entry, _ b: Entry) -> Bool {
        a.transmits != b.transmits ? a.transmits < b.transmits : a.order > b.order
    }
}
