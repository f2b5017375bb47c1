// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore

// MARK: - MountainCar

/// Gymnasium's `MountainCar-v0`: drive an underpowered car up a hill by building momentum.
///
/// State (float64, Gymnasium's `env.unwrapped.state`): `[position, velocity]`; the observation is the same
/// vector as `Float`, shape `[2]`, in `[-1.2, 0.6] x [-0.07, 0.07]`. Actions: `Discrete(3)` (0 accelerate
/// left, 1 coast, 2 accelerate right).
/// ```
/// velocity' = clip(velocity + (action - 1) 0.001 - 0.0025 cos(3 position), -0.07, 0.07)
/// position' = clip(position + velocity', -1.2, 0.6);  velocity' = 0 if position' == -1.2 and velocity' < 0
/// ```
/// Reward -1 per step. Terminates when `position >= 0.5` and `velocity >= goalVelocity` (default 0);
/// registered with a 200-step limit. Initial state: position uniform in `[-0.6, -0.4)` (reset options
/// `low`/`high`), velocity 0; ``OptionKey/initialState`` sets both.
public struct MountainCar: Environment {
    public static let minPosition = -1.2
    public static let maxPosition = 0.6
    public static let maxSpeed = 0.07
    public static let goalPosition = 0.5
    public static let force = 0.001
    public static let gravity = 0.0025
    /// Names of the state elements (also the `info` keys when `includeStateInInfo` is set).
    public static let stateNames = ["position", "velocity"]

    public var position = 0.0, velocity = 0.0
    /// The velocity the car must have at the goal (Gymnasium's `goal_velocity`, default 0).
    public let goalVelocity: Double
    public let includesStateInInfo: Bool
    public let observationSpace = Box(low: [Float(minPosition), -Float(maxSpeed)], high: [Float(maxPosition), Float(maxSpeed)])
    public let actionSpace = Discrete(3)
    var generator = SeededGenerator(seed: 0)
    var hasReset = false
    var observationBuffer = Tensor.zeros([2])

    /// Creates the environment.
    /// - Parameter options: `goalVelocity` (number, default 0) and `includeStateInInfo` (Bool).
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an unknown or malformed option.
    public init(options: EnvironmentOptions = [:]) throws {
        try checkOptionKeys(options, allowed: ["goalVelocity", includeStateInInfoKey], environment: "MountainCar")
        goalVelocity = try options.number("goalVelocity") ?? 0
        includesStateInInfo = try options.bool(includeStateInInfoKey) ?? false
    }

    /// The float64 state `[position, velocity]`.
    public var state: [Double] {
        get { [position, velocity] }
        set {
            precondition(newValue.count == 2, "MountainCar state has 2 elements, got \(newValue.count)")
            (position, velocity) = (newValue[0], newValue[1])
        }
    }

    public var metadata: EnvironmentMetadata { EnvironmentMetadata(renderFPS: 30) }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        if let initial = try options.numbers(OptionKey.initialState, count: 2) {
            state = initial
        } else {
            let (low, high) = try resetBounds(options, defaultLow: -0.6, defaultHigh: -0.4)
            state = [generator.uniform(low, high), 0]
        }
        hasReset = true
        return (makeObservation(), info)
    }

    public mutating func step(_ action: Int) throws -> Step<Tensor> {
        guard actionSpace.contains(action) else { throw EnvironmentError.invalidAction("\(action) is not in Discrete(3)") }
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        velocity += Double(action - 1) * Self.force + cos(3 * position) * (-Self.gravity)
        velocity = Swift.min(Swift.max(velocity, -Self.maxSpeed), Self.maxSpeed)
        position += velocity
        position = Swift.min(Swift.max(position, Self.minPosition), Self.maxPosition)
        if position == Self.minPosition && velocity < 0 { velocity = 0 }
        let terminated = position >= Self.goalPosition && velocity >= goalVelocity
        return Step(observation: makeObservation(), reward: -1, isTerminated: terminated, info: info)
    }

    /// The observation, written into ``observationBuffer`` (in place when the previous one was released).
    mutating func makeObservation() -> Tensor {
        let values: (Float, Float) = (Float(position), Float(velocity))
        observationBuffer.setScalar(values.0, at: 0)
        observationBuffer.setScalar(values.1, at: 1)
        return observationBuffer
    }

    var info: [String: Double] { includesStateInInfo ? stateInfo(Self.stateNames, state) : Dictionary() }
}
