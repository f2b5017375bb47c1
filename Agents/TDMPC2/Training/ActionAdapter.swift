// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import NN
import RLCore

// MARK: - Action adapter

/// Maps between the agent's actions and an environment's action space.
///
/// - `Box` spaces: the agent acts in `[-1, 1]^A` (TD-MPC2's convention) and actions are rescaled
///   linearly to `[low, high]`.
/// - Discrete spaces (one-element index tensors, ``IndexSpace``): the agent acts with one-hot
///   vectors of length `n` and the environment receives the index of the largest entry.
public struct ActionAdapter: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case box(low: [Float], high: [Float])
        case discrete(count: Int, start: Int)
    }
    public let kind: Kind

    /// - Throws: ``TrainerError/unsupportedActionSpace(_:)`` for a space that is neither a bounded Box nor discrete.
    public init(_ space: any Space<Tensor>) throws {
        var base = space
        while let erased = base as? AnySpace<Tensor> { base = erased.base }
        if let box = base as? Box {
            guard box.isBounded, box.shape.count == 1 else { throw TrainerError.unsupportedActionSpace("\(space): a bounded rank-1 Box is needed") }
            kind = .box(low: box.low.scalars, high: box.high.scalars)
        } else if let index = base as? IndexSpace {
            kind = .discrete(count: index.discrete.count, start: index.discrete.start)
        } else {
            throw TrainerError.unsupportedActionSpace("\(space)")
        }
    }

    /// The agent's action width `A`.
    public var agentDimensions: Int {
        switch kind {
        case .box(let low, _): low.count
        case .discrete(let n, _): n
        }
    }

    /// `n` for discrete spaces.
    public var discreteCount: Int? { if case .discrete(let n, _) = kind { n } else { nil } }

    /// The environment action for an agent action `[A]`.
    public func environmentAction(_ action: Tensor) -> Tensor {
        switch kind {
        case let .box(low, high):
            var out = [Float](repeating: 0, count: low.count)
            for i in 0..<low.count {
                let a: Float = Swift.min(Swift.max(action.scalars[i], -1), 1)
                out[i] = low[i] + (a + 1) / 2 * (high[i] - low[i])
            }
            return Tensor(out)
        case let .discrete(_, start):
            return Tensor(shape: [1], scalars: [Float(start + (action.argmax(alongAxis: 0).first ?? 0))])
        }
    }

    /// A uniformly random agent action: uniform in `[-1, 1]^A`, or a uniformly random one-hot vector.
    public func randomAction(using generator: inout some RandomNumberGenerator) -> Tensor {
        switch kind {
        case .box(let low, _):
            return Tensor((0..<low.count).map { _ in 2 * generator.nextUniform() - 1 })
        case let .discrete(n, _):
            var v = [Float](repeating: 0, count: n)
            v[Int(generator.next() % UInt64(n))] = 1
            return Tensor(v)
        }
    }
}
