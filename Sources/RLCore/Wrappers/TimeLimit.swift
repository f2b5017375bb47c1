// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - TimeLimit

/// Truncates episodes after a fixed number of steps: the step that brings ``elapsedSteps`` to
/// ``maxEpisodeSteps`` has `isTruncated == true` (even if it also terminates, as in Gymnasium).
public struct TimeLimit<Base: Environment>: EnvironmentWrapper {
    public typealias Observation = Base.Observation
    public typealias Action = Base.Action

    public var base: Base
    /// The number of steps after which an episode is truncated.
    public let maxEpisodeSteps: Int
    /// Steps taken since the last reset.
    public private(set) var elapsedSteps = 0

    /// Wraps `base`.
    /// - Precondition: `maxEpisodeSteps > 0`.
    public init(_ base: Base, maxEpisodeSteps: Int) {
        precondition(maxEpisodeSteps > 0, "TimeLimit needs maxEpisodeSteps > 0, got \(maxEpisodeSteps)")
        self.base = base
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    public var actionSpace: Base.ActionSpace { base.actionSpace }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        elapsedSteps = 0
        return try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Action) throws -> Step<Observation> {
        var result = try base.step(action)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { result.isTruncated = true }
        return result
    }
}

extension Environment {
    /// This environment with episodes truncated after `maxEpisodeSteps` steps (``TimeLimit``).
    public func timeLimited(_ maxEpisodeSteps: Int) -> TimeLimit<Self> {
        TimeLimit(self, maxEpisodeSteps: maxEpisodeSteps)
    }
}
