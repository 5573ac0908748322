/// A shopping-cart client in the manner of Dynamo's own example (DeCandia et al., SOSP 2007,
/// §4.4): it reads the cart, reconciles any siblings by taking the union of their items, adds
/// one item and writes the result back with the merged context, advanced at its own entry.
///
/// Simplifications:
/// - Items are only ever added (a union is then the right merge; removals would need
///   tombstones or an OR-set).
/// - One operation at a time per client, which is what makes client-actor vectors correct.
import Simulation
import VectorClocks

final class CartClient {
    let actor: NodeID
    let name: String
    var gateway: NodeID
    private var counter: UInt64 = 0
    /// Items this client added in puts that were acknowledged.
    private(set) var acknowledgedItems: [String] = []

    init(actor: NodeID, name: String, gateway: NodeID) {
        self.actor = actor
        self.name = name
        self.gateway = gateway
    }

    static func items(_ versions: [Version]) -> [String] {
        Array(Set(versions.flatMap { $0.value.split(separator: ",").map(String.init) })).sorted()
    }

    /// The context advanced at this client's entry, past anything it wrote before.
    func nextClock(after context: VectorClock) -> VectorClock {
        var clock = context
        counter = max(counter, clock[actor]) + 1
        clock[actor] = counter
        return clock
    }

    /// Read, reconcile, add `item`, write back. `done` gets whether the put was acknowledged,
    /// the siblings read, and the version written.
    func add(_ item: String, to key: String, on cluster: KVCluster,
             then done: @escaping (_ ok: Bool, _ read: [Version], _ written: Version?) -> Void) {
        cluster.get(key, via: gateway) { [self] ok, versions in
            guard ok else { done(false, [], nil); return }
            let items = Array(Set(Self.items(versions) + [item])).sorted()
            let clock = nextClock(after: mergedContext(versions))
            cluster.put(key, items.joined(separator: ","), clock: clock, via: gateway) { [self] ok, written in
                if ok { acknowledgedItems.append(item) }
                done(ok, versions, written)
            }
        }
    }
}
