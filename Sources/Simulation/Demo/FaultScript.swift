/// Scripted faults, typed one per `--inject`, in the words the trace and the header print:
///
///     2.5s crash n2            4.5s restart n2
///     3s partition n0,n1|n2,n3,n4      (nodes not named are cut off from everyone)
///     3.2s isolate n1          4s heal  (ends partitions, cut links and link delays)
///     1s delay n0->n3 1500ms   (one way: messages from n0 to n3 take 1500 ms longer)
///     1s cut n0->n3            (one way: messages from n0 to n3 are lost)
///     2s crash-after-write n1  (n1 crashes once its next write is durable, before it replies)
///
/// A time is a decimal number of `s`, `ms`, `us` or `ns` from the start of the run.
public enum FaultScript {
    /// Parses one injection for a cluster of `nodeCount` nodes, or says what is wrong with it.
    public static func parse(_ text: String, nodeCount: Int) -> Result<ScheduledFault, FaultScriptError> {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        func fail(_ why: String) -> Result<ScheduledFault, FaultScriptError> { .failure(FaultScriptError(text: text, why: why)) }
        guard words.count >= 2, let at = duration(words[0]) else {
            return fail("must start with a time such as 2.5s or 300ms, then an action")
        }
        func node(_ word: String) -> NodeID? {
            guard word.first == "n", let id = Int(word.dropFirst()), (0..<nodeCount).contains(id) else { return nil }
            return id
        }
        func link(_ word: String) -> (NodeID, NodeID)? {
            let ends = word.split(separator: "-", maxSplits: 1)
            guard ends.count == 2, ends[1].first == ">", let from = node(String(ends[0])),
                  let to = node(String(ends[1].dropFirst())), from != to else { return nil }
            return (from, to)
        }
        let nodes = "n0…n\(nodeCount - 1)"
        let fault: Fault
        switch (words[1], words.count) {
        case ("crash", 3), ("restart", 3), ("isolate", 3), ("crash-after-write", 3), ("crash-during-write", 3):
            guard let id = node(words[2]) else { return fail("names no node of \(nodes)") }
            switch words[1] {
            case "crash": fault = .crash(id)
            case "restart": fault = .restart(id)
            case "crash-after-write": fault = .crashAfterWrite(id)
            case "crash-during-write": fault = .crashDuringWrite(id)
            default: fault = .partition(.isolate(id, nodeCount: nodeCount))
            }
        case ("partition", 3):
            let groups = words[2].split(separator: "|", omittingEmptySubsequences: false).map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map { node(String($0)) }
            }
            guard groups.count >= 2, groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 != nil } }) else {
                return fail("needs two or more groups of \(nodes), such as n0,n1|n2,n3")
            }
            let ids = groups.map { $0.map { $0! } }
            guard Set(ids.joined()).count == ids.joined().count else { return fail("names a node in two groups") }
            fault = .partition(Partition(groups: ids, nodeCount: nodeCount))
        case ("heal", 2):
            fault = .heal
        case ("delay", 4):
            guard let (from, to) = link(words[2]), let extra = duration(words[3]) else {
                return fail("needs a link and a delay, such as delay n0->n3 1500ms")
            }
            fault = .link(LinkFault(from: from, to: to, extraDelay: extra))
        case ("cut", 3):
            guard let (from, to) = link(words[2]) else { return fail("needs a link, such as cut n0->n3") }
            fault = .link(LinkFault(from: from, to: to, cut: true))
        default:
            return fail("knows crash, crash-after-write, crash-during-write, restart, partition, isolate, heal, delay and cut")
        }
        return .success(ScheduledFault(at: .zero + at, fault))
    }

    /// A fault in the same words without its time, to apply now (text scenarios, a console).
    public static func fault(_ words: String, nodeCount: Int) -> Result<Fault, FaultScriptError> {
        parse("0ms " + words, nodeCount: nodeCount).map(\.fault)
    }

    /// `2.5s`, `300ms`, `750us`, `10ns`: a decimal number and a unit; nil for anything else.
    public static func duration(_ word: String) -> SimDuration? {
        let units: [(String, UInt64)] = [("ms", 1_000_000), ("us", 1_000), ("ns", 1), ("s", 1_000_000_000)]
        guard let (unit, scale) = units.first(where: { word.hasSuffix($0.0) }) else { return nil }
        let number = word.dropLast(unit.count)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = UInt64(parts[0]),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].count <= 9 && parts[1].allSatisfy(\.isNumber)) else {
            return nil
        }
        var fraction: UInt64 = 0
        if parts.count == 2 {
            let digits = String(parts[1])
            fraction = UInt64(digits)! * scale
            for _ in digits { fraction /= 10 }
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        // Runs last minutes at most; a day is a generous bound that keeps the clock far from overflow.
        guard !overflow, product + fraction <= 86_400 * 1_000_000_000 else { return nil }
        return SimDuration(nanoseconds: product + fraction)
    }

    /// How an injection is typed back, for the header and the replay line.
    public static func text(_ fault: ScheduledFault) -> String {
        "\(seconds(fault.at)) \(words(fault.fault))"
    }

    /// The time in the largest unit that writes it exactly, so a replay injects at the same instant.
    static func seconds(_ time: SimTime) -> String {
        let ns = time.nanoseconds
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        if ns % 1_000 == 0 { return "\(ns / 1_000)us" }
        return "\(ns)ns"
    }

    static func words(_ fault: Fault) -> String {
        switch fault {
        case .crash(let id): return "crash n\(id)"
        case .restart(let id): return "restart n\(id)"
        case .crashAfterWrite(let id): return "crash-after-write n\(id)"
        case .crashDuringWrite(let id): return "crash-during-write n\(id)"
        case .heal: return "heal"
        case .partition(let partition):
            return "partition " + partition.groups.map { $0.map { "n\($0)" }.joined(separator: ",") }.joined(separator: "|")
        case .link(let link):
            return link.cut ? "cut n\(link.from)->n\(link.to)"
                : "delay n\(link.from)->n\(link.to) \(link.extraDelay.milliseconds)ms"
        case .network(let conditions):
            return "network drop \(conditions.dropPerMille)"
        }
    }
}

public struct FaultScriptError: Error, Equatable, Sendable, CustomStringConvertible {
    public var text: String
    public var why: String
    public var description: String { "--inject '\(text)' \(why)" }
}

extension Simulator {
    /// Applies a fault typed in `--inject`'s words without its time, as the next event now;
    /// returns what is wrong with the words, or nil.
    public func inject(_ words: String) -> FaultScriptError? {
        switch FaultScript.fault(words, nodeCount: cluster.count) {
        case .success(let fault):
            inject(fault)
            return nil
        case .failure(let error):
            return error
        }
    }
}

/// A fault on one direction of one link: its messages are lost (`cut`), or take longer.
public struct LinkFault: Equatable, Sendable {
    public var from: NodeID
    public var to: NodeID
    public var cut: Bool
    public var extraDelay: SimDuration

    public init(from: NodeID, to: NodeID, cut: Bool = false, extraDelay: SimDuration = .zero) {
        self.from = from
        self.to = to
        self.cut = cut
        self.extraDelay = extraDelay
    }
}
