// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - DiscreteAsTensor

/// Presents an environment with ``Discrete`` (`Int`) actions as one taking one-element index tensors:
/// the action `Tensor([1])` means `1`. Its action space is ``IndexSpace``.
///
/// This is how discrete environments cross the `any Environment<Tensor, Tensor>` boundary of the
/// registry. An action that is not a shape-`[1]` tensor holding an integral value of the space throws
/// ``EnvironmentError/invalidAction(_:)``.
public struct DiscreteAsTensor<Base: Environment>: EnvironmentWrapper
where Base.Action == Int, Base.ActionSpace == Discrete {
    public typealias Observation = Base.Observation
    public typealias Action = Tensor

    public var base: Base

    /// Wraps `base`.
    public init(_ base: Base) { self.base = base }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    public var actionSpace: IndexSpace { IndexSpace(base.actionSpace) }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try base.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Tensor) throws -> Step<Observation> {
        let space = actionSpace
        guard let index = space.index(of: action) else {
            throw EnvironmentError.invalidAction("\(action) is not in \(space)")
        }
        return try base.step(index)
    }
}

extension Environment where Action == Int, ActionSpace == Discrete {
    /// This environment taking one-element index tensors as actions (``DiscreteAsTensor``).
    public func indexTensorActions() -> DiscreteAsTensor<Self> { DiscreteAsTensor(self) }
}
