/// How a demo run ended. A run that broke an invariant carries the violation; the CLI prints
/// it and exits 70 (EX_SOFTWARE).
public struct DemoOutcome: Sendable {
    public var violation: InvariantViolation?

    public init(violation: InvariantViolation? = nil) {
        self.violation = violation
    }

    public static let passed = DemoOutcome()
}
