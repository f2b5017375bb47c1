// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore

// MARK: - Pendulum

/// Gymnasium's `Pendulum-v1`: swing a pendulum up and keep it upright with a bounded torque.
///
/// State (float64, Gymnasium's `env.unwrapped.state`): `[theta, thetaDot]`, `theta = 0` upright. Observation:
/// `[cos(theta), sin(theta), thetaDot]` as `Float`, shape `[3]`, in `[-1, 1] x [-1, 1] x [-8, 8]`.
/// Action: torque `u`, shape `[1]`, in `Box(-2, 2)`; larger values are clipped. With `dt = 0.05`, `g = 10`, `m = l = 1`:
/// ```
/// cost      = normalize(theta)^2 + 0.1 thetaDot^2 + 0.001 u^2        (reward = -cost)
/// thetaDot' = clip(thetaDot + (3g / (2l) sin(theta) + 3 / (m l^2) u) dt, -8, 8)
/// theta'    = theta + thetaDot' dt
/// ```
/// As in Gymnasium with a `float32` action, the terms `0.001 u^2` and `3 u` are evaluated in single precision.
/// Never terminates; registered with a 200-step limit. Initial state: `theta` uniform in `[-pi, pi)`,
/// `thetaDot` in `[-1, 1)` (reset options `x_init`/`y_init` change the half-widths; ``OptionKey/initialState`` sets it).
public struct Pendulum: Environment {
    public static let maxSpeed = 8.0
    public static let maxTorque = 2.0
    public static let dt = 0.05
    public static let mass = 1.0
    public static let length = 1.0
    /// Names of the state elements (also the `info` keys when `includeStateInInfo` is set).
    public static let stateNames = ["theta", "thetaDot"]

    public var theta = 0.0, thetaDot = 0.0
    /// Gravitational acceleration (Gymnasium's `g`, default 10).
    public let gravity: Double
    public let includesStateInInfo: Bool
    public let observationSpace = Box(low: [-1, -1, -Float(maxSpeed)], high: [1, 1, Float(maxSpeed)])
    public let actionSpace = Box(low: -Float(maxTorque), high: Float(maxTorque), shape: [1])
    var generator = SeededGenerator(seed: 0)
    var hasReset = false
    var observationBuffer = Tensor.zeros([3])

    /// Creates the environment.
    /// - Parameter options: `g` (number, default 10) and `includeStateInInfo` (Bool).
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an unknown or malformed option.
    public init(options: EnvironmentOptions = [:]) throws {
        try checkOptionKeys(options, allowed: ["g", includeStateInInfoKey], environment: "Pendulum")
        gravity = try options.number("g") ?? 10.0
        includesStateInInfo = try options.bool(includeStateInInfoKey) ?? false
    }

    /// The float64 state `[theta, thetaDot]`.
    public var state: [Double] {
        get { [theta, thetaDot] }
        set {
            precondition(newValue.count == 2, "Pendulum state has 2 elements, got \(newValue.count)")
            (theta, thetaDot) = (newValue[0], newValue[1])
        }
    }

    public var metadata: EnvironmentMetadata { EnvironmentMetadata(renderFPS: 30) }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        if let initial = try options.numbers(OptionKey.initialState, count: 2) {
            state = initial
        } else {
            let highTheta = try options.number("x_init") ?? Double.pi
            let highSpeed = try options.number("y_init") ?? 1.0
            theta = generator.uniform(-highTheta, highTheta)
            thetaDot = generator.uniform(-highSpeed, highSpeed)
        }
        hasReset = true
        return (makeObservation(), info)
    }

    public mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        let raw = try scalarAction(action)
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        let u = Swift.min(Swift.max(raw, -Float(Self.maxTorque)), Float(Self.maxTorque))
        let normalized = Self.normalizeAngle(theta)
        let costs = normalized * normalized + 0.1 * (thetaDot * thetaDot) + Double(Float(0.001) * (u * u))
        let g = gravity, m = Self.mass, l = Self.length, dt = Self.dt
        var newThetaDot = thetaDot + (3 * g / (2 * l) * sin(theta) + Double(Float(3.0 / (m * l * l)) * u)) * dt
        newThetaDot = Swift.min(Swift.max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
        theta = theta + newThetaDot * dt
        thetaDot = newThetaDot
        return Step(observation: makeObservation(), reward: Float(-costs), info: info)
    }

    /// `((x + pi) mod 2 pi) - pi` with Python's floor-mod semantics (the result of the mod has the sign of 2 pi).
    static func normalizeAngle(_ x: Double) -> Double {
        let period = 2 * Double.pi
        var r = fmod(x + Double.pi, period)
        if r != 0 {
            if r < 0 { r += period }
        } else {
            r = 0
        }
        return r - Double.pi
    }

    /// The observation, written into ``observationBuffer`` (in place when the previous one was released).
    mutating func makeObservation() -> Tensor {
        let values: (Float, Float, Float) = (Float(cos(theta)), Float(sin(theta)), Float(thetaDot))
        observationBuffer.setScalar(values.0, at: 0)
        observationBuffer.setScalar(values.1, at: 1)
        observationBuffer.setScalar(values.2, at: 2)
        return observationBuffer
    }

    var info: [String: Double] { includesStateInInfo ? stateInfo(Self.stateNames, state) : Dictionary() }
}
