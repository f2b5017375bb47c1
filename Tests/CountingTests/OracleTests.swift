// Foresight — CountingTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import Testing
import TensorCore
@testable import Counting

/// Runs one episode of a registered id from `startCount` with the oracle; returns the return and the last step.
func oracleEpisode(_ id: String, startCount: Int, oracle: CountingOracle, seed: UInt64 = 0) throws -> (return: Double, steps: Int, last: Step<Tensor>) {
    var env = try countingRegistry().make(id)
    var info = try env.reset(seed: seed, options: ["count": .number(Double(startCount))]).info
    var total = 0.0, steps = 0
    while true {
        let step = try env.step(try oracle.action(info: info))
        total += Double(step.reward)
        steps += 1
        info = step.info
        if step.isLast { return (total, steps, step) }
    }
}

/// The best return over every action sequence, by exhaustive search on copies of the environment (value semantics).
func bruteForceReturn<A: CountingActionSet>(_ env: CountingEnvironment<A>, actions: [A.Action], stepsLeft: Int) throws -> Double {
    guard stepsLeft > 0 else { return 0 }
    var best = -Double.infinity
    for action in actions {
        var copy = env
        let step = try copy.step(action)
        let future = step.isTerminated ? 0 : try bruteForceReturn(copy, actions: actions, stepsLeft: stepsLeft - 1)
        best = max(best, Double(step.reward) + future)
    }
    return best
}

@Suite struct OracleTests {
    @Test(arguments: 0...8)
    func holdOracleReachesFiftyMinusDistance(startCount: Int) throws {
        let oracle = try CountingOracle(configuration: .hold, actions: .removeKeepAdd)
        let expected = Double(50 - abs(startCount - 4))
        #expect(oracle.optimalReturn(startCount: startCount) == expected)
        let (total, steps, last) = try oracleEpisode(CountingFamily.holdID, startCount: startCount, oracle: oracle)
        #expect(total == expected && steps == 50)
        #expect(last.isTruncated && !last.isTerminated && last.info[CountingInfoKey.count] == 4)
    }

    @Test(arguments: 0...8)
    func paperOracleAlwaysSucceedsWithinFourSteps(startCount: Int) throws {
        let oracle = try CountingOracle(configuration: .paper, actions: .sign)
        #expect(oracle.optimalReturn(startCount: startCount) == 1)
        let (total, steps, last) = try oracleEpisode(CountingFamily.paperID, startCount: startCount, oracle: oracle)
        #expect(total == 1 && last.isTerminated && last.info[CountingInfoKey.count] == 4)
        #expect(steps == (startCount == 4 ? 2 : abs(startCount - 4)))   // from 4: step away and back
        #expect(last.isTruncated == (steps == 4))                        // TimeLimit marks the fourth step
    }

    @Test func oracleIsOptimalAgainstExhaustiveSearch() throws {
        let variants: [(CountingConfiguration, CountingActionKind)] = [
            (.paper, .sign),
            (CountingConfiguration(reward: .dense), .sign),                                         // detours pay
            (CountingConfiguration(reward: .dense, terminatesOnSuccess: false, maxEpisodeSteps: 5), .removeAdd),
            (CountingConfiguration(target: 2, rewardTiming: .beforeAction, terminatesOnSuccess: false, maxEpisodeSteps: 5), .removeKeepAdd),
            (CountingConfiguration(target: 7, reward: .dense, maxEpisodeSteps: 6), .removeKeepAdd),
        ]
        for (configuration, kind) in variants {
            let oracle = try CountingOracle(configuration: configuration, actions: kind)
            let horizon = try #require(configuration.maxEpisodeSteps)
            for c in 0...configuration.maxCount {
                var best: Double
                switch kind {
                case .sign:
                    var env = try CountingSignEnvironment(configuration: configuration)
                    _ = try env.reset(seed: 0, options: ["count": .number(Double(c))])
                    best = try bruteForceReturn(env, actions: [Tensor([-1]), Tensor([1])], stepsLeft: horizon)
                case .removeAdd:
                    var env = try CountingRemoveAddEnvironment(configuration: configuration)
                    _ = try env.reset(seed: 0, options: ["count": .number(Double(c))])
                    best = try bruteForceReturn(env, actions: [0, 1], stepsLeft: horizon)
                case .removeKeepAdd:
                    var env = try CountingRemoveKeepAddEnvironment(configuration: configuration)
                    _ = try env.reset(seed: 0, options: ["count": .number(Double(c))])
                    best = try bruteForceReturn(env, actions: [0, 1, 2], stepsLeft: horizon)
                }
                #expect(abs(oracle.optimalReturn(startCount: c) - best) < 1e-9, "\(configuration) \(kind) from \(c)")
                // Following the oracle's moves achieves that value.
                var count = c, total = 0.0
                for t in 0..<horizon {
                    let move = oracle.move(count: count, stepsTaken: t)
                    let next = configuration.applying(move, to: count)
                    total += Double(configuration.reward(forCount: configuration.rewardTiming == .afterAction ? next : count))
                    count = next
                    if configuration.terminatesOnSuccess && count == configuration.target { break }
                }
                #expect(abs(total - best) < 1e-9)
            }
        }
        // The dense paper variant from the target: a detour 5, 6, 5, 4 earns 0.875 + 0.75 + 0.875 + 2.
        let dense = try CountingOracle(configuration: CountingConfiguration(reward: .dense), actions: .sign)
        #expect(dense.optimalReturn(startCount: 4) == 4.5)
    }

    @Test func oracleNeedsAHorizonAndValidInfo() throws {
        #expect(throws: EnvironmentError.self) {
            try CountingOracle(configuration: CountingConfiguration(maxEpisodeSteps: nil), actions: .sign)
        }
        let unlimited = try CountingOracle(configuration: CountingConfiguration(maxEpisodeSteps: nil), actions: .removeKeepAdd, horizon: 100)
        #expect(unlimited.move(count: 4, stepsTaken: 0) == .keep && unlimited.move(count: 0, stepsTaken: 0) == .add)
        let oracle = try CountingOracle(configuration: .paper, actions: .sign)
        #expect(throws: EnvironmentError.self) { try oracle.action(info: [:]) }
        #expect(throws: EnvironmentError.self) { try oracle.action(info: ["count": 12, "step": 0]) }
        #expect(try oracle.action(info: ["count": 8, "step": 0]) == Tensor([-1]))
    }
}
