// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore

// MARK: - Acrobot

/// Gymnasium's `Acrobot-v1`: swing the tip of a two-link pendulum, actuated at the middle joint, above a line.
///
/// State (float64, Gymnasium's `env.unwrapped.state`): `[theta1, theta2, dtheta1, dtheta2]`. Observation:
/// `[cos(theta1), sin(theta1), cos(theta2), sin(theta2), dtheta1, dtheta2]` as `Float`, shape `[6]`, with
/// velocities bounded by `4 pi` and `9 pi`. Actions: `Discrete(3)`, torque `-1, 0, +1` on the middle joint.
///
/// Dynamics: the "book" equations of Sutton & Barto (the default of Gymnasium's `book_or_nips`), integrated
/// over `dt = 0.2` with one classical fourth-order Runge-Kutta step; then both angles are wrapped into
/// `[-pi, pi]` and the velocities clipped to their bounds. Reward -1 per step and 0 on the terminating step;
/// terminates when `-cos(theta1) - cos(theta2 + theta1) > 1`; registered with a 500-step limit.
/// Initial state: each element uniform in `[-0.1, 0.1)` (reset options `low`/`high`), rounded to `float32`
/// as Gymnasium does; ``OptionKey/initialState`` sets the float64 state exactly.
public struct Acrobot: Environment {
    public static let dt = 0.2
    public static let linkLength1 = 1.0
    public static let linkLength2 = 1.0
    public static let linkMass1 = 1.0
    public static let linkMass2 = 1.0
    /// Position of the center of mass of link 1.
    public static let linkCenterOfMass1 = 0.5
    /// Position of the center of mass of link 2.
    public static let linkCenterOfMass2 = 0.5
    /// Moment of inertia of both links.
    public static let linkMomentOfInertia = 1.0
    public static let maxVelocity1 = 4 * Double.pi
    public static let maxVelocity2 = 9 * Double.pi
    public static let availableTorques = [-1.0, 0.0, 1.0]
    /// Names of the state elements (also the `info` keys when `includeStateInInfo` is set).
    public static let stateNames = ["theta1", "theta2", "dtheta1", "dtheta2"]

    public var theta1 = 0.0, theta2 = 0.0, dtheta1 = 0.0, dtheta2 = 0.0
    public let includesStateInInfo: Bool
    public let observationSpace = Box(low: [-1, -1, -1, -1, -Float(maxVelocity1), -Float(maxVelocity2)],
                                      high: [1, 1, 1, 1, Float(maxVelocity1), Float(maxVelocity2)])
    public let actionSpace = Discrete(3)
    var generator = SeededGenerator(seed: 0)
    var hasReset = false
    var observationBuffer = Tensor.zeros([6])

    /// Creates the environment.
    /// - Parameter options: `includeStateInInfo` (Bool).
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an unknown or malformed option.
    public init(options: EnvironmentOptions = [:]) throws {
        try checkOptionKeys(options, allowed: [includeStateInInfoKey], environment: "Acrobot")
        includesStateInInfo = try options.bool(includeStateInInfoKey) ?? false
    }

    /// The float64 state `[theta1, theta2, dtheta1, dtheta2]`.
    public var state: [Double] {
        get { [theta1, theta2, dtheta1, dtheta2] }
        set {
            precondition(newValue.count == 4, "Acrobot state has 4 elements, got \(newValue.count)")
            (theta1, theta2, dtheta1, dtheta2) = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    public var metadata: EnvironmentMetadata { EnvironmentMetadata(renderFPS: 15) }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        if let initial = try options.numbers(OptionKey.initialState, count: 4) {
            state = initial
        } else {
            let (low, high) = try resetBounds(options, defaultLow: -0.1, defaultHigh: 0.1)
            state = (0..<4).map { _ in Double(Float(generator.uniform(low, high))) }
        }
        hasReset = true
        return (makeObservation(), info)
    }

    public mutating func step(_ action: Int) throws -> Step<Tensor> {
        guard actionSpace.contains(action) else { throw EnvironmentError.invalidAction("\(action) is not in Discrete(3)") }
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        let torque = Self.availableTorques[action]
        var s = Self.rungeKutta4(State(theta1, theta2, dtheta1, dtheta2), torque: torque, dt: Self.dt)
        s.theta1 = Self.wrap(s.theta1)
        s.theta2 = Self.wrap(s.theta2)
        s.dtheta1 = Swift.min(Swift.max(s.dtheta1, -Self.maxVelocity1), Self.maxVelocity1)
        s.dtheta2 = Swift.min(Swift.max(s.dtheta2, -Self.maxVelocity2), Self.maxVelocity2)
        (theta1, theta2, dtheta1, dtheta2) = (s.theta1, s.theta2, s.dtheta1, s.dtheta2)
        let terminated = -cos(theta1) - cos(theta2 + theta1) > 1.0
        return Step(observation: makeObservation(), reward: terminated ? 0 : -1, isTerminated: terminated, info: info)
    }

    /// The observation, written into ``observationBuffer`` (in place when the previous one was released).
    mutating func makeObservation() -> Tensor {
        let values: (Float, Float, Float, Float, Float, Float) = (Float(cos(theta1)), Float(sin(theta1)), Float(cos(theta2)), Float(sin(theta2)), Float(dtheta1), Float(dtheta2))
        observationBuffer.setScalar(values.0, at: 0)
        observationBuffer.setScalar(values.1, at: 1)
        observationBuffer.setScalar(values.2, at: 2)
        observationBuffer.setScalar(values.3, at: 3)
        observationBuffer.setScalar(values.4, at: 4)
        observationBuffer.setScalar(values.5, at: 5)
        return observationBuffer
    }

    var info: [String: Double] { includesStateInInfo ? stateInfo(Self.stateNames, state) : Dictionary() }

    // MARK: Dynamics

    /// The four state variables (the torque is held constant over the step).
    struct State {
        var theta1, theta2, dtheta1, dtheta2: Double
        init(_ theta1: Double, _ theta2: Double, _ dtheta1: Double, _ dtheta2: Double) {
            (self.theta1, self.theta2, self.dtheta1, self.dtheta2) = (theta1, theta2, dtheta1, dtheta2)
        }
        /// `self + h * k`, elementwise.
        func adding(_ h: Double, _ k: State) -> State {
            State(theta1 + h * k.theta1, theta2 + h * k.theta2, dtheta1 + h * k.dtheta1, dtheta2 + h * k.dtheta2)
        }
    }

    /// The time derivative of the state ("book" dynamics).
    static func derivative(_ s: State, torque a: Double) -> State {
        let m1 = linkMass1, m2 = linkMass2, l1 = linkLength1
        let lc1 = linkCenterOfMass1, lc2 = linkCenterOfMass2
        let i1 = linkMomentOfInertia, i2 = linkMomentOfInertia
        let g = 9.8
        let (theta1, theta2, dtheta1, dtheta2) = (s.theta1, s.theta2, s.dtheta1, s.dtheta2)
        let cosTheta2 = cos(theta2), sinTheta2 = sin(theta2)
        let d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cosTheta2) + i1 + i2
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cosTheta2) + i2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sinTheta2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinTheta2
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sinTheta2 - phi2)
            / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return State(dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    /// One classical Runge-Kutta step over `[0, dt]`, evaluated in the same order as Gymnasium's `rk4`.
    static func rungeKutta4(_ y0: State, torque: Double, dt: Double) -> State {
        let dt2 = dt / 2.0
        let k1 = derivative(y0, torque: torque)
        let k2 = derivative(y0.adding(dt2, k1), torque: torque)
        let k3 = derivative(y0.adding(dt2, k2), torque: torque)
        let k4 = derivative(y0.adding(dt, k3), torque: torque)
        func combine(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double { a + 2 * b + 2 * c + d }
        let sum = State(combine(k1.theta1, k2.theta1, k3.theta1, k4.theta1),
                        combine(k1.theta2, k2.theta2, k3.theta2, k4.theta2),
                        combine(k1.dtheta1, k2.dtheta1, k3.dtheta1, k4.dtheta1),
                        combine(k1.dtheta2, k2.dtheta2, k3.dtheta2, k4.dtheta2))
        return y0.adding(dt / 6.0, sum)
    }

    /// Wraps an angle into `[-pi, pi]` by whole turns.
    static func wrap(_ x: Double) -> Double {
        let low = -Double.pi, high = Double.pi
        let period = high - low
        var x = x
        while x > high { x = x - period }
        while x < low { x = x + period }
        return x
    }
}
