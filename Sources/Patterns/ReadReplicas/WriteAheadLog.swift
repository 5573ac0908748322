import Simulation

/// The primary's log as it is kept on disk: a write is acknowledged only once it is in this log
/// and the log is durable (PostgreSQL's WAL flush at commit), so a primary that crashes and
/// restarts comes back with every write it ever acknowledged, and replicas stay prefixes of it.
///
/// Why chunks: the log is persisted after every write, and a value copied to the disk shares
/// its buffer with the live log, so a plain array would be copied whole by the next append
/// (quadratic in the run's writes). Full chunks are never written again; an append copies at
/// most the last chunk and the list of chunks.
struct WriteAheadLog: Sendable {
    static let chunkSize = 256
    private var full: [[PrimaryServer.Entry]] = []
    private var tail: [PrimaryServer.Entry] = []

    var count: Int { full.count * Self.chunkSize + tail.count }

    /// The entry at index `i` (LSN `i + 1`).
    subscript(i: Int) -> PrimaryServer.Entry {
        let chunk = i / Self.chunkSize
        return chunk < full.count ? full[chunk][i % Self.chunkSize] : tail[i - full.count * Self.chunkSize]
    }

    mutating func append(_ entry: PrimaryServer.Entry) {
        tail.append(entry)
        if tail.count == Self.chunkSize {
            full.append(tail)
            tail = []
        }
    }

    /// The entries at indices `range`, in order.
    func entries(_ range: Range<Int>) -> [PrimaryServer.Entry] {
        range.map { self[$0] }
    }
}
