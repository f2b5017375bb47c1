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

    /// An inverted-dropout mask: each element is `1 / (1 - rate)` with probability `1 - rate`, else 0,
    /// independently. Equals `Tensor.ones(shape).dropout(rate:using:)` for the same generator state.
    public static func dropoutMask(_ shape: [Int], rate: Float, using generator: inout SeededGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        if rate == 0 { return Tensor.ones(shape) }
        return Tensor(shape: shape, scalars: dropoutMultipliers(count: shape.reduce(1, *), rate: rate, using: &generator))
    }

    /// Inverted dropout: zeroes each element with probability `rate` and scales survivors by
    /// `1 / (1 - rate)`. With `rate == 0` the input is returned unchanged.
    public func dropout(rate: Float, using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        if rate == 0 { return self }
        return self * Tensor(shape: shape, scalars: Self.dropoutMultipliers(count: count, rate: rate, using: &generator))
    }

    /// `count` independent dropout multipliers (0 with probability `rate`, else `1 / (1 - rate)`), drawn
    /// as the gaps between zeros: a gap `G` has `P(G >= g) = (1 - rate)^g` (geometric), which is the law
    /// of the run of survivors before a zero in i.i.d. draws. One draw per zero (plus one), so at TD-MPC2's
    /// rate of 0.01 about a hundredth of the draws of one per element.
    static func dropoutMultipliers(count n: Int, rate: Float, using generator: inout some RandomNumberGenerator) -> [Float] {
        var mask = [Float](uninitializedCount: n)
        // The fill (megabytes for a Q ensemble's mask) is split between threads; the draws stay in order.
        mask.withUnsafeMutableBufferPointer { m in
            guard let base = m.baseAddress else { return }
            Parallel.forEachRange(n, parts: Parallel.partCount(n, itemSize: 4)) { range, _ in
                (base + range.lowerBound).initialize(repeating: 1 / (1 - rate), count: range.count)
            }
        }
        let logSurvival = Foundation.log1p(-Double(rate))         // < 0
        var last = -1                                              // index of the previous zero
        while true {
            let u = Double(generator.next() >> 11) * 0x1p-53       // uniform in [0, 1)
            let gap = Foundation.log1p(-u) / logSurvival           // >= 0; floor(gap) is geometric
            guard gap < Double(n - last - 1) else { break }        // the next zero would be past the end
            last += Int(gap) + 1
            mask[last] = 0
        }
        return mask
    }
}
