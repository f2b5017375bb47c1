// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - MPPI configuration

/// MPPI planner settings; defaults are TD-MPC2's `config.yaml`.
public struct MPPIConfiguration: Codable, Equatable, Sendable {
    /// Planning horizon (TD-MPC2 shares it with the training rollout).
    public var horizon = 3
    /// Refinement iterations; TD-MPC2 adds 2 when the action space has 20 or more dimensions.
    public var iterations = 6
    public var sampleCount = 512
    public var eliteCount = 64
    /// Trajectories sampled from the policy prior, fixed across iterations.
    public var policyTrajectoryCount = 24
    public var minStd: Float = 0.05, maxStd: Float = 2
    /// Multiplies the advantage in the elite weights, `exp(temperature (v - v_max))`.
    public var temperature: Float = 0.5

    public init() {}

    /// The iterations actually run for an action space of `actionDimensions`.
    public func effectiveIterations(actionDimensions: Int) -> Int { iterations + (actionDimensions >= 20 ? 2 : 0) }

    /// - Parameters:
    ///   - discrete: the planner refines categorical distributions (`Discrete(n)` actions), where
    ///     ``minStd`` is the uniform mixing weight and so at most 1.
    ///   - name: the key prefix in errors (`planner`, `evaluationPlanner`).
    /// - Throws: ``ConfigurationError`` naming the first bad value.
    public func validate(actionDimensions: Int, discrete: Bool = false, name: String = "planner") throws {
        func check(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws {
            if !ok { throw ConfigurationError.invalidValue(key: "\(name).\(key)", value: "\(value)", expected: expected) }
        }
        if discrete { try check(minStd <= 1, "minStd", minStd, "at most 1 for discrete actions (the uniform mixing weight)") }
        try check(horizon >= 1, "horizon", horizon, ">= 1")
        try check(iterations >= 1, "iterations", iterations, ">= 1")
        try check(sampleCount >= 1, "sampleCount", sampleCount, ">= 1")
        try check(policyTrajectoryCount >= 0 && policyTrajectoryCount < sampleCount, "policyTrajectoryCount", policyTrajectoryCount, "in [0, sampleCount)")
        try check(eliteCount >= 1 && eliteCount <= sampleCount, "eliteCount", eliteCount, "in [1, sampleCount]")
        try check(minStd > 0 && minStd <= maxStd, "minStd", minStd, "in (0, maxStd]")
        try check(temperature > 0, "temperature", temperature, "> 0")
    }
}
