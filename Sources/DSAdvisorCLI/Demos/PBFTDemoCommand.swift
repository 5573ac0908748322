import ArgumentParser
import PBFT
import Simulation

/// `dsadvisor demo bft`: PBFT with 3f+1 replicas, Byzantine primaries and view changes.
struct PBFTDemoCommand: DemoRunner {
    static let demoID = "bft"
    static let configuration = CommandConfiguration(
        commandName: "bft",
        abstract: "PBFT: 3f+1 replicas agree despite f Byzantine ones; view changes replace a bad primary.",
        discussion: """
            Castro & Liskov's Practical Byzantine Fault Tolerance: pre-prepare, prepare, commit; \
            checkpoints with watermarks; view changes with prepared certificates. Faulty \
            replicas equivocate, lie or stay silent. With --faulty above f the demo shows the \
            safety break the theory predicts and exits 0.

            Examples:
              dsadvisor demo bft
              dsadvisor demo bft --f 2 --byzantine lie --faults all
              dsadvisor demo bft --faulty 2            # f = 1: two colluders break agreement
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Faults tolerated, f (1...3); n = 3f+1 replicas.")
    var f = 1

    @Option(help: "Byzantine behaviour of faulty replicas: equivocate, lie, silent, none.")
    var byzantine: ByzantineBehaviour = .equivocate

    @Option(help: "Number of faulty replicas (0...n-1; default f). Above f shows the predicted safety break.")
    var faulty: Int?

    @Option(help: "Number of clients (1...6).")
    var clients = 2

    @Option(help: "Requests per client (1...200).")
    var requests = 12

    @Option(help: "Checkpoint interval K (2...64); the log window L is 2K.")
    var checkpointInterval = 4

    @Option(help: "Sequence number from which faulty replicas misbehave (default: drawn from the seed).")
    var misbehaveFrom: Int?

    @Option(help: "Network faults drawn from the seed: none, partition, drop, all (crash is not modelled).")
    var faults = "drop"

    func validate() throws {
        guard (1...3).contains(f) else { throw ValidationError("--f must be 1...3") }
        if let faulty { guard (0...(3 * f)).contains(faulty) else { throw ValidationError("--faulty must be 0...3f") } }
        guard (1...6).contains(clients) else { throw ValidationError("--clients must be 1...6") }
        guard (1...200).contains(requests) else { throw ValidationError("--requests must be 1...200") }
        guard (2...64).contains(checkpointInterval) else { throw ValidationError("--checkpoint-interval must be 2...64") }
        if let misbehaveFrom { guard misbehaveFrom >= 0 else { throw ValidationError("--misbehave-from must be >= 0") } }
        guard FaultPlan.Kinds(name: faults) != nil, faults != "crash" else {
            throw ValidationError("--faults must be one of none, partition, drop, all")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = PBFTDemo.Options(
            seed: common.seed, f: f, clients: clients, requestsPerClient: requests, behaviour: byzantine,
            faulty: faulty, checkpointInterval: checkpointInterval, misbehaveFromSeq: misbehaveFrom,
            networkFaults: FaultPlan.Kinds(name: faults) ?? .drop)
        return PBFTDemo.run(options, on: timeline)
    }
}

extension ByzantineBehaviour: ExpressibleByArgument {}
