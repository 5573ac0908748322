/// Virtual time, in nanoseconds since the simulation began. Nothing here reads a clock:
/// time moves only when the simulator takes the next event off its queue.
public struct SimTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = SimTime(nanoseconds: 0)

    public static func < (a: SimTime, b: SimTime) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (t: SimTime, d: SimDuration) -> SimTime {
        SimTime(nanoseconds: t.nanoseconds &+ d.nanoseconds)
    }
    /// The time elapsed from `b` to `a`; zero when `b` is later.
    public static func - (a: SimTime, b: SimTime) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds >= b.nanoseconds ? a.nanoseconds - b.nanoseconds : 0)
    }

    /// Milliseconds with three decimals, right-aligned to a fixed width: `  1234.567ms`.
    /// Integer arithmetic only, so the text is the same on every machine.
    public var description: String { SimDuration(nanoseconds: nanoseconds).description }
}

/// A span of virtual time in nanoseconds.
public struct SimDuration: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)
    public static func microseconds(_ n: UInt64) -> SimDuration { SimDuration(nanoseconds: n * 1_000) }
    public static func milliseconds(_ n: UInt64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000) }
    public static func seconds(_ n: UInt64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000_000) }

    public var milliseconds: UInt64 { nanoseconds / 1_000_000 }

    public static func < (a: SimDuration, b: SimDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &+ b.nanoseconds)
    }
    public static func * (a: SimDuration, k: UInt64) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &* k)
    }
    public static func / (a: SimDuration, k: UInt64) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds / k)
    }

    /// A uniformly drawn duration in `low...high`.
    public static func random(in low: SimDuration, _ high: SimDuration, using rng: inout SeededRNG) -> SimDuration {
        SimDuration(nanoseconds: rng.uniform(low.nanoseconds...max(low.nanoseconds, high.nanoseconds)))
    }

    /// `1234.567ms`: milliseconds with microsecond precision, integer arithmetic only.
    public var description: String {
        let micros = nanoseconds / 1_000
        let fraction = String(micros % 1_000)
        return "\(micros / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)ms"
    }
}
