/// How a demo run ended, judged as Jepsen's checkers judge a history (`:valid?` true, false or
/// unknown), with "unknown" split by its cause:
///
/// - `PASS`: every safety invariant held after every step and every liveness goal was reached.
/// - `VIOLATED`: a safety invariant broke. The protocol is wrong (or a deliberately broken
///   variant was caught). Exit 70, EX_SOFTWARE.
/// - `INCOMPLETE`: no invariant broke, but a liveness goal ("every message seen", "replicas
///   converge") was not reached within the run's horizon. This says nothing about lost data:
///   the run stopped looking. Exit 75, EX_TEMPFAIL: a longer horizon may pass.
/// - `UNDECIDED`: a checker ran out of its budget before it could decide (a linearizability
///   search, say). Never a pass. Exit 2, as Jepsen's CLI exits for an unknown validity.
///
/// A run reports the first finding of the most serious kind; the others are kept for the
/// summary.
public struct DemoOutcome: Sendable {
    /// A safety invariant that broke.
    public var violation: InvariantViolation?
    /// A liveness goal the run did not reach within its horizon.
    public var shortfall: InvariantViolation?
    /// A checker that could not decide within its budget.
    public var undecided: InvariantViolation?
    /// Records for the files named by the demo's output-file parameters, one line each.
    public var artifacts: [DemoArtifact] = []

    public init(violation: InvariantViolation? = nil, shortfall: InvariantViolation? = nil,
                undecided: InvariantViolation? = nil) {
        self.violation = violation
        self.shortfall = shortfall
        self.undecided = undecided
    }

    public static let passed = DemoOutcome()

    public var verdict: DemoVerdict {
        if violation != nil { return .violated }
        if shortfall != nil { return .incomplete }
        if undecided != nil { return .undecided }
        return .pass
    }

    /// The finding behind the verdict; nil for a pass.
    public var finding: InvariantViolation? { violation ?? shortfall ?? undecided }

    /// Both outcomes' findings, the first one's kept where both have one: for demos that run
    /// several acts and report them as one.
    public func combined(with other: DemoOutcome) -> DemoOutcome {
        var both = DemoOutcome(violation: violation ?? other.violation, shortfall: shortfall ?? other.shortfall,
                               undecided: undecided ?? other.undecided)
        both.artifacts = artifacts + other.artifacts
        return both
    }
}

/// The four verdicts, in order of severity (lowest first), with their exit codes.
public enum DemoVerdict: String, CaseIterable, Comparable, Sendable {
    case pass = "PASS"
    case undecided = "UNDECIDED"
    case incomplete = "INCOMPLETE"
    case violated = "VIOLATED"

    public var exitCode: Int32 {
        switch self {
        case .pass: 0
        case .violated: 70
        case .incomplete: 75
        case .undecided: 2
        }
    }

    /// One line saying what the verdict means, for the printed result.
    public var meaning: String {
        switch self {
        case .pass: "every safety invariant held and every liveness goal was reached"
        case .violated: "a safety invariant broke"
        case .incomplete: "a liveness goal was not reached within the run's horizon; no invariant broke and nothing is known to be lost"
        case .undecided: "a checker ran out of budget before deciding; this is not a pass"
        }
    }

    public static func < (a: DemoVerdict, b: DemoVerdict) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What a run hands the CLI to write to the file of an output-file parameter: the client
/// history as JSON Lines, say. The pattern never touches the file system.
public struct DemoArtifact: Sendable {
    /// The output-file parameter's name (`history` for `--history`).
    public var parameter: String
    public var lines: [String]

    public init(parameter: String, lines: [String]) {
        self.parameter = parameter
        self.lines = lines
    }
}
