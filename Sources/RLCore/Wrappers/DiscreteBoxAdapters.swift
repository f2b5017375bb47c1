// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - DiscreteAsBox

/// Presents a ``Discrete`` action space of `n` values to continuous-action agents as `Box(-1, 1, [n])`:
/// the action is a vector of scores and the environment takes the value with the highest score
/// (the first one on ties), `start + argmax(a)`.
///
/// An action of the wrong shape or with a NaN throws ``EnvironmentError/invalidAction(_:)``.
public struct DiscreteAsBox<Base: Environment>: EnvironmentWrapper
where Base.Action == Int, Base.ActionSpace == Discrete {
    public typealias Observation = Base.Observation
    public typealias Action = Tensor

    public var base: Base

    /// Wraps `base`.
    public init(_ base: Base) { self.base = base }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    /// `Box(low: -1, high: 1, shape: [n])`.
    public var actionSpace: Box { Box(low: -1, high: 1, shape: [base.actionSpace.count]) }

    /// The discrete value `action` selects.
    /// - Throws: ``EnvironmentError/invalidAction(_:)`` for a wrong shape or a NaN score.
    public func discreteAction(for action: Tensor) throws -> Int {
        let space = base.actionSpace
        guard action.shape == [space.count] else {
            throw EnvironmentError.invalidAction("shape \(action.shape), expected [\(space.count)]")
        }
        var best = 0
        for i in 0..<action.count {
            let score = action.scalars[i]
            guard !score.isNaN else { throw EnvironmentError.invalidAction("score \(i) is NaN") }
            if score > action.scalars[best] { best = i }
        }
        return space.start + best
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Tensor) throws -> Step<Observation> {
        try base.step(discreteAction(for: action))
    }
}

// MARK: - BoxAsDiscrete

/// Presents a bounded ``Box`` action space to discrete-action agents: each of the `d` elements is
/// discretized into `binCount` evenly spaced values from `low` to `high`, giving `Discrete(binCount^d)`.
/// Index `k` is read in base `binCount`, first element most significant.
public struct BoxAsDiscrete<Base: Environment>: EnvironmentWrapper
where Base.Action == Tensor, Base.ActionSpace == Box {
    public typealias Observation = Base.Observation
    public typealias Action = Int

    public var base: Base
    /// Values per action element.
    public let binCount: Int
    /// `Discrete(binCount^d)`.
    public let actionSpace: Discrete
    private let baseSpace: Box

    /// Wraps `base`.
    /// - Precondition: the base action space is bounded, `binCount >= 2`, and `binCount^d` fits in an `Int`
    ///   and is at most 2^24.
    public init(_ base: Base, binCount: Int) {
        let space = base.actionSpace
        precondition(space.isBounded, "BoxAsDiscrete needs a bounded action space, got \(space)")
        precondition(binCount >= 2, "BoxAsDiscrete needs binCount >= 2, got \(binCount)")
        var total = 1
        for _ in 0..<space.elementCount {
            total *= binCount
            precondition(total <= 1 << 24, "BoxAsDiscrete: \(binCount)^\(space.elementCount) actions is too many")
        }
        self.base = base
        self.binCount = binCount
        self.baseSpace = space
        self.actionSpace = Discrete(total)
    }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }

    /// The base action for discrete `index`.
    /// - Throws: ``EnvironmentError/invalidAction(_:)`` when `index` is outside ``actionSpace``.
    public func boxAction(for index: Int) throws -> Tensor {
        guard actionSpace.contains(index) else {
            throw EnvironmentError.invalidAction("\(index) is not in \(actionSpace)")
        }
        var remainder = index
        var values = [Float](repeating: 0, count: baseSpace.elementCount)
        for i in stride(from: values.count - 1, through: 0, by: -1) {
            let bin = remainder % binCount
            remainder /= binCount
            let low = baseSpace.low.scalars[i], high = baseSpace.high.scalars[i]
            values[i] = bin == binCount - 1 ? high : low + (high - low) * Float(bin) / Float(binCount - 1)
        }
        return Tensor(shape: baseSpace.shape, scalars: values)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Int) throws -> Step<Observation> {
        try base.step(boxAction(for: action))
    }
}

extension Environment where Action == Int, ActionSpace == Discrete {
    /// This environment taking score vectors in `[-1, 1]^n` as actions (``DiscreteAsBox``).
    public func boxActions() -> DiscreteAsBox<Self> { DiscreteAsBox(self) }
}

extension Environment where Action == Tensor, ActionSpace == Box {
    /// This environment taking discrete actions, `binCount` values per element (``BoxAsDiscrete``).
    public func discreteActions(binCount: Int) -> BoxAsDiscrete<Self> { BoxAsDiscrete(self, binCount: binCount) }
}
