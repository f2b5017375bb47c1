// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Counting
import Foundation
import RLCore
import TensorCore

// MARK: - Tasks

/// The two counting tasks of the study, as continuous-action environments for the TD-MPC2 agent.
public enum CountingTask: String, Codable, Sendable, CaseIterable {
    /// `Counting-v0`: the paper's sign action `Box(1)`, 4 steps, terminates at 4 objects.
    case counting = "Counting-v0"
    /// `CountingHold-v0`: `Discrete(3)` (remove, keep, add) presented as `Box(-1, 1, [3])` scores through
    /// ``DiscreteAsBox`` (the argmax is taken); 50 steps, reward for each step that starts at 4 objects.
    case hold = "CountingHold-v0"

    /// The variant's settings.
    public var configuration: CountingConfiguration { self == .counting ? .paper : .hold }
    /// The agent's action width.
    public var actionDimensions: Int { self == .counting ? 1 : 3 }
    /// The step limit.
    public var maxEpisodeSteps: Int { configuration.maxEpisodeSteps ?? 50 }
    /// The oracle's action encoding.
    var actionKind: CountingActionKind { self == .counting ? .sign : .removeKeepAdd }
}

/// One finished episode's summary.
public struct EpisodeOutcome: Sendable, Equatable {
    public var startCount: Int
    public var finalCount: Int
    public var totalReward: Double
    public var length: Int
    /// The first step after which the count equalled the target (nil if never).
    public var stepsToTarget: Int?
    /// The episode's nuisance factors (fixed for an episode): the shape's name and the colour's mean channel in
    /// `[0, 1]` (nil for an outcome computed without an environment, such as the oracle's).
    public var shape: String? = nil
    public var brightness: Double? = nil
}

/// A counting environment with continuous (tensor) actions, for collection and evaluation.
struct TaskEnvironment {
    let task: CountingTask
    /// The environment's settings: the task's, with the chosen reward.
    let configuration: CountingConfiguration
    private var sign: CountingSignEnvironment?
    private var hold: DiscreteAsBox<CountingRemoveKeepAddEnvironment>?

    /// - Parameters:
    ///   - reward: the reward (and current-reward target) of the episodes; the task's own by default.
    ///   - episodeSteps: the step limit of the episodes; the task's own by default.
    ///   - terminatesOnSuccess: whether reaching the target ends an episode; the task's own by default.
    init(task: CountingTask, seed: UInt64, reward: CountingReward? = nil, episodeSteps: Int? = nil, terminatesOnSuccess: Bool? = nil) throws {
        self.task = task
        var configuration = task.configuration
        if let reward { configuration.reward = reward }
        if let episodeSteps { configuration.maxEpisodeSteps = episodeSteps }
        if let terminatesOnSuccess { configuration.terminatesOnSuccess = terminatesOnSuccess }
        self.configuration = configuration
        switch task {
        case .counting: sign = try CountingSignEnvironment(configuration: configuration, seed: seed)
        case .hold: hold = try CountingRemoveKeepAddEnvironment(configuration: configuration, seed: seed).boxActions()
        }
    }

    mutating func reset(seed: UInt64?, startCount: Int?) throws -> (observation: Tensor, info: [String: Double]) {
        var options = ResetOptions()
        if let startCount { options["count"] = .number(Double(startCount)) }
        if sign != nil { return try sign!.reset(seed: seed, options: options) }
        return try hold!.reset(seed: seed, options: options)
    }

    mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        if sign != nil { return try sign!.step(action) }
        return try hold!.step(action)
    }
}

// MARK: - Rollouts

/// Runs episodes and records them, for random-action collection, agent evaluation and online training.
enum Rollout {
    /// The per-observation auxiliary value: the reward of the state itself, `1[count = target]` for the sparse
    /// reward (the authors' `reward_pre`, the current-reward head's target).
    static func stateValue(_ info: [String: Double], configuration: CountingConfiguration) -> Float {
        let count = Int(info[CountingInfoKey.count] ?? -1)
        return configuration.reward(forCount: count)
    }

    /// Plays one episode.
    /// - Parameters:
    ///   - startCount: a fixed start count, or nil to draw it.
    ///   - policy: `(observation, isFirstStep) -> action [A]`.
    /// - Returns: the recorded episode (nil when it had no step) and its outcome.
    static func episode(_ env: inout TaskEnvironment, seed: UInt64?, startCount: Int? = nil,
                        policy: (Tensor, Bool) throws -> Tensor) throws -> (episode: Episode?, outcome: EpisodeOutcome) {
        let task = env.task
        let (first, info) = try env.reset(seed: seed, startCount: startCount)
        let start = Int(info[CountingInfoKey.count] ?? 0)
        var recorder = EpisodeRecorder(firstObservation: first, actionDimensions: task.actionDimensions,
                                       stateValue: stateValue(info, configuration: env.configuration))
        var observation = first, total = 0.0, count = start
        var reached: Int? = nil
        for t in 0..<(env.configuration.maxEpisodeSteps ?? task.maxEpisodeSteps) {
            let action = try policy(observation, t == 0)
            let step = try env.step(action)
            total += Double(step.reward)
            count = Int(step.info[CountingInfoKey.count] ?? Double(count))
            if reached == nil && count == task.configuration.target { reached = t + 1 }
            recorder.append(action: action, reward: step.reward, terminated: step.isTerminated, nextObservation: step.observation,
                            stateValue: stateValue(step.info, configuration: env.configuration))
            observation = step.observation
            if step.isTerminated { break }
        }
        let channels = [CountingInfoKey.colorRed, CountingInfoKey.colorGreen, CountingInfoKey.colorBlue].compactMap { info[$0] }
        let brightness = channels.count == 3 ? channels.reduce(0, +) / (3 * 255) : nil
        return (recorder.episode(), EpisodeOutcome(startCount: start, finalCount: count, totalReward: total,
                                                  length: recorder.length, stepsToTarget: reached,
                                                  shape: info[CountingInfoKey.shape].flatMap { CountingShape(rawValue: Int($0))?.description },
                                                  brightness: brightness))
    }

    /// Episodes with actions uniform in `[-1, 1]^A` (the paper's data), into a replay buffer.
    /// - Parameters:
    ///   - episodeSteps, terminatesOnSuccess: the episodes' step limit and termination (the task's by default).
    static func randomEpisodes(task: CountingTask, count: Int, seed: UInt64, reward: CountingReward? = nil,
                               episodeSteps: Int? = nil, terminatesOnSuccess: Bool? = nil) throws -> EpisodeReplayBuffer {
        var env = try TaskEnvironment(task: task, seed: seed, reward: reward, episodeSteps: episodeSteps, terminatesOnSuccess: terminatesOnSuccess)
        var generator = SeededGenerator(seed: seed &+ 0x5EED)
        var buffer = EpisodeReplayBuffer(capacity: 1_000_000)
        for i in 0..<count {
            let (episode, _) = try Rollout.episode(&env, seed: i == 0 ? seed : nil) { _, _ in
                Tensor.randomUniform([task.actionDimensions], low: -1, high: 1, using: &generator)
            }
            if let episode { buffer.append(episode) }
        }
        return buffer
    }
}
