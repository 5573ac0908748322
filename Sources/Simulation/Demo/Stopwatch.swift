/// Wall-clock and CPU time for the few demo modes that measure speed instead of simulating
/// (`--experiment bench`, `--experiment merge-benchmark`). A pattern module never reads a
/// clock: the CLI hands one in through `Timeline.stopwatch` for a run someone asked to see,
/// and leaves it out under `check`, where such a mode has nothing to judge.
public struct Stopwatch: Sendable {
    /// Nanoseconds on the wall clock and on this thread's CPU clock, from any fixed origin.
    let read: @Sendable () -> (wall: UInt64, cpu: UInt64)

    public init(read: @escaping @Sendable () -> (wall: UInt64, cpu: UInt64)) {
        self.read = read
    }

    /// What `body` cost, and what it returned (a checksum, so the optimiser keeps the work).
    public func measure<T>(_ body: () -> T) -> (wall: UInt64, cpu: UInt64, result: T) {
        let start = read()
        let result = body()
        let end = read()
        return (end.wall &- start.wall, end.cpu &- start.cpu, result)
    }
}

extension Timeline {
    /// Says that a speed measurement was skipped for want of a clock (under `check`).
    public func noteNoStopwatch(_ command: String) {
        note("This mode measures wall-clock time, which a sweep does not judge; run '\(command)' to see it.")
    }
}
