// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore

// MARK: - Settings

/// How the reward is computed from a count (`compute_state_reward` in the authors' code).
public enum CountingReward: String, Sendable, CaseIterable, Codable {
    /// 1 when the count equals the target, else 0.
    case sparse
    /// `1 - |count - target| / maxCount`, plus 1 at the target, clipped to `[0, 2]`.
    case dense
}

/// Which state a step's reward is computed from.
public enum CountingRewardTiming: String, Sendable, CaseIterable, Codable {
    /// The state after the action, as in the authors' code (`Counting-v0`).
    case afterAction
    /// The state the action is taken in (the authors' `info["reward_pre"]`), so a return counts the steps that
    /// start at the target (`CountingHold-v0`).
    case beforeAction
}

/// How the count of a new episode is chosen.
public enum CountingStart: Sendable, Hashable {
    /// Uniform in `0...maxCount` (the paper).
    case uniform
    /// Always this count.
    case fixed(Int)
}

/// What an action does to the count.
public enum CountingMove: Int, Sendable, CaseIterable, Comparable {
    case remove = -1
    case keep = 0
    case add = 1

    public static func < (lhs: CountingMove, rhs: CountingMove) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The action encodings of the counting environment.
public enum CountingActionKind: String, Sendable, CaseIterable, Codable {
    /// The paper's `Box(1)` in `[-1, 1]`: `a < 0` removes an object, `a >= 0` adds one (no keep).
    case sign
    /// `Discrete(2)`: 0 removes, 1 adds.
    case removeAdd
    /// `Discrete(3)`: 0 removes, 1 keeps, 2 adds.
    case removeKeepAdd

    /// The moves the encoding can express.
    public var moves: [CountingMove] { self == .removeKeepAdd ? [.remove, .keep, .add] : [.remove, .add] }
}

// MARK: - CountingConfiguration

/// The settings of a counting-environment variant. ``paper`` is `Counting-v0`, ``hold`` is `CountingHold-v0`.
public struct CountingConfiguration: Sendable, Hashable {
    /// The count that earns the reward: 4 in the paper.
    public var target: Int
    /// The largest count; counts are clipped to `0...maxCount`. 8 in the paper.
    public var maxCount: Int
    /// Sparse or dense reward.
    public var reward: CountingReward
    /// Whether the reward is computed after or before the action.
    public var rewardTiming: CountingRewardTiming
    /// Whether a step that reaches the target terminates the episode.
    public var terminatesOnSuccess: Bool
    /// The variant's step limit. The environment itself never truncates: like Gymnasium, the registry applies the
    /// limit with `TimeLimit` (``CountingFamily/register(into:)`` registers it as the spec's `maxEpisodeSteps`), and
    /// ``CountingOracle`` plans over it. `nil` means no limit.
    public var maxEpisodeSteps: Int?
    /// How a new episode's count is chosen.
    public var start: CountingStart
    /// The authors' overlap protection when placing objects (on in the paper).
    public var avoidsOverlap: Bool

    /// Creates a configuration; the defaults are the paper's (``paper``).
    public init(target: Int = 4, maxCount: Int = 8, reward: CountingReward = .sparse,
                rewardTiming: CountingRewardTiming = .afterAction, terminatesOnSuccess: Bool = true,
                maxEpisodeSteps: Int? = 4, start: CountingStart = .uniform, avoidsOverlap: Bool = true) {
        self.target = target
        self.maxCount = maxCount
        self.reward = reward
        self.rewardTiming = rewardTiming
        self.terminatesOnSuccess = terminatesOnSuccess
        self.maxEpisodeSteps = maxEpisodeSteps
        self.start = start
        self.avoidsOverlap = avoidsOverlap
    }

    /// `Counting-v0`, the paper's setting (authors' `counting4` task with `two_actions: true`): target 4,
    /// counts `0...8`, sparse reward after the action, start count uniform in `0...8`, termination on success,
    /// 4 steps at most. Used with ``CountingActionKind/sign`` actions.
    public static let paper = CountingConfiguration()

    /// `CountingHold-v0`, a control task: reach 4 and stay there. No termination, 50 steps, sparse reward for
    /// every step taken at the target (``CountingRewardTiming/beforeAction``), start count uniform in `0...8`.
    /// The best return from start count `c` is `50 - |c - 4|`. Used with ``CountingActionKind/removeKeepAdd``.
    public static let hold = CountingConfiguration(rewardTiming: .beforeAction, terminatesOnSuccess: false, maxEpisodeSteps: 50)

    /// The reward of a state with `count` objects (before timing is applied):
    /// ```
    /// sparse: count == target ? 1 : 0
    /// dense:  clamp(1 - |count - target| / maxCount + (count == target ? 1 : 0), 0, 2)
    /// ```
    public func reward(forCount count: Int) -> Float {
        switch reward {
        case .sparse:
            return count == target ? 1 : 0
        case .dense:
            let distance = Float(abs(count - target)) / Float(Swift.max(maxCount, 1))
            return Swift.min(Swift.max(1 - distance + (count == target ? 1 : 0), 0), 2)
        }
    }

    /// `count + move`, clipped to `0...maxCount`.
    public func applying(_ move: CountingMove, to count: Int) -> Int {
        Swift.min(Swift.max(count + move.rawValue, 0), maxCount)
    }

    /// Checks the settings.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` naming the bad setting: `maxCount` must be in
    ///   `1...1000`, `target` and a fixed start count in `0...maxCount`, `maxEpisodeSteps` positive.
    public func validate() throws {
        guard (1...1000).contains(maxCount) else {
            throw EnvironmentError.invalidOption(key: "maxCount", message: "expected 1...1000, got \(maxCount)")
        }
        guard (0...maxCount).contains(target) else {
            throw EnvironmentError.invalidOption(key: "target", message: "expected 0...\(maxCount), got \(target)")
        }
        if case .fixed(let count) = start, !(0...maxCount).contains(count) {
            throw EnvironmentError.invalidOption(key: "startCount", message: "expected 0...\(maxCount), got \(count)")
        }
        if let steps = maxEpisodeSteps, steps <= 0 {
            throw EnvironmentError.invalidOption(key: "maxEpisodeSteps", message: "expected a positive step limit, got \(steps)")
        }
    }
}
