// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore

// MARK: - CartPole

/// Gymnasium's `CartPole-v1`: push a cart left or right to keep a pole upright.
///
/// State (float64, Gymnasium's `env.unwrapped.state`): `[x, xDot, theta, thetaDot]`; the observation is the
/// same vector as `Float`, shape `[4]`. Actions: `Discrete(2)` (0 pushes left, 1 pushes right, force 10 N).
/// Dynamics: Florian (2007) cart-pole equations, explicit Euler with `tau = 0.02`:
/// ```
/// temp      = (force + m_p l thetaDot^2 sin(theta)) / (m_c + m_p)
/// thetaAcc  = (g sin(theta) - cos(theta) temp) / (l (4/3 - m_p cos(theta)^2 / (m_c + m_p)))
/// xAcc      = temp - m_p l thetaAcc cos(theta) / (m_c + m_p)
/// ```
/// Reward 1 per step (also on the terminating step; 0 after it). Terminates when `|x| > 2.4` or
/// `|theta| > 12 degrees`. Registered with a 500-step limit. Initial state: each element uniform in
/// `[-0.05, 0.05)` (reset options `low`/`high` change the interval; ``OptionKey/initialState`` sets it exactly).
public struct CartPole: Environment {
    public static let gravity = 9.8
    public static let cartMass = 1.0
    public static let poleMass = 0.1
    /// Half the pole's length.
    public static let length = 0.5
    public static let forceMagnitude = 10.0
    /// Seconds per step.
    public static let tau = 0.02
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    public static let xThreshold = 2.4
    /// Names of the state elements (also the `info` keys when `includeStateInInfo` is set).
    public static let stateNames = ["x", "xDot", "theta", "thetaDot"]

    public var x = 0.0, xDot = 0.0, theta = 0.0, thetaDot = 0.0
    /// Gymnasium's `sutton_barto_reward`: 0 per step and -1 on termination instead of 1 per step.
    public let usesSuttonBartoReward: Bool
    public let includesStateInInfo: Bool
    public let observationSpace: Box
    public let actionSpace = Discrete(2)
    var generator = SeededGenerator(seed: 0)
    var hasReset = false
    var observationBuffer = Tensor.zeros([4])
    var stepsBeyondTerminated: Int?

    /// Creates the environment.
    /// - Parameter options: `suttonBartoReward` (Bool) and `includeStateInInfo` (Bool).
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an unknown or malformed option.
    public init(options: EnvironmentOptions = [:]) throws {
        try checkOptionKeys(options, allowed: ["suttonBartoReward", includeStateInInfoKey], environment: "CartPole")
        usesSuttonBartoReward = try options.bool("suttonBartoReward") ?? false
        includesStateInInfo = try options.bool(includeStateInInfoKey) ?? false
        let high: [Float] = [Float(Self.xThreshold * 2), .infinity, Float(Self.thetaThreshold * 2), .infinity]
        observationSpace = Box(low: high.map { -$0 }, high: high)
    }

    /// The float64 state `[x, xDot, theta, thetaDot]`.
    public var state: [Double] {
        get { [x, xDot, theta, thetaDot] }
        set {
            precondition(newValue.count == 4, "CartPole state has 4 elements, got \(newValue.count)")
            (x, xDot, theta, thetaDot) = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    public var metadata: EnvironmentMetadata { EnvironmentMetadata(renderFPS: 50) }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        if let initial = try options.numbers(OptionKey.initialState, count: 4) {
            state = initial
        } else {
            let (low, high) = try resetBounds(options, defaultLow: -0.05, defaultHigh: 0.05)
            state = (0..<4).map { _ in generator.uniform(low, high) }
        }
        stepsBeyondTerminated = nil
        hasReset = true
        return (makeObservation(), info)
    }

    public mutating func step(_ action: Int) throws -> Step<Tensor> {
        guard action == 0 || action == 1 else { throw EnvironmentError.invalidAction("\(action) is not in Discrete(2)") }
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        let totalMass = Self.poleMass + Self.cartMass
        let poleMassLength = Self.poleMass * Self.length
        let force = action == 1 ? Self.forceMagnitude : -Self.forceMagnitude
        let cosTheta = cos(theta), sinTheta = sin(theta)
        let temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass
        let thetaAcc = (Self.gravity * sinTheta - cosTheta * temp)
            / (Self.length * (4.0 / 3.0 - Self.poleMass * (cosTheta * cosTheta) / totalMass))
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass
        x = x + Self.tau * xDot
        xDot = xDot + Self.tau * xAcc
        theta = theta + Self.tau * thetaDot
        thetaDot = thetaDot + Self.tau * thetaAcc

        let terminated = x < -Self.xThreshold || x > Self.xThreshold
            || theta < -Self.thetaThreshold || theta > Self.thetaThreshold
        let reward: Float
        if !terminated {
            reward = usesSuttonBartoReward ? 0 : 1
        } else if stepsBeyondTerminated == nil {
            stepsBeyondTerminated = 0
            reward = usesSuttonBartoReward ? -1 : 1
        } else {
            stepsBeyondTerminated! += 1
            reward = usesSuttonBartoReward ? -1 : 0
        }
        return Step(observation: makeObservation(), reward: reward, isTerminated: terminated, info: info)
    }

    /// The observation, written into ``observationBuffer`` (in place when the previous one was released).
    mutating func makeObservation() -> Tensor {
        let values: (Float, Float, Float, Float) = (Float(x), Float(xDot), Float(theta), Float(thetaDot))
        observationBuffer.setScalar(values.0, at: 0)
        observationBuffer.setScalar(values.1, at: 1)
        observationBuffer.setScalar(values.2, at: 2)
        observationBuffer.setScalar(values.3, at: 3)
        return observationBuffer
    }

    var info: [String: Double] { includesStateInInfo ? stateInfo(Self.stateNames, state) : Dictionary() }
}
