import Simulation

/// The data path of a Kafka broker (Kafka design docs, "Replication"; KIP-98 for the
/// idempotent producer, KIP-101/KIP-320 for epoch-based truncation): produce with
/// `acks=all` and `min.insync.replicas`, follower fetch with divergence detection, the high
/// watermark, and consumer reads that stop at the high watermark.
///
/// Simplifications:
/// - One record per produce request; fetch replies carry at most `maxBatch` records.
/// - Producer state is read from the log itself on each request (no snapshot files).
extension Broker {
    mutating func handleProduce(_ p: Int, producerID: Int, sequence: Int, value: Int, from producer: NodeID,
                                _ context: inout Context) {
        let replica = replicas[p]
        guard replica.role == .leader, let state = replica.state else {
            context.send(.produceReply(partition: p, sequence: sequence, .notLeader), to: producer)
            return
        }
        let last = logs[p].lastSequence(of: producerID)
        if sequence <= last, let offset = logs[p].offset(of: producerID, sequence: sequence) {
            context.output(.note("dedupe", "p\(p): producer \(producerID) seq \(sequence) is already at offset"
                + " \(offset); not appended again"))
            if offset < replica.highWatermark || config.acks == .leader {
                context.send(.produceReply(partition: p, sequence: sequence, .ok(offset: offset, duplicate: true)), to: producer)
            } else {
                replicas[p].pendingAcks.append((offset, sequence))
            }
            return
        }
        if sequence != last + 1 {
            context.send(.produceReply(partition: p, sequence: sequence, .outOfOrderSequence(expected: last + 1)),
                         to: producer)
            return
        }
        guard state.isr.count >= config.minInsyncReplicas else {
            context.send(.produceReply(partition: p, sequence: sequence, .notEnoughReplicas), to: producer)
            return
        }
        logs[p].append(PartitionLog.Record(epoch: state.leaderEpoch, producerID: producerID, sequence: sequence, value: value))
        context.persist(durable)
        replicas[p].followerEnd[id] = logs[p].endOffset
        if config.acks == .leader {
            let offset = logs[p].endOffset - 1
            context.send(.produceReply(partition: p, sequence: sequence, .ok(offset: offset, duplicate: false)), to: producer)
        } else {
            replicas[p].pendingAcks.append((logs[p].endOffset - 1, sequence))
        }
        advanceHighWatermark(p, &context)
    }

    /// HW = the smallest log end offset over the maximal ISR; it never moves back. Writes below
    /// it are acknowledged, unless the ISR has fallen below `min.insync.replicas`.
    mutating func advanceHighWatermark(_ p: Int, _ context: inout Context) {
        guard replicas[p].role == .leader, let state = replicas[p].state else { return }
        let members = Set(state.isr).union(replicas[p].pendingISR ?? []).sorted()
        var hw = logs[p].endOffset
        for member in members where member != id { hw = min(hw, replicas[p].followerEnd[member]) }
        if hw > replicas[p].highWatermark { replicas[p].highWatermark = hw }
        let committed = replicas[p].highWatermark
        let enough = state.isr.count >= config.minInsyncReplicas
        var waiting: [(offset: Int, sequence: Int)] = []
        for ack in replicas[p].pendingAcks {
            if ack.offset >= committed { waiting.append(ack); continue }
            let result: ProduceResult = enough ? .ok(offset: ack.offset, duplicate: false) : .notEnoughReplicas
            context.send(.produceReply(partition: p, sequence: ack.sequence, result), to: config.producer)
        }
        replicas[p].pendingAcks = waiting
    }

    mutating func handleFetch(_ p: Int, epoch: Int, offset: Int, lastEpoch: Int, from follower: NodeID,
                              _ context: inout Context) {
        let replica = replicas[p]
        guard replica.role == .leader, let state = replica.state else { return }
        guard epoch == state.leaderEpoch else {
            if epoch < state.leaderEpoch {
                context.send(.fetchFenced(partition: p, leaderEpoch: state.leaderEpoch), to: follower)
            }
            return
        }
        if let diverging = logs[p].divergence(fetchOffset: offset, lastFetchedEpoch: lastEpoch) {
            context.send(.fetchDiverging(partition: p, leaderEpoch: epoch, fetchOffset: offset, epoch: diverging.epoch,
                                         endOffset: diverging.offset), to: follower)
            return
        }
        let end = min(offset, logs[p].endOffset)
        replicas[p].followerEnd[follower] = end
        // Kafka's rule: caught up now if at our end, or as of its previous fetch if it has
        // reached where our log ended then.
        let previous = replicas[p].lastFetch[follower]
        if end >= logs[p].endOffset {
            replicas[p].lastCaughtUp[follower] = context.now
        } else if end >= previous.leaderEnd {
            replicas[p].lastCaughtUp[follower] = max(replicas[p].lastCaughtUp[follower], previous.time)
        }
        replicas[p].lastFetch[follower] = (context.now, logs[p].endOffset)
        advanceHighWatermark(p, &context)
        let hw = replicas[p].highWatermark
        if !state.isr.contains(follower), end >= hw, replicas[p].pendingISR == nil {
            proposeExpansion(p, adding: follower, &context)
        }
        let upTo = min(logs[p].endOffset, end + config.maxBatch)
        let records = Array(logs[p].records[end..<upTo])
        context.send(.fetchRecords(partition: p, leaderEpoch: epoch, fetchOffset: end, records: records,
                                   highWatermark: hw), to: follower)
    }

    mutating func fetchFromLeader(_ p: Int, _ context: inout Context) {
        guard replicas[p].role == .follower, let state = replicas[p].state, let leader = state.leader else { return }
        context.send(.fetch(partition: p, leaderEpoch: state.leaderEpoch, fetchOffset: logs[p].endOffset,
                            lastFetchedEpoch: logs[p].lastEpoch), to: leader)
        context.setTimer(.fetch(partition: p), after: config.fetchInterval)
    }

    mutating func appendFetched(_ p: Int, epoch: Int, offset: Int, records: [PartitionLog.Record], leaderHW: Int,
                                _ context: inout Context) {
        guard replicas[p].role == .follower, epoch == replicas[p].epoch, offset == logs[p].endOffset else { return }
        for record in records { logs[p].append(record) }
        if !records.isEmpty { context.persist(durable) }
        replicas[p].highWatermark = max(replicas[p].highWatermark, min(leaderHW, logs[p].endOffset))
        if !records.isEmpty { fetchFromLeader(p, &context) }
    }

    /// KIP-320: cut the log back to where it last agreed with the leader's epoch history.
    ///
    /// Only an answer to a fetch from the current log end counts: a late or duplicated answer
    /// to an older fetch (same leader epoch) describes a log the follower has since repaired
    /// and extended with records from this very leader, committed ones among them, and would
    /// cut those. Kafka's fetcher does the same (`AbstractFetcherThread.processFetchRequest`
    /// processes a response only if the partition's fetch offset is still the one requested).
    mutating func truncateDivergent(_ p: Int, epoch: Int, fetchOffset: Int, divergentEpoch: Int, endOffset: Int,
                                    _ context: inout Context) {
        guard replicas[p].role == .follower, epoch == replicas[p].epoch, fetchOffset == logs[p].endOffset else { return }
        let mine = logs[p].endOffset(forEpoch: divergentEpoch).offset
        let cut = min(endOffset, mine, logs[p].endOffset)
        guard cut < logs[p].endOffset else { return }
        let dropped = logs[p].records[cut...].map(\.description).joined(separator: " ")
        logs[p].truncate(to: cut)
        context.persist(durable)
        context.output(.note("truncate", "p\(p) follower n\(id): log diverges from leader epoch"
            + " \(epoch) at offset \(cut); drops \(dropped)"))
        replicas[p].highWatermark = min(replicas[p].highWatermark, cut)
        fetchFromLeader(p, &context)
    }

    func handleConsumerFetch(_ p: Int, offset: Int, from consumer: NodeID, _ context: inout Context) {
        let replica = replicas[p]
        guard replica.role == .leader else {
            context.send(.consumerRecords(partition: p, offset: offset, records: [], notLeader: true), to: consumer)
            return
        }
        let upTo = min(replica.highWatermark, offset + config.maxBatch)
        let records = offset < upTo ? Array(logs[p].records[offset..<upTo]) : []
        context.send(.consumerRecords(partition: p, offset: offset, records: records, notLeader: false), to: consumer)
    }
}
