/// The networks the detectors are compared on, from a quiet LAN to a congested WAN link with
/// a long tail (Hayashibara et al. 2004 §4 ran their comparison on a trans-continental link
/// for the same reason: the interesting behaviour is in the tail).
///
/// Simplifications:
/// - Jitter is i.i.d. per message (uniform plus a rare tail); real links have correlated
///   bursts, which the `congested` tail only approximates.
import Simulation

public struct JitterProfile: Equatable, Sendable {
    public var name: String
    public var network: NetworkConditions

    public init(name: String, network: NetworkConditions) {
        self.name = name
        self.network = network
    }

    /// 1–5 ms, nothing lost.
    public static let calm = JitterProfile(name: "calm", network: NetworkConditions(
        delayMin: .milliseconds(1), delayMax: .milliseconds(5)))

    /// 5–150 ms, 2 % of heartbeats up to 1 s late, 0.5 % lost.
    public static let jittery = JitterProfile(name: "jittery", network: NetworkConditions(
        delayMin: .milliseconds(5), delayMax: .milliseconds(150), tailPerMille: 20,
        tailDelayMax: .milliseconds(1_000), dropPerMille: 5))

    /// 20–400 ms, 5 % up to 2.5 s late, 2 % lost.
    public static let congested = JitterProfile(name: "congested", network: NetworkConditions(
        delayMin: .milliseconds(20), delayMax: .milliseconds(400), tailPerMille: 50,
        tailDelayMax: .milliseconds(2_500), dropPerMille: 20))

    public static let all = [calm, jittery, congested]

    public static func named(_ name: String) -> JitterProfile? {
        all.first { $0.name == name }
    }

    /// `5-150ms tail 2.0%<=1000ms loss 0.5%`
    public var summary: String {
        let n = network
        var text = "\(n.delayMin.milliseconds)-\(n.delayMax.milliseconds)ms"
        if n.tailPerMille > 0 { text += " tail \(permille(n.tailPerMille))<=\(n.tailDelayMax.milliseconds)ms" }
        if n.dropPerMille > 0 { text += " loss \(permille(n.dropPerMille))" }
        return text
    }

    private func permille(_ value: UInt32) -> String {
        "\(value / 10).\(value % 10)%"
    }
}
