// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - RescaleAction

/// Presents a bounded ``Box`` action space as `[lower, upper]` in every element (usually `[-1, 1]`, the range
/// a planner or a squashed policy produces) and maps actions affinely onto the base bounds:
/// ```
/// base = low + (high - low) * (a - lower) / (upper - lower), then clamped to [low, high]
/// ```
/// An action of the wrong shape or with a NaN throws ``EnvironmentError/invalidAction(_:)``.
public struct RescaleAction<Base: Environment>: EnvironmentWrapper
where Base.Action == Tensor, Base.ActionSpace == Box {
    public typealias Observation = Base.Observation
    public typealias Action = Tensor

    public var base: Base
    /// The presented range.
    public let range: ClosedRange<Float>
    /// The presented action space: `Box(low: range.lowerBound, high: range.upperBound, shape: base shape)`.
    public let actionSpace: Box
    private let baseSpace: Box

    /// Wraps `base`.
    /// - Precondition: the base action space is bounded and `range` has positive width.
    public init(_ base: Base, to range: ClosedRange<Float> = -1...1) {
        let space = base.actionSpace
        precondition(space.isBounded, "RescaleAction needs a bounded action space, got \(space)")
        precondition(range.upperBound > range.lowerBound, "RescaleAction needs a range of positive width, got \(range)")
        self.base = base
        self.range = range
        self.baseSpace = space
        self.actionSpace = Box(low: range.lowerBound, high: range.upperBound, shape: space.shape)
    }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }

    /// The base action that `action` maps to.
    /// - Throws: ``EnvironmentError/invalidAction(_:)`` for a wrong shape or a NaN element.
    public func baseAction(for action: Tensor) throws -> Tensor {
        guard action.shape == baseSpace.shape else {
            throw EnvironmentError.invalidAction("shape \(action.shape), expected \(baseSpace.shape)")
        }
        let width = range.upperBound - range.lowerBound
        var values = action.scalars
        for i in 0..<values.count {
            guard !values[i].isNaN else { throw EnvironmentError.invalidAction("element \(i) is NaN") }
            let low = baseSpace.low.scalars[i], high = baseSpace.high.scalars[i]
            let mapped = low + (high - low) * ((values[i] - range.lowerBound) / width)
            values[i] = Swift.min(Swift.max(mapped, low), high)
        }
        return Tensor(shape: action.shape, scalars: values)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Tensor) throws -> Step<Observation> {
        try base.step(baseAction(for: action))
    }
}

// MARK: - ClipAction

/// Accepts any finite action of the right shape and clamps it into the base ``Box`` before stepping.
/// The presented action space is unbounded, as in Gymnasium's `ClipAction`.
public struct ClipAction<Base: Environment>: EnvironmentWrapper
where Base.Action == Tensor, Base.ActionSpace == Box {
    public typealias Observation = Base.Observation
    public typealias Action = Tensor

    public var base: Base

    /// Wraps `base`.
    public init(_ base: Base) { self.base = base }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    /// `Box(low: -inf, high: +inf)` with the base shape.
    public var actionSpace: Box { Box(low: -.infinity, high: .infinity, shape: base.actionSpace.shape) }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Tensor) throws -> Step<Observation> {
        let space = base.actionSpace
        guard action.shape == space.shape else {
            throw EnvironmentError.invalidAction("shape \(action.shape), expected \(space.shape)")
        }
        guard !action.scalars.contains(where: \.isNaN) else { throw EnvironmentError.invalidAction("\(action) has a NaN") }
        return try base.step(space.clamped(action))
    }
}

extension Environment where Action == Tensor, ActionSpace == Box {
    /// This environment taking actions in `range` (default `[-1, 1]`), mapped onto its bounds (``RescaleAction``).
    public func rescalingActions(to range: ClosedRange<Float> = -1...1) -> RescaleAction<Self> {
        RescaleAction(self, to: range)
    }

    /// This environment clamping every action into its bounds (``ClipAction``).
    public func clippingActions() -> ClipAction<Self> { ClipAction(self) }
}
