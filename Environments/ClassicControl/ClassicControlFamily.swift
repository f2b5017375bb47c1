// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - Registration

/// The classic-control family, each environment equal to Gymnasium 1.x's definition: `CartPole-v1`,
/// `Pendulum-v1`, `MountainCarContinuous-v0`, `MountainCar-v0` and `Acrobot-v1`.
///
/// Discrete-action environments are registered behind ``DiscreteAsTensor`` (actions are one-element
/// index tensors such as `Tensor([1])`), so every id makes an `any Environment<Tensor, Tensor>`.
public enum ClassicControlFamily {
    /// The ids this family registers, with their Gymnasium step limits.
    public static let episodeStepLimits: [(id: String, maxEpisodeSteps: Int)] = [
        ("CartPole-v1", 500), ("Pendulum-v1", 200), ("MountainCarContinuous-v0", 999),
        ("MountainCar-v0", 200), ("Acrobot-v1", 500),
    ]

    /// Registers every classic-control environment into `registry`.
    /// - Throws: ``RegistryError/duplicateID(_:)`` when one of the ids is already registered.
    public static func register(into registry: inout EnvironmentRegistry) throws {
        try registry.register(EnvironmentSpec(id: "CartPole-v1", maxEpisodeSteps: 500, rewardThreshold: 475) {
            try CartPole(options: $0).indexTensorActions()
        })
        try registry.register(EnvironmentSpec(id: "Pendulum-v1", maxEpisodeSteps: 200) {
            try Pendulum(options: $0)
        })
        try registry.register(EnvironmentSpec(id: "MountainCarContinuous-v0", maxEpisodeSteps: 999, rewardThreshold: 90) {
            try MountainCarContinuous(options: $0)
        })
        try registry.register(EnvironmentSpec(id: "MountainCar-v0", maxEpisodeSteps: 200, rewardThreshold: -110) {
            try MountainCar(options: $0).indexTensorActions()
        })
        try registry.register(EnvironmentSpec(id: "Acrobot-v1", maxEpisodeSteps: 500, rewardThreshold: -100) {
            try Acrobot(options: $0).indexTensorActions()
        })
    }
}

// MARK: - Shared helpers

/// Construction option: when `true`, every `info` carries the float64 internal state under the
/// environment's state names (for example `theta` and `thetaDot`), for exact comparisons with Gymnasium.
let includeStateInInfoKey = "includeStateInInfo"

/// Throws for construction options that the environment does not know (Gymnasium's `make` rejects
/// unknown keyword arguments too).
func checkOptionKeys(_ options: EnvironmentOptions, allowed: [String], environment: String) throws {
    for key in options.keys.sorted() where !allowed.contains(key) {
        throw EnvironmentError.invalidOption(
            key: key, message: "\(environment) has no such option; expected one of \(allowed.sorted())")
    }
}

/// Gymnasium's `maybe_parse_reset_bounds`: the `low` and `high` reset options, with defaults.
func resetBounds(_ options: ResetOptions, defaultLow: Double, defaultHigh: Double) throws -> (low: Double, high: Double) {
    let low = try options.number("low") ?? defaultLow
    let high = try options.number("high") ?? defaultHigh
    guard low <= high else {
        throw EnvironmentError.invalidOption(key: "low", message: "lower bound (\(low)) must be lower than higher bound (\(high))")
    }
    return (low, high)
}

/// A float64 state vector in a `info` dictionary.
func stateInfo(_ names: [String], _ values: [Double]) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: zip(names, values))
}

extension RandomNumberGenerator {
    /// A uniform `Double` in `[low, high)` with 53 random bits (NumPy's `uniform(low, high)` distribution).
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * (Double(next() >> 11) * 0x1p-53)
    }
}

/// Validates a one-element action tensor and returns its value.
@inline(__always)
func scalarAction(_ action: Tensor) throws -> Float {
    guard action.shape.count == 1 && action.scalars.count == 1 else { throw EnvironmentError.invalidAction("shape \(action.shape), expected [1]") }
    let value = action.scalars[0]
    guard !value.isNaN else { throw EnvironmentError.invalidAction("the action is NaN") }
    return value
}
