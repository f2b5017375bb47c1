// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - OrderEnforcing

/// Makes misuse of the reset/step order a clear error instead of undefined behaviour:
/// `step` before the first `reset` throws ``EnvironmentError/stepBeforeReset``, and `step` after a
/// step that terminated or truncated the episode throws ``EnvironmentError/stepAfterEpisodeEnd``.
///
/// Place it outside ``TimeLimit`` so that it also sees truncation (``EnvironmentRegistry/make(_:options:maxEpisodeSteps:)`` does).
public struct OrderEnforcing<Base: Environment>: EnvironmentWrapper {
    public typealias Observation = Base.Observation
    public typealias Action = Base.Action

    public var base: Base
    /// Whether `reset` has been called.
    public private(set) var hasReset = false
    /// Whether the last step ended the episode.
    public private(set) var isEpisodeOver = false

    /// Wraps `base`.
    public init(_ base: Base) { self.base = base }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    public var actionSpace: Base.ActionSpace { base.actionSpace }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        let result = try base.reset(seed: seed, options: options)
        hasReset = true
        isEpisodeOver = false
        return result
    }

    public mutating func step(_ action: Action) throws -> Step<Observation> {
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        guard !isEpisodeOver else { throw EnvironmentError.stepAfterEpisodeEnd }
        let result = try base.step(action)
        isEpisodeOver = result.isTerminated || result.isTruncated
        return result
    }
}

extension Environment {
    /// This environment with the reset/step order checked (``OrderEnforcing``).
    public func orderEnforced() -> OrderEnforcing<Self> { OrderEnforcing(self) }
}
