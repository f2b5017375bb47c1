// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Losses

extension Tensor {
    /// Mean squared error over all elements, `mean((a - b)^2)`.
    ///
    /// For equal shapes one pass forward and one backward (the latent consistency loss of every update);
    /// the sums run in the order of `(a - b).squared().mean()` (columns over the first axis, then the
    /// rest), so the result is that chain's bits. Broadcast shapes use the chain.
    public static func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Tensor {
        guard a.shape == b.shape, a.rank >= 1, a.count > 0 else { return (a - b).squared().mean() }
        let n = a.count, rows = a.shape[0], width = n / rows
        let scale = 1 / Float(n)
        // Column sums of (a - b)^2 over the rows, in row order (lanes run across columns).
        var columns = [Float](repeating: 0, count: width)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in columns.withUnsafeMutableBufferPointer { cp in
            let (x, y, c) = (ap.baseAddress!, bp.baseAddress!, cp.baseAddress!)
            for r in 0..<rows {
                let (xr, yr) = (x + r * width, y + r * width)
                var j = 0
                while j + VectorMath.lanes <= width {
                    let d = VectorMath.load(xr + j) - VectorMath.load(yr + j)
                    VectorMath.store(VectorMath.load(c + j) + d * d, c + j)
                    j += VectorMath.lanes
                }
                while j < width { let d = xr[j] - yr[j]; c[j] += d * d; j += 1 }
            }
        } } }
        let total = sumInAxisOrder(columns, shape: Array(a.shape.dropFirst()))
        let result = Tensor(shape: [], scalars: [total * scale])
        return record(result, inputs: [a, b]) { g in
            // d/da = (g / n) * 2 (a - b), d/db = -d/da (the chain's products, in its order).
            let c = g.scalars[0] * scale
            var ga = [Float](uninitializedCount: n)
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in ga.withUnsafeMutableBufferPointer { gp in
                let (x, y, o) = (ap.baseAddress!, bp.baseAddress!, gp.baseAddress!)
                let cv = FloatLanes(repeating: c), two = FloatLanes(repeating: 2)
                var i = 0
                while i + VectorMath.lanes <= n {
                    VectorMath.store(cv * (two * (VectorMath.load(x + i) - VectorMath.load(y + i))), o + i)
                    i += VectorMath.lanes
                }
                while i < n { o[i] = c * (2 * (x[i] - y[i])); i += 1 }
            } } }
            let gradient = Tensor(shape: a.shape, scalars: ga)
            return [a.needsGradient ? gradient : nil, b.needsGradient ? gradient.mapScalars { -$0 } : nil]
        }
    }

    /// The sum of `values` (shape `shape`, rank 0 or more) in the order of `sum(alongAxes:)` over every
    /// axis: the first axis summed out first, then the next.
    private static func sumInAxisOrder(_ values: [Float], shape: [Int]) -> Float {
        guard let rows = shape.first else { return values.first ?? 0 }
        let width = values.count / Swift.max(rows, 1)
        var columns = [Float](repeating: 0, count: width)
        for r in 0..<rows { for j in 0..<width { columns[j] += values[r * width + j] } }
        return sumInAxisOrder(columns, shape: Array(shape.dropFirst()))
    }
}

// MARK: - TD-MPC2 discrete regression

/// TD-MPC2's discrete regression of scalars (`common/math.py`): values are mapped by `symlog`,
/// encoded as a two-hot vector over `binCount` evenly spaced bins in `[vmin, vmax]`, predicted as
/// logits trained with soft cross-entropy, and decoded as `symexp` of the softmax-weighted bin mean.
/// ```
/// x' = clamp(symlog(x), vmin, vmax); i = floor((x' - vmin) / binSize); f = (x' - vmin) / binSize - i
/// twoHot[i] = 1 - f; twoHot[(i + 1) % K] = f
/// softCE(logits, x) = -sum_k twoHot(x)_k log_softmax(logits)_k
/// decode(logits) = symexp(sum_k softmax(logits)_k bins_k)
/// ```
public struct DiscreteRegression: Sendable, Equatable, Codable {
    /// Number of bins (TD-MPC2: 101).
    public var binCount: Int
    /// Lower bound of the bins, in symlog space (TD-MPC2: -10).
    public var vmin: Float
    /// Upper bound of the bins, in symlog space (TD-MPC2: +10).
    public var vmax: Float

    /// - Precondition: `binCount >= 2` and `vmin < vmax`.
    public init(binCount: Int = 101, vmin: Float = -10, vmax: Float = 10) {
        precondition(binCount >= 2 && vmin < vmax, "DiscreteRegression needs binCount >= 2 and vmin < vmax, got \(binCount), [\(vmin), \(vmax)]")
        self.binCount = binCount
        self.vmin = vmin
        self.vmax = vmax
    }

    /// Bin width, `(vmax - vmin) / (binCount - 1)`.
    public var binSize: Float { (vmax - vmin) / Float(binCount - 1) }

    /// The bin centres, `linspace(vmin, vmax, binCount)`.
    public var bins: Tensor {
        Tensor((0..<binCount).map { vmin + (vmax - vmin) * Float($0) / Float(binCount - 1) })
    }

    /// Two-hot targets: `[..., 1]` scalars to `[..., K]` (no gradient).
    public func twoHot(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == 1, "twoHot expects a trailing axis of 1, got \(x.shape)")
        let k = binCount, n = x.count
        var out = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            guard let (idx, off) = twoHotPosition(x.scalars[i]) else {
                // A NaN target gives a NaN row, so losses become NaN and callers can detect it.
                for j in 0..<k { out[i * k + j] = .nan }
                continue
            }
            out[i * k + idx] = 1 - off
            out[i * k + (idx + 1) % k] += off
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [k], scalars: out)
    }

    /// Where a scalar's two-hot weights go: `1 - upper` on bin `lower`, `upper` on bin `(lower + 1) % K`;
    /// nil for NaN.
    @inline(__always)
    func twoHotPosition(_ v: Float) -> (lower: Int, upper: Float)? {
        guard !v.isNaN else { return nil }
        let s = (v < 0 ? -1 : 1) * Foundation.log1p(Swift.abs(v))
        let c = Swift.min(Swift.max(s, vmin), vmax)
        let pos = (c - vmin) / binSize
        let idx = Swift.min(Swift.max(Int(pos.rounded(.down)), 0), binCount - 1)
        return (idx, pos - Float(idx))
    }

    /// Soft cross-entropy of `logits` `[..., K]` against scalar targets `[..., 1]`; returns `[..., 1]`.
    /// The two-hot targets are never materialized: each row reads its two bins.
    public func softCrossEntropy(_ logits: Tensor, _ target: Tensor) -> Tensor {
        precondition(logits.shape.last == binCount, "softCrossEntropy: logits \(logits.shape) must end in \(binCount)")
        precondition(target.shape.last == 1 && target.count * binCount == logits.count,
                     "softCrossEntropy: targets \(target.shape) must be logits \(logits.shape) with a last axis of 1")
        let positions = target.scalars.map { twoHotPosition($0) }
        return Tensor.softCrossEntropyRows(logits, twoHot: positions)
    }

    /// Decoded scalar predictions `[..., 1]` from logits `[..., K]` (differentiable).
    public func decode(_ logits: Tensor) -> Tensor {
        precondition(logits.shape.last == binCount, "decode: logits \(logits.shape) must end in \(binCount)")
        return Tensor.decodeRows(logits, bins: bins)
    }
}


extension Tensor {
    /// Mean binary cross-entropy of `logits` against 0/1 `targets` (PyTorch `BCEWithLogits`, mean):
    /// `max(x, 0) − x y + log(1 + e^−|x|)`, gradient `(sigmoid(x) − y) / n`.
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        precondition(logits.shape == targets.shape, "BCE: logits \(logits.shape) and targets \(targets.shape) differ")
        let n = Float(logits.count)
        var total: Float = 0
        for i in 0..<logits.count {
            let x = logits.scalars[i], y = targets.scalars[i]
            total += Swift.max(x, 0) - x * y + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
        }
        return record(Tensor(total / n), inputs: [logits]) { g in
            let s = g.scalar / n
            return [Tensor(shape: logits.shape, scalars: (0..<logits.count).map { i in
                s * (1 / (1 + Foundation.exp(-logits.scalars[i])) - targets.scalars[i]) })]
        }
    }
}
