import Simulation

/// Checks every read against the primary's log, as reads complete:
/// - prefix consistency (always): a read served at LSN s returns, for its key, exactly the last
///   write to that key at or below s: every replica state is a prefix of the primary's log;
/// - read-your-writes: a session never reads a key older than its own last write to it;
/// - monotonic reads: a session never reads a key older than it has read it before.
/// With session tokens the last two are invariants (a violation ends the run); without them
/// they are counted, as the anomalies asynchronous replicas are known for.
///
/// Simplifications: guarantees are checked per key, where a user would notice them; the token
/// itself enforces the stronger per-session version (served LSN never below the token).
public struct SessionChecker: Sendable {
    public let enforce: Bool
    /// Per key, the LSNs of its writes in commit order.
    private var writesOf: [[Int]]
    private var lastWrite: [[Int]]
    private var lastRead: [[Int]]
    private var lastServed: [Int]
    public private(set) var readYourWritesAnomalies = 0
    public private(set) var monotonicAnomalies = 0
    public private(set) var staleReads = 0

    public init(keys: Int, clients: Int, enforce: Bool) {
        self.enforce = enforce
        writesOf = Array(repeating: [], count: keys)
        lastWrite = Array(repeating: Array(repeating: 0, count: keys), count: clients)
        lastRead = lastWrite
        lastServed = Array(repeating: 0, count: clients)
    }

    func lastWrite(_ client: Int, _ key: Int) -> Int { lastWrite[client][key] }
    func lastRead(_ client: Int, _ key: Int) -> Int { lastRead[client][key] }

    public mutating func committed(lsn: Int, key: Int) {
        writesOf[key].append(lsn)
    }

    public mutating func wrote(client: Int, key: Int, lsn: Int) {
        lastWrite[client][key] = max(lastWrite[client][key], lsn)
    }

    /// The value of `key` in the log prefix up to `lsn`.
    func expected(key: Int, at lsn: Int) -> Int {
        let writes = writesOf[key]
        var low = 0, high = writes.count
        while low < high {
            let mid = (low + high) / 2
            if writes[mid] <= lsn { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 0 : writes[low - 1]
    }

    /// Checks one completed read; returns (invariant, detail) when it breaks one.
    /// `primaryLSN` is the primary's LSN when the read began.
    public mutating func read(client: Int, key: Int, version: Int, servedLSN: Int, primaryLSN: Int) -> (String, String)? {
        let truth = expected(key: key, at: servedLSN)
        guard version == truth else {
            return ("prefix consistency", "session \(client) read key \(key) = v\(version) at LSN \(servedLSN),"
                + " but the log says v\(truth)")
        }
        // Stale: a write to the key had committed on the primary before the read began.
        if version < expected(key: key, at: primaryLSN) { staleReads += 1 }
        defer {
            lastRead[client][key] = max(lastRead[client][key], version)
            lastServed[client] = max(lastServed[client], servedLSN)
        }
        if version < lastWrite[client][key] {
            readYourWritesAnomalies += 1
            if enforce {
                return ("read your writes", "session \(client) wrote key \(key) at LSN \(lastWrite[client][key])"
                    + " but read v\(version) (served at LSN \(servedLSN))")
            }
        }
        if version < lastRead[client][key] {
            monotonicAnomalies += 1
            if enforce {
                return ("monotonic reads", "session \(client) had read key \(key) = v\(lastRead[client][key])"
                    + " but now read v\(version) (served at LSN \(servedLSN))")
            }
        }
        if enforce && servedLSN < lastServed[client] {
            return ("monotonic reads", "session \(client) was served at LSN \(lastServed[client]), now at \(servedLSN)")
        }
        return nil
    }
}
