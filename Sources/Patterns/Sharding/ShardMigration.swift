import Simulation

/// Moving a shard between nodes while it takes traffic, in the copy-then-catch-up style of
/// MongoDB's chunk migration (clone, transfer mods, critical section, commit on the config
/// server) and CockroachDB's snapshot-then-log range rebalancing:
/// 1. the source copies a snapshot of the range (data and session table) to the destination
///    and keeps serving, logging every later write to the range;
/// 2. it streams that log in order; the destination acknowledges what it has applied;
/// 3. once the destination lags by at most `freezeLag` entries the source freezes the range
///    (answers "moving, retry") so the log stops growing, and streams the rest;
/// 4. with everything acknowledged it tells the placement service, which commits a new routing
///    version with the new owner; the destination starts serving when it sees that version,
///    the source releases the range when it does. Ownership never overlaps: the source stopped
///    before the switch, the destination starts after it.
///
/// Simplifications:
/// - The snapshot is a consistent cut taken in one step (real systems read it at one MVCC
///   timestamp or under a lock) and then sent in chunks.
/// - Every message is re-sent on a 5 ms tick until acknowledged, instead of a transport
///   with retransmission; one move at a time per range.
extension StorageNode {
    mutating func beginMove(_ plan: MovePlan, _ context: inout Context) {
        guard plan.from == id, !outgoing.contains(where: { $0.plan.move == plan.move }),
              table.entry(shard: plan.shard)?.owner != plan.to else { return }
        // The snapshot is taken at once; every later write to the range goes to the log.
        let items = (plan.low..<plan.high).compactMap { key in store[key].map { (key: key, item: $0) } }
        let table = sessions.keys.sorted().compactMap { sessions[$0] }
        outgoing.append(Outgoing(plan: plan, snapshot: (items, table)))
        context.output(.note("snapshot", "n\(id) starts copying shard \(plan.shard) [\(plan.low),\(plan.high)) to"
            + " n\(plan.to): \(items.count) keys, \(config.copyChunk) per 5ms; keeps serving, logs later writes"))
        pumpMoves(&context)
    }

    /// The source's tick: copy the next snapshot chunk, stream the log, freeze when nearly
    /// caught up, and report readiness once the destination holds everything.
    mutating func pumpMoves(_ context: inout Context) {
        for index in outgoing.indices {
            let move = outgoing[index]
            guard move.snapshotDone else {
                let end = max(move.copied, min(move.snapshot.items.count, move.copied + config.copyChunk))
                context.send(.snapshot(move.plan, offset: move.copied, items: Array(move.snapshot.items[move.copied..<end]),
                                       sessions: move.copied == 0 ? move.snapshot.sessions : [],
                                       total: move.snapshot.items.count), to: move.plan.to)
                continue
            }
            if config.unsafeSkipCatchUp {
                context.send(.moveReady(move: move.plan.move), to: config.placement)
                continue
            }
            let pending = move.log.count - move.acked
            if move.frozenAt == nil && pending <= config.freezeLag {
                outgoing[index].frozenAt = context.now
                context.output(.note("freeze", "n\(id) freezes shard \(move.plan.shard): copy done, destination lacks"
                    + " \(pending) of \(move.log.count) logged writes; requests now get 'moving, retry'"))
            }
            if pending > 0 {
                let batch = Array(move.log[move.acked..<min(move.log.count, move.acked + 32)])
                context.send(.stream(move: move.plan.move, batch), to: move.plan.to)
            } else if outgoing[index].frozenAt != nil {
                context.send(.moveReady(move: move.plan.move), to: config.placement)
            }
        }
    }

    mutating func streamAcknowledged(_ move: Int, copied: Int, sequence: Int) {
        guard let index = outgoing.firstIndex(where: { $0.plan.move == move }) else { return }
        outgoing[index].heard = true
        outgoing[index].copied = max(outgoing[index].copied, copied)
        outgoing[index].acked = max(outgoing[index].acked, sequence)
    }

    mutating func receiveSnapshot(_ plan: MovePlan, offset: Int, items: [(key: Int, item: Item)],
                                  sessions incomingSessions: [Session], total: Int, from source: NodeID,
                                  _ context: inout Context) {
        guard plan.to == id, !finishedMoves.contains(plan.move) else { return }
        if offset == 0 && !incoming.contains(where: { $0.plan.move == plan.move }) {
            incoming.append(Incoming(plan: plan, total: total))
        }
        guard let index = incoming.firstIndex(where: { $0.plan.move == plan.move }) else { return }
        if offset == incoming[index].copied {
            for (key, item) in items { store[key] = item }
            for session in incomingSessions { merge(session) }
            incoming[index].copied += items.count
        }
        context.send(.streamAck(move: plan.move, copied: incoming[index].copied, sequence: incoming[index].applied),
                     to: source)
    }

    mutating func receiveStream(_ move: Int, entries: [StreamEntry], from source: NodeID, _ context: inout Context) {
        guard let index = incoming.firstIndex(where: { $0.plan.move == move }),
              incoming[index].copied >= incoming[index].total else { return }
        for entry in entries where entry.sequence == incoming[index].applied + 1 {
            store[entry.key] = entry.item
            merge(Session(client: entry.client, request: entry.request, result: .written(version: entry.item.version)))
            incoming[index].applied += 1
        }
        context.send(.streamAck(move: move, copied: incoming[index].copied, sequence: incoming[index].applied),
                     to: source)
    }

    private mutating func merge(_ session: Session) {
        if let known = sessions[session.client], known.request >= session.request { return }
        sessions[session.client] = session
    }
}
