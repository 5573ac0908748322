import Benchmark
import DSAdvisorCore

// In-process costs of the advisor, without process start-up.

benchmark("recommend --consistency strong (rules, sizing, sharpening)") {
    let advisor = Advisor(base: .embedded)
    let result = advisor.recommend([("consistency", "strong")])
    precondition(result.best != nil)
}

benchmark("recommend + render json") {
    let advisor = Advisor(base: .embedded)
    let result = advisor.recommend([("consistency", "strong")])
    let text = RecommendationRenderer(base: .embedded).render(result, as: .json)
    precondition(!text.isEmpty)
}

benchmark("recommend with all eight answers") {
    let advisor = Advisor(base: .embedded)
    let result = advisor.recommend([
        ("consistency", "strong"), ("fault-tolerance", "fail-recovery"), ("data-model", "key-value"),
        ("communication", "synchronous"), ("scaling", "read-heavy"), ("latency", "interactive"),
        ("network", "reliable"), ("deployment", "cloud-native"),
    ])
    precondition(result.best != nil)
}

Benchmark.main()
