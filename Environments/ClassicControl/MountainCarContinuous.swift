// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore

// MARK: - MountainCarContinuous

/// Gymnasium's `MountainCarContinuous-v0`: the mountain car with a continuous force.
///
/// State (Gymnasium's `env.unwrapped.state`): `[position, velocity]`; observation: the same as `Float`,
/// shape `[2]`, in `[-1.2, 0.6] x [-0.07, 0.07]`. Action: force, shape `[1]`, in `Box(-1, 1)`; larger values are clipped.
/// ```
/// velocity' = clip(velocity + 0.0015 force - 0.0025 cos(3 position), -0.07, 0.07)
/// position' = clip(position + velocity', -1.2, 0.6);  velocity' = 0 if position' == -1.2 and velocity' < 0
/// reward    = 100 [terminated] - 0.1 action^2       (the unclipped action)
/// ```
/// Terminates when `position >= 0.45` and `velocity >= goalVelocity` (default 0); registered with a 999-step limit.
///
/// Precision, as in Gymnasium 1.x with NumPy 2: the state is stored as `float32` after every step, so from the
/// second step on the update runs in single precision (the first step after a reset runs on the float64
/// initial state). This type reproduces those roundings exactly; ``state`` holds the values as `Double`.
/// Initial state: position uniform in `[-0.6, -0.4)` (reset options `low`/`high`), velocity 0;
/// ``OptionKey/initialState`` sets both.
public struct MountainCarContinuous: Environment {
    public static let minAction = -1.0
    public static let maxAction = 1.0
    public static let minPosition = -1.2
    public static let maxPosition = 0.6
    public static let maxSpeed = 0.07
    public static let goalPosition = 0.45
    public static let power = 0.0015
    /// Names of the state elements (also the `info` keys when `includeStateInInfo` is set).
    public static let stateNames = ["position", "velocity"]

    /// The car's position (a float64 value after a reset, a float32 value after a step).
    public var position: Double {
        get { position64 }
        set { (position64, position32) = (newValue, Float(newValue)) }
    }
    /// The car's velocity (a float64 value after a reset, a float32 value after a step).
    public var velocity: Double {
        get { velocity64 }
        set { (velocity64, velocity32) = (newValue, Float(newValue)) }
    }
    /// The state as set, and rounded to float32 (what the float32 step reads, without conversions).
    var position64 = 0.0, velocity64 = 0.0
    var position32: Float = 0, velocity32: Float = 0
    /// Whether the state was stored in single precision (true after the first step of an episode).
    public var isStateSinglePrecision = false
    /// The velocity the car must have at the goal (Gymnasium's `goal_velocity`, default 0).
    public let goalVelocity: Double
    /// ``goalVelocity`` in float32 (the comparison NumPy makes once the state is float32).
    let goalVelocityFloat: Float
    public let includesStateInInfo: Bool
    public let observationSpace = Box(low: [Float(minPosition), -Float(maxSpeed)], high: [Float(maxPosition), Float(maxSpeed)])
    public let actionSpace = Box(low: Float(minAction), high: Float(maxAction), shape: [1])
    var generator = SeededGenerator(seed: 0)
    var hasReset = false
    var observationBuffer = Tensor.zeros([2])
    let cosine = BoundedCosine.shared

    /// Creates the environment.
    /// - Parameter options: `goalVelocity` (number, default 0) and `includeStateInInfo` (Bool).
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an unknown or malformed option.
    public init(options: EnvironmentOptions = [:]) throws {
        try checkOptionKeys(options, allowed: ["goalVelocity", includeStateInInfoKey], environment: "MountainCarContinuous")
        goalVelocity = try options.number("goalVelocity") ?? 0
        goalVelocityFloat = Float(goalVelocity)
        includesStateInInfo = try options.bool(includeStateInInfoKey) ?? false
    }

    /// The state `[position, velocity]`. Setting it marks it as float64 (as a freshly reset state).
    public var state: [Double] {
        get { [position, velocity] }
        set {
            precondition(newValue.count == 2, "MountainCarContinuous state has 2 elements, got \(newValue.count)")
            (position, velocity) = (newValue[0], newValue[1])
            isStateSinglePrecision = false
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
        return (makeObservation(Float(position), Float(velocity)), info)
    }

    /// Advances the car by one step. The common case (float32 state, a valid action inside `[-1, 1]`) runs on
    /// a float32 copy of the state with ``BoundedCosine`` and writes the observation into a reused buffer;
    /// everything else (validation errors, the first step after a reset, clipped actions) goes through
    /// `checkedStep(_:)`.
    @inline(__always)
    public mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        guard hasReset && isStateSinglePrecision && action.shape.count == 1 && action.scalars.count == 1 else {
            return try checkedStep(action)
        }
        let a = action.scalars[0]
        guard a >= -1 && a <= 1 else { return try checkedStep(action) }  // also NaN
        // The common case (float32 state, action inside the bounds): NumPy's float32 arithmetic throughout,
        // except cos and its product with 0.0025 in float64 (Python's math.cos of a float32).
        let power = Float(Self.power), maxSpeed = Float(Self.maxSpeed), goal = Float(Self.goalPosition)
        let minPosition = Float(Self.minPosition), maxPosition = Float(Self.maxPosition)
        let p0 = position32, v0 = velocity32
        let gravity = Float(0.0025 * cosine.cosOfTriple(p0))
        var v = v0 + (a * power - gravity)
        if v > maxSpeed { v = maxSpeed }
        if v < -maxSpeed { v = -maxSpeed }
        var p = p0 + v
        if p > maxPosition { p = maxPosition }
        if p < minPosition { p = minPosition }
        if p == minPosition && v < 0 { v = 0 }
        let terminated = p >= goal && v >= goalVelocityFloat
        (position32, velocity32) = (p, v)
        (position64, velocity64) = (Double(p), Double(v))
        return Step(observation: makeObservation(p, v), reward: reward(a, terminated), isTerminated: terminated, info: info)
    }

    /// A step that is not the common case: validates the action (throwing for a malformed one or a step
    /// before the first reset), then steps from a float64 state or with an action outside `[-1, 1]`.
    @inline(never)
    mutating func checkedStep(_ action: Tensor) throws -> Step<Tensor> {
        let a = try scalarAction(action)
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        return slowStep(a)
    }

    /// The first step after a reset (float64 state) or a step with an action outside `[-1, 1]`.
    mutating func slowStep(_ a: Float) -> Step<Tensor> {
        let single = isStateSinglePrecision
        // The gravity term: 3 * position in the state's precision, cos and the product in float64.
        let gravityTerm = 0.0025 * (single ? cosine.cosOfTriple(Float(position)) : cosine(3 * position))
        // The force term: float32 for an action inside the bounds; float64 once clipped to a Python float.
        let increment: Double
        if Double(a) < Self.minAction || Double(a) > Self.maxAction {
            increment = (Double(a) < Self.minAction ? Self.minAction : Self.maxAction) * Self.power - gravityTerm
        } else {
            increment = Double(a * Float(Self.power) - Float(gravityTerm))
        }
        var v: Double, p: Double
        if single {
            v = Double(Float(velocity) + Float(increment))
            if Float(v) > Float(Self.maxSpeed) { v = Self.maxSpeed }
            if Float(v) < -Float(Self.maxSpeed) { v = -Self.maxSpeed }
            p = Double(Float(position) + Float(v))
            if Float(p) > Float(Self.maxPosition) { p = Self.maxPosition }
            if Float(p) < Float(Self.minPosition) { p = Self.minPosition }
            if Float(p) == Float(Self.minPosition) && v < 0 { v = 0 }
        } else {
            v = velocity + increment
            if v > Self.maxSpeed { v = Self.maxSpeed }
            if v < -Self.maxSpeed { v = -Self.maxSpeed }
            p = position + v
            if p > Self.maxPosition { p = Self.maxPosition }
            if p < Self.minPosition { p = Self.minPosition }
            if p == Self.minPosition && v < 0 { v = 0 }
        }
        let terminated = single
            ? Float(p) >= Float(Self.goalPosition) && Float(v) >= Float(goalVelocity)
            : p >= Self.goalPosition && v >= goalVelocity
        position = Double(Float(p))
        velocity = Double(Float(v))
        isStateSinglePrecision = true
        return Step(observation: makeObservation(Float(p), Float(v)), reward: reward(a, terminated), isTerminated: terminated, info: info)
    }

    /// Gymnasium's `100 [terminated] - math.pow(action[0], 2) * 0.1` (the unclipped action), in float64; the
    /// square is exact to within the float32 rounding of the reward.
    @inline(__always)
    func reward(_ a: Float, _ terminated: Bool) -> Float {
        Float((terminated ? 100.0 : 0.0) - Double(a) * Double(a) * 0.1)
    }

    /// The observation, written into ``observationBuffer`` (in place when the previous one was released).
    @inline(__always)
    mutating func makeObservation(_ position: Float, _ velocity: Float) -> Tensor {
        observationBuffer.setScalar(position, at: 0)
        observationBuffer.setScalar(velocity, at: 1)
        return observationBuffer
    }

    var info: [String: Double] { includesStateInInfo ? stateInfo() : Dictionary() }

    /// The float64 state under ``stateNames``.
    @inline(never)
    func stateInfo() -> [String: Double] { ClassicControl.stateInfo(Self.stateNames, state) }
}
