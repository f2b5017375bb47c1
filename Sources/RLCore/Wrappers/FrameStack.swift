// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - FrameStack

/// Stacks the last `frameCount` observations along the first axis, oldest first. For channels-first
/// pixels `[C, H, W]` the observation becomes `[frameCount * C, H, W]`; a vector `[O]` becomes `[frameCount * O]`.
///
/// After `reset` the stack holds `frameCount` copies of the first observation (Gymnasium's "reset" padding).
public struct FrameStack<Base: Environment>: EnvironmentWrapper
where Base.Observation == Tensor, Base.ObservationSpace == Box {
    public typealias Observation = Tensor
    public typealias Action = Base.Action

    public var base: Base
    /// How many observations are stacked.
    public let frameCount: Int
    /// The stacked observation space: the base bounds repeated `frameCount` times along the first axis.
    public let observationSpace: Box
    private var frames: [Tensor] = []

    /// Wraps `base`.
    /// - Precondition: `frameCount >= 1` and the base observations have rank >= 1.
    public init(_ base: Base, frameCount: Int) {
        precondition(frameCount >= 1, "FrameStack needs frameCount >= 1, got \(frameCount)")
        let space = base.observationSpace
        precondition(!space.shape.isEmpty, "FrameStack needs observations of rank >= 1, got shape \(space.shape)")
        self.base = base
        self.frameCount = frameCount
        self.observationSpace = Box(low: Self.stack(Array(repeating: space.low, count: frameCount)),
                                    high: Self.stack(Array(repeating: space.high, count: frameCount)))
    }

    public var actionSpace: Base.ActionSpace { base.actionSpace }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        let (observation, info) = try base.reset(seed: seed, options: options)
        frames = Array(repeating: observation, count: frameCount)
        return (Self.stack(frames), info)
    }

    public mutating func step(_ action: Action) throws -> Step<Tensor> {
        let result = try base.step(action)
        if frames.isEmpty {
            frames = Array(repeating: result.observation, count: frameCount)
        } else {
            frames.removeFirst()
            frames.append(result.observation)
        }
        return Step(observation: Self.stack(frames), reward: result.reward, isTerminated: result.isTerminated,
                    isTruncated: result.isTruncated, info: result.info)
    }

    /// Concatenates equal-shape tensors along axis 0.
    static func stack(_ tensors: [Tensor]) -> Tensor {
        var shape = tensors[0].shape
        shape[0] *= tensors.count
        var scalars: [Float] = []
        scalars.reserveCapacity(tensors[0].count * tensors.count)
        for tensor in tensors { scalars.append(contentsOf: tensor.scalars) }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension Environment where Observation == Tensor, ObservationSpace == Box {
    /// This environment observing the last `count` observations stacked along the first axis (``FrameStack``).
    public func stackingFrames(_ count: Int) -> FrameStack<Self> { FrameStack(self, frameCount: count) }
}
