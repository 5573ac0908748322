/// A safety invariant that broke, a liveness goal not reached, or a check left undecided. Demos return it instead of crashing, so
/// that the CLI can print it (and exit 70) and a test can assert on it. It names everything
/// needed to replay the run.
public struct InvariantViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public var invariant: String
    public var detail: String
    public var seed: UInt64
    /// How many simulator events had been processed when the check failed.
    public var step: UInt64
    public var time: SimTime

    public init(invariant: String, detail: String, seed: UInt64, step: UInt64, time: SimTime) {
        self.invariant = invariant
        self.detail = detail
        self.seed = seed
        self.step = step
        self.time = time
    }

    public var description: String {
        "'\(invariant)' at seed \(seed), step \(step) (t=\(time)): \(detail)"
    }
}
