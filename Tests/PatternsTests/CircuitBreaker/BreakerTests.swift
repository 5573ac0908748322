import Simulation
import Testing
@testable import CircuitBreaker

/// Drives a breaker by hand: calls at given times with given outcomes, and renders the
/// transitions as `CO@40 OH@1040 HC@1060` (C closed, O open, H half-open, @ milliseconds).
struct Driver {
    var breaker: Breaker
    var auditor: BreakerAuditor
    var open: [String: Breaker.Permit] = [:]
    var audit: [String] = []

    init(_ config: BreakerConfig, flaw: Breaker.Flaw? = nil) {
        breaker = Breaker(config, flaw: flaw)
        auditor = BreakerAuditor(config: config)
    }

    static func t(_ ms: UInt64) -> SimTime { SimTime.zero + .milliseconds(ms) }

    /// Starts call `name` at `ms`; false when it was shed.
    @discardableResult
    mutating func start(_ name: String, at ms: UInt64) -> Bool {
        let before = breaker.transitions.count
        let permit = breaker.tryAcquirePermission(now: Driver.t(ms))
        feedTransitions(from: before)
        feed(permit.map { .permitted(epoch: $0.epoch, at: Driver.t(ms)) } ?? .shed(at: Driver.t(ms)))
        if let permit { open[name] = permit }
        return permit != nil
    }

    mutating func end(_ name: String, at ms: UInt64, failed: Bool) {
        guard let permit = open.removeValue(forKey: name) else { return }
        var before = breaker.transitions.count
        breaker.advance(now: Driver.t(ms))
        feedTransitions(from: before)
        let slow = Driver.t(ms) - permit.startedAt > breaker.config.slowCallDurationThreshold
        feed(.completed(epoch: permit.epoch, failed: failed, slow: slow, at: Driver.t(ms)))
        before = breaker.transitions.count
        breaker.onComplete(permit, failed: failed, now: Driver.t(ms))
        feedTransitions(from: before)
    }

    /// A call that starts at `ms` and ends `lasting` ms later: "S" succeeds, "F" fails.
    @discardableResult
    mutating func call(_ outcome: Character, at ms: UInt64, lasting: UInt64 = 0) -> Bool {
        guard start("c\(ms)", at: ms) else { return false }
        end("c\(ms)", at: ms + lasting, failed: outcome == "F")
        return true
    }

    mutating func feedTransitions(from index: Int) {
        for t in breaker.transitions[index...] { feed(.transition(t)) }
    }

    mutating func feed(_ event: BreakerAuditor.Event) {
        if let problem = auditor.observe(event) { audit.append(problem) }
    }

    var sequence: String {
        breaker.transitions.map { "\(Driver.letter($0.from))\(Driver.letter($0.to))@\($0.at.nanoseconds / 1_000_000)" }
            .joined(separator: " ")
    }

    static func letter(_ s: Breaker.State) -> String {
        switch s {
        case .closed: "C"
        case .open: "O"
        case .halfOpen: "H"
        }
    }
}

func small(window: Int = 4, min: Int = 4, halfOpen: Int = 2, wait: UInt64 = 1000,
           type: BreakerConfig.WindowType = .countBased) -> BreakerConfig {
    BreakerConfig(failureRateThreshold: 50, slowCallRateThreshold: 100, slowCallDurationThreshold: .milliseconds(100),
                  permittedNumberOfCallsInHalfOpenState: halfOpen, slidingWindowType: type, slidingWindowSize: window,
                  minimumNumberOfCalls: min, waitDurationInOpenState: .milliseconds(wait))
}

@Test func defaultsAreResilience4js() {
    let c = BreakerConfig()
    #expect(c.failureRateThreshold == 50 && c.slowCallRateThreshold == 100)
    #expect(c.slowCallDurationThreshold == .seconds(60) && c.waitDurationInOpenState == .seconds(60))
    #expect(c.permittedNumberOfCallsInHalfOpenState == 10)
    #expect(c.slidingWindowType == .countBased && c.slidingWindowSize == 100 && c.minimumNumberOfCalls == 100)
    #expect(!c.automaticTransitionFromOpenToHalfOpenEnabled && c.maxWaitDurationInHalfOpenState == .zero)
    #expect(c.problem == nil && BreakerConfig.demo.problem == nil)
}

/// Each row: outcomes of calls 10 ms apart (S ok, F failed, "-" expected shed), then the
/// exact transitions. Window 4 calls, minimum 4, 50%, wait 1000 ms, 2 half-open trials.
@Test(arguments: [
    ("SSSS", ""),                 // all good
    ("FFF", ""),                  // 100% failed, but below the minimum of 4 calls
    ("SSFF", "CO@40"),            // exactly 50% opens (>=, as resilience4j)
    ("SSSFSF", "CO@60"),          // window slides: last 4 = S F S F
    ("SSSFSS", ""),               // last 4 = S F S S: 25%
    ("FFFF--", "CO@40"),          // open sheds the next calls
])
func countWindowSequences(outcomes: String, expected: String) {
    var d = Driver(small())
    for (i, o) in outcomes.enumerated() {
        let permitted = d.call(o == "-" ? "S" : o, at: UInt64(i + 1) * 10)
        #expect(permitted == (o != "-"), "call \(i + 1)")
    }
    #expect(d.sequence == expected)
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test func openWaitsThenHalfOpenLetsExactlyTheTrialsThrough() {
    var d = Driver(small(halfOpen: 2))
    for ms in [10, 20, 30, 40] as [UInt64] { d.call("F", at: ms) }
    #expect(d.breaker.state == .open)
    let shedEarly = d.call("S", at: 1039)

    #expect(!shedEarly)                  // 999 ms after opening: still open
    let trialA = d.start("a", at: 1040)

    #expect(trialA)                  // wait over: half-open, trial 1
    let trialB = d.start("b", at: 1041)

    #expect(trialB)                  // trial 2
    let trialC = d.start("c", at: 1042)

    #expect(!trialC)                 // no third trial while two are out
    d.end("a", at: 1050, failed: false)
    #expect(d.breaker.state == .halfOpen)            // undecided until both trials are in
    d.end("b", at: 1060, failed: false)
    #expect(d.sequence == "CO@40 OH@1040 HC@1060")
    #expect(d.breaker.notPermittedCalls == 2)
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test(arguments: [
    ("SF", "CO@40 OH@1040 HO@1060"),      // 1 of 2 trials failed: 50% reopens
    ("SS", "CO@40 OH@1040 HC@1060"),
    ("FS", "CO@40 OH@1040 HO@1060"),
])
func halfOpenDecidesOnTheTrialsAlone(trials: String, expected: String) {
    var d = Driver(small(halfOpen: 2))
    for ms in [10, 20, 30, 40] as [UInt64] { d.call("F", at: ms) }
    for (i, o) in trials.enumerated() { d.call(o, at: 1040 + UInt64(i) * 20) }
    #expect(d.sequence == expected)
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test func slowCallsOpenOnTheirOwnThreshold() {
    var c = small()
    c.slowCallRateThreshold = 50
    var d = Driver(c)
    d.call("S", at: 10, lasting: 150)      // slow (> 100 ms) but successful
    d.call("S", at: 200)
    d.call("S", at: 300, lasting: 100)     // exactly 100 ms is not slow ("greater than")
    #expect(d.breaker.state == .closed)
    d.call("S", at: 500, lasting: 101)     // 2 of 4 slow: 50%
    #expect(d.sequence == "CO@601")
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test func timeWindowForgetsOldSeconds() {
    // 2-second window, minimum 3 calls.
    var d = Driver(small(window: 2, min: 3, type: .timeBased))
    d.call("F", at: 100)
    d.call("F", at: 900)
    d.call("S", at: 2_100)    // second 2: seconds 0 slid out, window holds 1 call
    d.call("F", at: 2_500)
    #expect(d.breaker.state == .closed)
    d.call("F", at: 3_200)    // seconds 2..3: S F F = 66%
    #expect(d.sequence == "CO@3200")
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test func timeWindowMinimumIsNotCappedButCountWindowIs() {
    var d = Driver(small(window: 2, min: 5, type: .timeBased))
    for ms in [10, 20, 30, 40] as [UInt64] { d.call("F", at: ms) }
    #expect(d.breaker.state == .closed)   // 4 calls < 5
    d.call("F", at: 50)
    #expect(d.sequence == "CO@50")
    var c = Driver(small(window: 3, min: 100))
    for ms in [10, 20, 30] as [UInt64] { c.call("F", at: ms) }
    #expect(c.sequence == "CO@30")        // minimum capped at the window size, 3
}

@Test func automaticTransitionNeedsNoCall() {
    var c = small()
    c.automaticTransitionFromOpenToHalfOpenEnabled = true
    var b = Breaker(c)
    var permits: [Breaker.Permit] = []
    for ms in [10, 20, 30, 40] as [UInt64] { permits.append(b.tryAcquirePermission(now: Driver.t(ms))!) }
    for p in permits { b.onComplete(p, failed: true, now: p.startedAt) }
    #expect(b.nextDeadline == Driver.t(1040))
    b.advance(now: Driver.t(1039))
    #expect(b.state == .open)
    b.advance(now: Driver.t(1040))
    #expect(b.state == .halfOpen && b.transitions.last?.at == Driver.t(1040))
}

@Test func halfOpenTimeLimitReopens() {
    var c = small()
    c.maxWaitDurationInHalfOpenState = .milliseconds(500)
    var d = Driver(c)
    for ms in [10, 20, 30, 40] as [UInt64] { d.call("F", at: ms) }
    let slowTrial = d.start("slow", at: 1040)

    #expect(slowTrial)
    d.end("slow", at: 1600, failed: false)   // the limit passed at 1540
    #expect(d.sequence == "CO@40 OH@1040 HO@1600")
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test func lateOutcomeFromAnEarlierStateIsIgnored() {
    var d = Driver(small())
    let latePermit = d.start("late", at: 5)

    #expect(latePermit)
    for ms in [10, 20, 30, 40] as [UInt64] { d.call("F", at: ms) }
    d.call("S", at: 1040)          // trial 1
    d.end("late", at: 1045, failed: true)   // began while CLOSED: not a trial
    d.call("S", at: 1050)          // trial 2
    #expect(d.sequence == "CO@40 OH@1040 HC@1050")
    #expect(d.audit.isEmpty, "\(d.audit)")
}

@Test func windowStartsFreshAfterClosing() {
    var d = Driver(small())
    for ms in [10, 20, 30, 40] as [UInt64] { d.call("F", at: ms) }
    d.call("S", at: 1040)
    d.call("S", at: 1050)
    d.call("F", at: 1060)
    d.call("F", at: 1070)
    d.call("F", at: 1080)        // 3 calls since closing: below the minimum
    #expect(d.breaker.state == .closed)
    d.call("S", at: 1090)        // F F F S: 75%
    #expect(d.sequence == "CO@40 OH@1040 HC@1050 CO@1090")
}
