/// A shopping-cart client in the manner of Dynamo's own example (DeCandia et al., SOSP 2007,
/// §4.4): it reads the cart, reconciles any siblings by taking the union of their items, adds
/// one item and writes the result back with the merged context, advanced at its own entry.
///
/// Simplifications:
/// - Items are only ever added (a union is then the right merge; removals would need
///   tombstones or an OR-set).
/// - One operation at a time per client, which is what makes client-actor vectors correct.
///
/// Why the client merges its own last write into every read: its vector entry says "this
/// client has seen all its earlier writes". If a stale read (R=1, or a sloppy quorum) missed
/// the client's previous put, the next put would still dominate it by that entry and
/// replicas would discard it as obsolete, losing its item without a sibling ever appearing.
/// `dsadvisor check quorum-kv --sloppy --faults all` found exactly that; remembering the last
/// write (read-your-writes kept by the client) makes the entry's claim true. Under
/// last-writer-wins the clock is ignored, so the client keeps no such memory, as a plain
/// read-modify-write client would not; keeping one would re-add its own overwritten items
/// later and hide what last-writer-wins lost.
import Simulation
import VectorClocks

final class CartClient {
    let actor: NodeID
    let name: String
    var gateway: NodeID
    private var counter: UInt64 = 0
    /// Per key, the last version this client put (acknowledged or not). Per key because the
    /// counter is the client's, shared by all keys: a put on one key claims every earlier
    /// put of this client on that key.
    private var lastWritten: [String: Version] = [:]
    /// Items this client added in puts that were acknowledged.
    private(set) var acknowledgedItems: [String] = []

    /// Whether the client merges its own last put into what it reads (needed for siblings).
    let keepsOwnWrites: Bool

    init(actor: NodeID, name: String, gateway: NodeID, keepsOwnWrites: Bool = true) {
        self.actor = actor
        self.name = name
        self.gateway = gateway
        self.keepsOwnWrites = keepsOwnWrites
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

    /// The version to put after reading `read`: the union of the siblings read and of this
    /// client's own last put on `key`, plus `item`, under their merged clock advanced at this
    /// client's entry. Remembered as the client's last put on `key`.
    func nextVersion(of key: String, after read: [Version], adding item: String) -> Version {
        let seen = Resolution.siblings.reconcile(read, lastWritten[key].map { [$0] } ?? [])
        let items = Array(Set(Self.items(seen) + [item])).sorted()
        let version = Version(clock: nextClock(after: mergedContext(seen)), value: items.joined(separator: ","),
                              stamp: .init(nanoseconds: 0, node: actor))
        if keepsOwnWrites { lastWritten[key] = version }
        return version
    }

    /// Read, reconcile, add `item`, write back. `done` gets whether the put was acknowledged,
    /// the siblings read, and the version written.
    func add(_ item: String, to key: String, on cluster: KVCluster,
             then done: @escaping (_ ok: Bool, _ read: [Version], _ written: Version?) -> Void) {
        cluster.get(key, via: gateway) { [self] ok, versions in
            guard ok else { done(false, [], nil); return }
            let next = nextVersion(of: key, after: versions, adding: item)
            cluster.put(key, next.value, clock: next.clock, via: gateway) { [self] ok, written in
                if ok { acknowledgedItems.append(item) }
                done(ok, versions, written)
            }
        }
    }
}
