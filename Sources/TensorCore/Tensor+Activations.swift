// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Unary math with gradients

extension Tensor {
    /// Records a unary op whose derivative is a function of input `x` and output `y`.
    @inline(__always)
    func unary(_ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let y = mapScalars(f)
        return Tensor.record(y, inputs: [self]) { [self] g in
            var out = [Float](uninitializedCount: g.count)
            self.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { yp in g.withUnsafeBufferPointer { gp in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<o.count { o[i] = gp[i] * derivative(x[i], yp[i]) }
                }
            } } }
            return [Tensor(shape: g.shape, scalars: out)]
        }
    }

    /// `e^x`.
    public func exp() -> Tensor {
        var out = [Float](uninitializedCount: count)
        withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in VectorMath.exp(x.baseAddress!, o.baseAddress!, x.count) } }
        let y = Tensor(shape: shape, scalars: out)
        return Tensor.record(y, inputs: [self]) { g in [Tensor.elementwise(g, y, *)] }
    }
    /// Natural logarithm.
    public func log() -> Tensor { unary({ Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    /// Square root.
    public func sqrt() -> Tensor { unary({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// `x^2`.
    public func squared() -> Tensor { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    /// Absolute value (subgradient 0 at 0).
    public func abs() -> Tensor { unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor { unary({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }) }
    /// Logistic sigmoid `1 / (1 + e^-x)`.
    public func sigmoid() -> Tensor { unary({ 1 / (1 + Foundation.exp(-$0)) }, derivative: { _, y in y * (1 - y) }) }
    /// `log(1 + e^x)`, computed stably.
    public func softplus() -> Tensor {
        unary({ $0 > 20 ? $0 : Foundation.log1p(Foundation.exp($0)) }, derivative: { x, _ in 1 / (1 + Foundation.exp(-x)) })
    }
    /// `max(x, 0)` (subgradient 0 at 0).
    public func relu() -> Tensor { unary({ Swift.max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 }) }
    /// `x` for positive x, `alpha (e^x - 1)` otherwise.
    public func elu(alpha: Float = 1) -> Tensor {
        unary({ $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }, derivative: { x, y in x > 0 ? 1 : y + alpha })
    }
    /// Clamps into `[low, high]`; the gradient is 1 inside and 0 outside.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        unary({ Swift.min(Swift.max($0, range.lowerBound), range.upperBound) },
              derivative: { x, _ in x >= range.lowerBound && x <= range.upperBound ? 1 : 0 })
    }
    /// `sign(x) log(1 + |x|)` (TD-MPC2 `symlog`).
    public func symlog() -> Tensor {
        unary({ ($0 < 0 ? -1 : 1) * Foundation.log1p(Swift.abs($0)) }, derivative: { x, _ in 1 / (1 + Swift.abs(x)) })
    }
    /// `sign(x) (e^|x| - 1)` (TD-MPC2 `symexp`).
    public func symexp() -> Tensor {
        unary({ ($0 < 0 ? -1 : 1) * Foundation.expm1(Swift.abs($0)) }, derivative: { x, _ in Foundation.exp(Swift.abs(x)) })
    }

    /// Mish, `x tanh(softplus(x))`, vectorized (one exp per element).
    public func mish() -> Tensor {
        var out = [Float](uninitializedCount: count)
        withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in VectorMath.mish(x.baseAddress!, o.baseAddress!, x.count) } }
        return Tensor.record(Tensor(shape: shape, scalars: out), inputs: [self]) { [self] g in
            var d = [Float](uninitializedCount: g.count)
            self.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { gp in d.withUnsafeMutableBufferPointer { o in
                VectorMath.mishBackward(x.baseAddress!, gp.baseAddress!, o.baseAddress!, o.count)
            } } }
            return [Tensor(shape: g.shape, scalars: d)]
        }
    }

    /// An inverted-dropout mask: each element is `1 / (1 - rate)` with probability `1 - rate`, else 0.
    /// Draws one `nextUniform()` per element, so the mask equals `Tensor.ones(shape).dropout(rate:using:)`.
    public static func dropoutMask(_ shape: [Int], rate: Float, using generator: inout SeededGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        let n = shape.reduce(1, *)
        if rate == 0 { return Tensor.ones(shape) }
        let keep = 1 / (1 - rate)
        // nextUniform() = Float(next() >> 40) * 2^-24 >= rate  <=>  next() >> 40 >= ceil(rate * 2^24), exactly.
        let threshold = UInt64((rate * 16_777_216).rounded(.up))
        let mask = [Float](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = (generator.next() >> 40) >= threshold ? keep : 0 }
            count = n
        }
        return Tensor(shape: shape, scalars: mask)
    }

    /// Inverted dropout: zeroes each element with probability `rate` and scales survivors by
    /// `1 / (1 - rate)`. With `rate == 0` the input is returned unchanged.
    public func dropout(rate: Float, using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        if rate == 0 { return self }
        let keep = 1 / (1 - rate)
        var mask = [Float](repeating: 0, count: count)
        for i in 0..<count { mask[i] = generator.nextUniform() >= rate ? keep : 0 }
        return self * Tensor(shape: shape, scalars: mask)
    }
}
