/// A binary min-heap of events ordered by time, then by the order they were scheduled, so
/// that two events due at the same instant always come out in the same order.
struct EventQueue<Payload> {
    struct Entry {
        var time: SimTime
        var sequence: UInt64
        var payload: Payload

        @inline(__always) func precedes(_ other: Entry) -> Bool {
            time.nanoseconds != other.time.nanoseconds
                ? time.nanoseconds < other.time.nanoseconds
                : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    var nextTime: SimTime? { heap.first?.time }

    mutating func push(_ payload: Payload, at time: SimTime) {
        heap.append(Entry(time: time, sequence: nextSequence, payload: payload))
        nextSequence += 1
        siftUp(heap.count - 1)
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
        return top
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            let smaller = right < count && heap[right].precedes(heap[left]) ? right : left
            guard heap[smaller].precedes(heap[parent]) else { return }
            heap.swapAt(parent, smaller)
            parent = smaller
        }
    }
}
