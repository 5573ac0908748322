/// A binary min-heap of events ordered by time, then by the order they were scheduled, so
/// that two events due at the same instant always come out in the same order.
///
/// The heap holds only small keys (time, sequence, slot); payloads wait in a slot array and
/// are moved exactly once in and once out. Sifting a key is a few integer moves, where sifting
/// a generic payload would cost a value-witness call per move (the payload's layout is only
/// known at run time in this module).
struct EventQueue<Payload> {
    struct Entry {
        var time: SimTime
        var sequence: UInt64
        var payload: Payload
    }

    private struct Key {
        var time: UInt64
        var sequence: UInt64
        var slot: Int

        @inline(__always) func precedes(_ other: Key) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Key] = []
    private var slots: [Payload?] = []
    private var freeSlots: [Int] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    var nextTime: SimTime? { heap.first.map { SimTime(nanoseconds: $0.time) } }

    mutating func push(_ payload: consuming Payload, at time: SimTime) {
        // `consuming`: the payload is moved into its slot, not copied and then destroyed.
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = consume payload
        } else {
            slot = slots.count
            slots.append(consume payload)
        }
        heap.append(Key(time: time.nanoseconds, sequence: nextSequence, slot: slot))
        nextSequence += 1
        siftUp(heap.count - 1)
    }

    mutating func pop() -> Entry? {
        guard let top = heap.first else { return nil }
        let (time, payload) = popFirst()
        return Entry(time: time, sequence: top.sequence, payload: payload)
    }

    /// Removes the earliest event; the queue must not be empty. Returns it without wrapping it
    /// in an optional entry, so that the simulator's loop moves the payload instead of copying it.
    mutating func popFirst() -> (SimTime, Payload) {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        freeSlots.append(top.slot)
        return (SimTime(nanoseconds: top.time), slots[top.slot].take()!)
    }

    // The sift loops work on the heap's buffer directly: indexing the array checks bounds and
    // uniqueness on every read and write, which was a third of a sift's instructions. Every
    // index used below is in `0..<count` by construction.

    /// Moves the key at `start` up into place, shifting parents down into the hole.
    private mutating func siftUp(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            let moving = heap[start]
            var child = start
            while child > 0 {
                let parent = (child - 1) / 2
                guard moving.precedes(heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = moving
        }
    }

    private mutating func siftDown(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            let moving = heap[start]
            let count = heap.count
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                let right = left + 1
                let smaller = right < count && heap[right].precedes(heap[left]) ? right : left
                guard heap[smaller].precedes(moving) else { break }
                heap[parent] = heap[smaller]
                parent = smaller
            }
            heap[parent] = moving
        }
    }
}
