// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Losses

extension Tensor {
    /// Mean squared error over all elements, `mean((a - b)^2)`.
    public static func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Tensor { (a - b).squared().mean() }
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
