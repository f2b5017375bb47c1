// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Counting
import Foundation
import RLCore
import TDMPC2
import TensorCore

// MARK: - Closed-loop evaluation

/// Closed-loop control of one agent on one task, next to the oracle on the same start counts.
public struct ControlScores: Codable, Equatable, Sendable {
    /// Episodes played.
    public var episodes: Int
    /// Counting-v0: the fraction of episodes that reach 4 objects (and terminate). CountingHold-v0: the fraction
    /// that end holding 4 objects.
    public var successRate: Double
    /// Mean undiscounted return.
    public var meanReturn: Double
    /// Mean steps until the count first equals the target, over the episodes that reach it (nil if none does).
    public var meanStepsToTarget: Double?
    /// The oracle's success rate, mean return and mean steps to target on the same start counts.
    public var oracleSuccessRate: Double
    public var oracleMeanReturn: Double
    public var oracleMeanStepsToTarget: Double?
    /// The same figures for each start count, with the count every episode ended at (where an agent gets stuck).
    public var byStartCount: [StartCountScores]? = nil
    /// Every failed episode with its nuisance factors (shape, colour brightness): failures that share a factor point
    /// at scenes the encoder does not count well.
    public var failures: [FailedEpisode]? = nil
    /// The mean colour brightness (`[0, 1]`) of the successful episodes, to compare with the failures'.
    public var successMeanBrightness: Double? = nil

    /// How much longer the agent takes to reach the target than the oracle, as a fraction (0.05 is 5 % more
    /// steps); nil when either never reaches it.
    public var stepsToTargetExcess: Double? {
        guard let a = meanStepsToTarget, let o = oracleMeanStepsToTarget, o > 0 else { return nil }
        return a / o - 1
    }
}

/// ``ControlScores`` of the episodes that started from one count.
public struct StartCountScores: Codable, Equatable, Sendable {
    public var startCount: Int
    public var episodes: Int
    public var successRate: Double
    public var meanStepsToTarget: Double?
    public var oracleMeanStepsToTarget: Double?
    /// The count each episode ended at, in episode order.
    public var finalCounts: [Int]
}

/// One failed episode of ``ControlScores``.
public struct FailedEpisode: Codable, Equatable, Sendable {
    public var startCount: Int
    public var finalCount: Int
    public var shape: String?
    /// The colour's mean channel in `[0, 1]`.
    public var brightness: Double?
}

extension ControlScores {
    /// Plays `episodes` evaluation episodes (MPPI without exploration noise) of `agent` on `Counting-v0` or
    /// `CountingHold-v0` (start counts cycle through 0...8), next to the oracle on the same start counts. The agent
    /// acts as trained by the trainer: a `Box(1)` sign action for Counting-v0, a one-hot (or three scores) for
    /// CountingHold-v0.
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` for another environment id; environment errors
    ///   (for example an agent whose action width does not fit the task).
    public static func measure(agent: TDMPC2Agent, environment id: String, episodes: Int, seed: UInt64) throws -> ControlScores {
        guard let task = CountingTask(rawValue: id) else {
            throw StudyError.invalidSetting(name: "environment", value: id, expected: "Counting-v0 or CountingHold-v0")
        }
        guard episodes >= 1 else { throw StudyError.invalidSetting(name: "episodes", value: "\(episodes)", expected: ">= 1") }
        return try ClosedLoop.evaluate(agent: agent, task: task, episodes: episodes, seed: seed)
    }
}

enum ClosedLoop {
    /// Plays `episodes` episodes with MPPI in evaluation mode; start counts cycle through `0...maxCount`.
    static func evaluate(agent: TDMPC2Agent, task: CountingTask, episodes: Int, seed: UInt64) throws -> ControlScores {
        var env = try TaskEnvironment(task: task, seed: seed)
        var outcomes: [EpisodeOutcome] = []
        let maxCount = task.configuration.maxCount
        for i in 0..<episodes {
            let (_, outcome) = try Rollout.episode(&env, seed: i == 0 ? seed : nil, startCount: i % (maxCount + 1)) { observation, first in
                agent.act(observation, isFirstStep: first, mode: .evaluate)
            }
            outcomes.append(outcome)
        }
        let oracle = try CountingOracle(configuration: task.configuration, actions: task.actionKind, horizon: task.maxEpisodeSteps)
        let best = outcomes.map { oracleOutcome(oracle, task: task, startCount: $0.startCount) }
        func summary(_ o: [EpisodeOutcome]) -> (Double, Double, Double?) {
            let success = o.filter { isSuccess($0, task: task) }.count
            let reached = o.compactMap(\.stepsToTarget)
            return (Double(success) / Double(Swift.max(o.count, 1)), o.map(\.totalReward).reduce(0, +) / Double(Swift.max(o.count, 1)),
                    reached.isEmpty ? nil : Double(reached.reduce(0, +)) / Double(reached.count))
        }
        let (s, r, t) = summary(outcomes), (os, or, ot) = summary(best)
        let byStart = Set(outcomes.map(\.startCount)).sorted().map { start -> StartCountScores in
            let mine = outcomes.filter { $0.startCount == start }, theirs = best.filter { $0.startCount == start }
            let (s, _, t) = summary(mine), (_, _, ot) = summary(theirs)
            return StartCountScores(startCount: start, episodes: mine.count, successRate: s, meanStepsToTarget: t,
                                    oracleMeanStepsToTarget: ot, finalCounts: mine.map(\.finalCount))
        }
        let succeeded = outcomes.map { isSuccess($0, task: task) }
        let failed = zip(outcomes, succeeded).filter { !$0.1 }.map(\.0)
        let successBrightness = zip(outcomes, succeeded).compactMap { $0.1 ? $0.0.brightness : nil }
        return ControlScores(episodes: episodes, successRate: s, meanReturn: r, meanStepsToTarget: t,
                             oracleSuccessRate: os, oracleMeanReturn: or, oracleMeanStepsToTarget: ot, byStartCount: byStart,
                             failures: failed.map { FailedEpisode(startCount: $0.startCount, finalCount: $0.finalCount, shape: $0.shape, brightness: $0.brightness) },
                             successMeanBrightness: successBrightness.isEmpty ? nil : successBrightness.reduce(0, +) / Double(successBrightness.count))
    }

    static func isSuccess(_ o: EpisodeOutcome, task: CountingTask) -> Bool {
        task == .counting ? o.stepsToTarget != nil : o.finalCount == task.configuration.target
    }

    /// The oracle's episode from `startCount` on the count dynamics (deterministic given the moves).
    static func oracleOutcome(_ oracle: CountingOracle, task: CountingTask, startCount: Int) -> EpisodeOutcome {
        let c = task.configuration
        var count = startCount, total = 0.0, reached: Int? = nil, length = 0
        for t in 0..<task.maxEpisodeSteps {
            let next = c.applying(oracle.move(count: count, stepsTaken: t), to: count)
            total += Double(c.reward(forCount: c.rewardTiming == .afterAction ? next : count))
            count = next
            length = t + 1
            if reached == nil && count == c.target { reached = t + 1 }
            if c.terminatesOnSuccess && count == c.target { break }
        }
        return EpisodeOutcome(startCount: startCount, finalCount: count, totalReward: total, length: length, stepsToTarget: reached)
    }

    /// Runs `episodes` episodes of the agent's own exploration (MPPI, explore mode) on `task`, adding each to
    /// `buffer` and taking one update per environment step (TD-MPC2's online loop).
    static func trainOnline(agent: TDMPC2Agent, task: CountingTask, buffer: inout EpisodeReplayBuffer, episodes: Int,
                            seed: UInt64, generator: inout SeededGenerator) throws -> [UpdateMetrics] {
        var env = try TaskEnvironment(task: task, seed: seed)
        var metrics: [UpdateMetrics] = []
        for i in 0..<episodes {
            let (episode, _) = try Rollout.episode(&env, seed: i == 0 ? seed : nil) { observation, first in
                agent.act(observation, isFirstStep: first, mode: .explore)
            }
            guard let episode else { continue }
            buffer.append(episode)
            for _ in 0..<episode.length {
                let batch = try buffer.sample(batchSize: agent.configuration.batchSize, horizon: agent.configuration.horizon, using: &generator)
                metrics.append(agent.update(batch))
            }
        }
        return metrics
    }
}
