// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - ActionRepeat

/// Applies each action `repeatCount` times and returns one step: the last observation, flags and info,
/// and the sum of the rewards. It stops early when a step terminates or truncates the episode.
///
/// `info["actionRepeat.steps"]` holds the number of inner steps taken (at most `repeatCount`).
public struct ActionRepeat<Base: Environment>: EnvironmentWrapper {
    public typealias Observation = Base.Observation
    public typealias Action = Base.Action

    public var base: Base
    /// How many inner steps each `step` takes (unless the episode ends first).
    public let repeatCount: Int

    /// Wraps `base`.
    /// - Precondition: `repeatCount >= 1`.
    public init(_ base: Base, repeatCount: Int) {
        precondition(repeatCount >= 1, "ActionRepeat needs repeatCount >= 1, got \(repeatCount)")
        self.base = base
        self.repeatCount = repeatCount
    }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    public var actionSpace: Base.ActionSpace { base.actionSpace }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Action) throws -> Step<Observation> {
        var result = try base.step(action)
        var total = result.reward
        var taken = 1
        while taken < repeatCount && !result.isLast {
            result = try base.step(action)
            total += result.reward
            taken += 1
        }
        result.reward = total
        result.info["actionRepeat.steps"] = Double(taken)
        return result
    }
}

extension Environment {
    /// This environment with every action applied `count` times (``ActionRepeat``).
    public func repeatingActions(_ count: Int) -> ActionRepeat<Self> { ActionRepeat(self, repeatCount: count) }
}
