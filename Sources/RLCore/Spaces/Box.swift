// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TensorCore

// MARK: - Box

/// A box in `R^n`: tensors of a fixed shape whose elements lie in per-element closed intervals
/// `[low[i], high[i]]`. Bounds may be infinite.
///
/// ``sample(using:)`` draws each element according to its interval, as Gymnasium's `Box` does:
/// - `[a, b]` (both finite): uniform,
/// - `[a, +inf)`: `a` plus a standard exponential draw,
/// - `(-inf, b]`: `b` minus a standard exponential draw,
/// - `(-inf, +inf)`: a standard normal draw.
public struct Box: Space, Equatable {
    /// Lower bounds, one per element; shape ``shape``.
    public let low: Tensor
    /// Upper bounds, one per element; shape ``shape``.
    public let high: Tensor

    /// The shape of every element of the space, for example `[4]` or `[3, 64, 64]` (channels-first image).
    public var shape: [Int] { low.shape }

    /// Creates a box from per-element bounds.
    /// - Precondition: `low` and `high` have the same shape, no bound is NaN, and `low <= high` elementwise.
    public init(low: Tensor, high: Tensor) {
        precondition(low.shape == high.shape, "Box bounds have different shapes: low \(low.shape), high \(high.shape)")
        for i in 0..<low.count {
            let l = low.scalars[i], h = high.scalars[i]
            precondition(!l.isNaN && !h.isNaN, "Box bound \(i) is NaN")
            precondition(l <= h, "Box needs low <= high, element \(i) has low \(l) > high \(h)")
        }
        self.low = low.detached()
        self.high = high.detached()
    }

    /// Creates a box with the same bounds for every element.
    /// - Precondition: `low <= high`, neither is NaN, and no extent of `shape` is negative.
    public init(low: Float, high: Float, shape: [Int]) {
        self.init(low: Tensor(repeating: low, shape: shape), high: Tensor(repeating: high, shape: shape))
    }

    /// Creates a rank-1 box from bound arrays.
    public init(low: [Float], high: [Float]) {
        self.init(low: Tensor(low), high: Tensor(high))
    }

    /// The number of elements of each value (the product of ``shape``).
    public var elementCount: Int { low.count }

    /// Whether every bound is finite.
    public var isBounded: Bool {
        low.scalars.allSatisfy(\.isFinite) && high.scalars.allSatisfy(\.isFinite)
    }

    /// Whether `element` has shape ``shape`` and every element lies in its interval (NaN never does).
    public func contains(_ element: Tensor) -> Bool {
        guard element.shape == shape else { return false }
        return element.withUnsafeBufferPointer { x in
            low.withUnsafeBufferPointer { lo in
                high.withUnsafeBufferPointer { hi in
                    for i in 0..<x.count where !(x[i] >= lo[i] && x[i] <= hi[i]) { return false }
                    return true
                }
            }
        }
    }

    /// Draws an element of shape ``shape`` (see the type's documentation for the distributions).
    public func sample(using generator: inout some RandomNumberGenerator) -> Tensor {
        var values = [Float](repeating: 0, count: elementCount)
        for i in 0..<values.count {
            let l = low.scalars[i], h = high.scalars[i]
            switch (l.isFinite, h.isFinite) {
            case (true, true):
                values[i] = Swift.min(h, l + (h - l) * generator.nextUniform())
            case (true, false):
                values[i] = l + Self.exponential(using: &generator)
            case (false, true):
                values[i] = h - Self.exponential(using: &generator)
            case (false, false):
                values[i] = generator.nextNormal()
            }
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// `element` with every value clamped into its interval. Shapes must match.
    /// - Precondition: `element.shape == shape`.
    public func clamped(_ element: Tensor) -> Tensor {
        precondition(element.shape == shape, "Box.clamped: shape \(element.shape), expected \(shape)")
        var values = element.scalars
        for i in 0..<values.count {
            values[i] = Swift.min(Swift.max(values[i], low.scalars[i]), high.scalars[i])
        }
        return Tensor(shape: shape, scalars: values)
    }

    private static func exponential(using generator: inout some RandomNumberGenerator) -> Float {
        // 1 - u is in (0, 1], so the logarithm is finite.
        Float(-log1p(-Double(generator.nextUniform())))
    }

    /// For example `Box(low: -2.0, high: 2.0, shape: [1])` or `Box(low: [-1.2, -0.07], high: [0.6, 0.07])`.
    public var description: String {
        let l = low.scalars, h = high.scalars
        if let l0 = l.first, let h0 = h.first, l.allSatisfy({ $0 == l0 }), h.allSatisfy({ $0 == h0 }) {
            return "Box(low: \(l0), high: \(h0), shape: \(shape))"
        }
        return "Box(low: \(l), high: \(h), shape: \(shape))"
    }
}
