import Foundation
import Simulation

/// The balls-into-bins experiment behind power-of-two choices: throw n balls into n bins, each
/// into one random bin (maximum load about ln n / ln ln n, Gonnet 1981; Raab & Steger 1998) or
/// into the less loaded of d >= 2 random bins (about ln ln n / ln d + O(1), Azar, Broder,
/// Karlin & Upfal, STOC 1994; Mitzenmacher, IEEE TPDS 2001, Theorem 1).
///
/// Simplifications:
/// - The d bins are drawn independently (with replacement), as in the theorem.
/// - The formulas are leading terms only: for real n the one-choice maximum sits well above
///   ln n / ln ln n (the lower-order terms decay very slowly), which the table shows honestly.
///   Foundation is imported for `log` in those printed formulas only.
public enum BallsIntoBins {
    public struct Row: Sendable {
        public var n: Int
        public var trials: Int
        /// Mean maximum load over the trials, for one random choice and for d choices.
        public var oneChoice: Double
        public var twoChoices: Double
        public var oneChoiceFormula: Double { log(Double(n)) / log(log(Double(n))) }
        public var twoChoicesFormula: Double { log(log(Double(n))) / log(2) }
    }

    /// The maximum load after n balls go into n bins, each into the least loaded of `choices`
    /// uniformly drawn bins (ties: the first drawn).
    public static func maximumLoad(n: Int, choices: Int, rng: inout SeededRNG) -> Int {
        var bins = [UInt32](repeating: 0, count: n)
        var highest: UInt32 = 0
        let bound = UInt64(n)
        for _ in 0..<n {
            var best = Int(rng.below(bound))
            for _ in 1..<max(choices, 1) {
                let other = Int(rng.below(bound))
                if bins[other] < bins[best] { best = other }
            }
            bins[best] += 1
            highest = max(highest, bins[best])
        }
        return Int(highest)
    }

    /// 10^exponent, the table's largest n.
    public static func largest(exponent: Int) -> Int {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    public static func run(sizes: [(n: Int, trials: Int)], rng: inout SeededRNG) -> [Row] {
        sizes.map { size in
            var one = 0, two = 0
            for _ in 0..<size.trials {
                one += maximumLoad(n: size.n, choices: 1, rng: &rng)
                two += maximumLoad(n: size.n, choices: 2, rng: &rng)
            }
            return Row(n: size.n, trials: size.trials,
                       oneChoice: Double(one) / Double(size.trials), twoChoices: Double(two) / Double(size.trials))
        }
    }
}
