import Simulation

extension SagaDemo.Options {
    public static var defaults: Self { Self() }
}

/// The saga demo as the CLI offers it: every parameter, its range and its help.
extension SagaDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "saga",
            title: "Orchestrated saga: reverse compensations, retries, idempotency keys, saga log.",
            story: """
                A trip (flight, hotel, car, payment) booked by an orchestrator: one saga commits, one \
                is refused at each step in turn, a compensation is flaky, the orchestrator crashes \
                mid-saga and resumes from its log, a service outage exhausts an action's retries; \
                then a burst of concurrent sagas drawn from the seed. Invariants are checked live \
                against each participant's ledger. The story's crashes are its faults (`story`); \
                drawn kinds add random faults to them, `none` leaves them out.
                """,
            examples: [
                "demo saga",
                "demo saga --seed 7 --faults all --drop 100 --dup 100",
                "demo saga --variant no-idempotency",
            ],
            parameters: [
                .faults(\.faults, offers: .all, story: true, help: "The story's crashes, plus any drawn from the seed."),
                .integer("burst", \.burst, in: 0...50, help: "Concurrent sagas with seeded outcomes after the scripted story."),
                .integer("drop", \.dropPerMille, in: 0...500, help: "Message loss, per mille."),
                .integer("dup", \.duplicatePerMille, in: 0...500, help: "Message duplication, per mille."),
                .integer("transient", \.transientErrorPerMille, in: 0...500, help: "Odds a participant answers 503, per mille."),
                .integer("action-attempts", \.maxActionAttempts, in: 1...10,
                         help: "Attempts per action before it is given up and compensated."),
                .choice("variant", \.variant, help: "Protocol variant (the broken ones are caught by the checker).").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("at-most-once", .safety, "a participant applies each action at most once"),
                DemoInvariant("no-phantom-compensation", .safety, "only a step that ran is compensated"),
                DemoInvariant("reverse-order", .safety, "compensations run in reverse order of the actions"),
                DemoInvariant("no-action-after-compensation", .safety, "an action never lands after its compensation"),
                DemoInvariant("all-or-nothing", .safety, "a committed saga holds every action, a compensated one none"),
                DemoInvariant("saga-liveness", .liveness, "every saga finishes once faults stop"),
            ],
            injections: \.injected,
            nodeCount: { _ in 5 },
            details: details,
            run: run)
    }
}
