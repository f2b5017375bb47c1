// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Step

/// The result of one environment step, with named fields (never a five-tuple or an integer-coded kind).
///
/// `isTerminated` and `isTruncated` are separate because they matter for bootstrapping: a terminal
/// state of the MDP has value zero, while an episode cut by a time limit still has a future.
public struct Step<Observation> {
    // `observation` is stored last: the fields before it then sit at fixed offsets, so generic code such as
    // the wrappers reads and sets the flags without looking up `Step<Observation>`'s metadata on every step.

    /// The reward for the transition.
    public var reward: Float
    /// Whether the new state is terminal in the MDP (do not bootstrap from it).
    public var isTerminated: Bool
    /// Whether the episode was cut short from outside the MDP, e.g. by a time limit (bootstrap from it).
    public var isTruncated: Bool
    /// Numeric diagnostics (and ground truth where the environment has it): loggable and `Sendable`.
    public var info: [String: Double]
    /// The observation after the action (for example a `Tensor` of shape `[4]`, or `[3, H, W]` for pixels).
    public var observation: Observation

    /// Creates a step. (Inlinable so environments build their steps without generic-metadata lookups.)
    @inlinable
    public init(observation: Observation, reward: Float, isTerminated: Bool = false, isTruncated: Bool = false,
                info: [String: Double] = [:]) {
        self.observation = observation
        self.reward = reward
        self.isTerminated = isTerminated
        self.isTruncated = isTruncated
        self.info = info
    }

    /// Whether the episode is over (terminated or truncated): the next call must be `reset`.
    @inlinable
    public var isLast: Bool { isTerminated || isTruncated }
}

extension Step: Sendable where Observation: Sendable {}
extension Step: Equatable where Observation: Equatable {}
