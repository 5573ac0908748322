import Simulation

/// What a trace shows of a SWIM member: its own incarnation and its view of every member,
/// as `status/incarnation` per member in id order (Das, Gupta & Motivala 2002, §4.2).
extension SwimNode: TraceableNode {
    public var traceState: [(String, JSONValue)] {
        [("incarnation", JSONValue(view.ownIncarnation)),
         ("view", .array((0..<view.count).map { .string("\(view.status[$0])/\(view.incarnation[$0])") }))]
    }
}
