/// A group-chat participant that broadcasts every post to all others, for the causal
/// broadcast demo. With `CausalRule` it delivers by the Birman–Schiper–Stephenson rule
/// (`CausalDeliveryQueue`); with `ImmediateRule` it shows each post the moment it arrives,
/// which is what a chat without vector clocks does. Both stamp posts with a vector clock and
/// a Lamport clock, so the demo can compare what each clock says about the same run.
///
/// Below the delivery rule sits a reliable channel: every copy is acknowledged, and the sender
/// retransmits unacknowledged copies every `retransmitEvery` (the paper assumes reliable
/// FIFO-less channels; this is the cheapest way to get them over a lossy, partitioned network).
///
/// Recovery: the whole state is persisted after every handler, with the transcript of every
/// line the node has shown. A crash can land between that write and the handler's effects
/// (the write durable, nothing shown yet): the disk then says a post was delivered that the
/// reader never saw, and later posts that depend on it would be shown without it. Rollback
/// recovery states the rule this breaks: the outside world must be consistent with every state
/// a process can recover to (the output-commit problem; Elnozahy, Alvisi, Wang & Johnson, "A
/// Survey of Rollback-Recovery Protocols in Message-Passing Systems", ACM Computing Surveys
/// 2002). A restarted node therefore redraws its screen from the durable transcript before it
/// handles anything else, so a line a crash swallowed is shown before any line after it.
///
/// Simplifications:
/// - The screen is redrawn whole; a reader (the harness) skips the lines it has already seen.
/// - Static membership: the cluster is fixed at boot.
import Simulation

public struct ChatNode<Rule: ChatDeliveryRule>: SimulatedNode {
    public typealias Post = CausalDeliveryQueue<ChatPost>.Stamped

    public enum Message: Sendable {
        case chat(Post)
        case ack(origin: NodeID, sequence: UInt64)
    }

    public enum Timer: Hashable, Sendable { case retransmit }

    public enum Command: Sendable {
        /// Broadcast a post with the harness-assigned id `id`.
        case post(id: Int, text: String)
    }

    public enum Output: Sendable {
        case sent(Post)
        case heldBack(Post, waitingFor: (node: NodeID, sequence: UInt64))
        /// `released` is true when the post had been held back.
        case delivered(Post, released: Bool)
        /// After a restart: the whole durable transcript, oldest line first.
        case redrawn([TranscriptLine])
    }

    /// One line the node has shown: a post it sent, or one it delivered.
    public enum TranscriptLine: Sendable {
        case sent(Post)
        case delivered(Post)
    }

    public struct State: Sendable {
        var queue: CausalDeliveryQueue<ChatPost>
        /// The merge of every delivered post's clock: what `ImmediateRule` stamps with.
        var clock = VectorClock()
        var lamport = LamportClock()
        /// (origin << 32 | sequence) of every post delivered: duplicate detection for
        /// `ImmediateRule`, which cannot use the queue's counters.
        var seen = Set<UInt64>()
        var unacked: [(to: NodeID, post: Post)] = []
        /// Every line shown, in order: what a restart redraws.
        var transcript: [TranscriptLine] = []
    }

    public static var retransmitEvery: SimDuration { .milliseconds(30) }

    public let id: NodeID
    public let cluster: [NodeID]
    public private(set) var state: State

    public init(id: NodeID, cluster: [NodeID], durable: State?) {
        self.id = id
        self.cluster = cluster
        state = durable ?? State(queue: CausalDeliveryQueue(me: id))
    }

    public mutating func start(_ context: inout NodeContext<ChatNode>) {
        if !state.transcript.isEmpty { context.output(.redrawn(state.transcript)) }
        if !state.unacked.isEmpty { context.setTimer(.retransmit, after: Self.retransmitEvery) }
    }

    public mutating func handle(_ command: Command, _ context: inout NodeContext<ChatNode>) {
        guard case let .post(postID, text) = command else { return }
        let body = ChatPost(id: postID, text: text, lamport: state.lamport.tick())
        let post: Post
        if Rule.holdsBack {
            post = state.queue.broadcast(body)
        } else {
            state.clock.increment(id)
            post = Post(sender: id, clock: state.clock, payload: body)
        }
        state.clock.merge(post.clock)
        state.seen.insert(key(post))
        state.transcript.append(.sent(post))
        context.output(.sent(post))
        for peer in cluster where peer != id {
            state.unacked.append((peer, post))
            context.send(.chat(post), to: peer)
        }
        context.setTimer(.retransmit, after: Self.retransmitEvery)
        context.persist(state)
    }

    public mutating func receive(_ message: Message, from sender: NodeID, _ context: inout NodeContext<ChatNode>) {
        switch message {
        case let .ack(origin, sequence):
            state.unacked.removeAll { $0.to == sender && $0.post.sender == origin && $0.post.sequence == sequence }
        case let .chat(post):
            context.send(.ack(origin: post.sender, sequence: post.sequence), to: sender)
            if Rule.holdsBack { receiveCausally(post, &context) } else { receiveImmediately(post, &context) }
        }
        context.persist(state)
    }

    public mutating func fire(_ timer: Timer, _ context: inout NodeContext<ChatNode>) {
        guard !state.unacked.isEmpty else { return }
        for (peer, post) in state.unacked { context.send(.chat(post), to: peer) }
        context.setTimer(.retransmit, after: Self.retransmitEvery)
    }

    private mutating func receiveCausally(_ post: Post, _ context: inout NodeContext<ChatNode>) {
        switch state.queue.receive(post) {
        case .duplicate:
            return
        case let .heldBack(gap):
            context.output(.heldBack(post, waitingFor: gap))
        case let .delivered(released):
            accept(post, released: false, &context)
            for next in released { accept(next, released: true, &context) }
        }
    }

    private mutating func receiveImmediately(_ post: Post, _ context: inout NodeContext<ChatNode>) {
        guard !state.seen.contains(key(post)) else { return }
        accept(post, released: false, &context)
    }

    private mutating func accept(_ post: Post, released: Bool, _ context: inout NodeContext<ChatNode>) {
        state.seen.insert(key(post))
        state.clock.merge(post.clock)
        state.lamport.receive(post.payload.lamport)
        state.transcript.append(.delivered(post))
        context.output(.delivered(post, released: released))
    }

    private func key(_ post: Post) -> UInt64 { UInt64(post.sender) << 32 | post.sequence }
}

/// One chat line. `lamport` is the sender's Lamport timestamp for the send event.
public struct ChatPost: Sendable, Hashable {
    public let id: Int
    public let text: String
    public let lamport: UInt64
}

/// Whether a chat node holds back posts that arrive before their causes.
public protocol ChatDeliveryRule: Sendable {
    static var holdsBack: Bool { get }
}

/// Birman–Schiper–Stephenson causal delivery.
public enum CausalRule: ChatDeliveryRule {
    public static var holdsBack: Bool { true }
}

/// Show every post on arrival: no ordering at all (not even FIFO).
public enum ImmediateRule: ChatDeliveryRule {
    public static var holdsBack: Bool { false }
}
