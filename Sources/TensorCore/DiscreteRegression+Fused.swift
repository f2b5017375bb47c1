// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Fused soft cross-entropy and two-hot decoding

extension Tensor {
    /// `-sum_k t_k log_softmax(x)_k` per row, as one tape node (the same arithmetic, in the same
    /// order, as `-(x.logSoftmax() * t).sum(alongAxes: [-1])`).
    /// - Parameters:
    ///   - logits: `[..., K]`.
    ///   - targets: `[..., K]`, untracked (two-hot rows).
    /// - Returns: `[..., 1]`.
    static func softCrossEntropyRows(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        let k = logits.shape[logits.rank - 1], rows = logits.count / Swift.max(k, 1)
        precondition(targets.shape == logits.shape, "softCrossEntropy: targets \(targets.shape) must match logits \(logits.shape)")
        var out = [Float](uninitializedCount: rows)
        var lse = [Float](uninitializedCount: rows)
        logits.withUnsafeBufferPointer { x in targets.withUnsafeBufferPointer { t in
            for r in 0..<rows {
                let xr = x.baseAddress! + r * k, tr = t.baseAddress! + r * k
                var m = -Float.infinity
                for j in 0..<k { m = Swift.max(m, xr[j]) }
                var s: Float = 0
                for j in 0..<k { s += Foundation.exp(xr[j] - m) }
                let l = m + Foundation.log(s)
                var acc: Float = 0
                for j in 0..<k { acc += (xr[j] - l) * tr[j] }
                out[r] = -acc
                lse[r] = l
            }
        } }
        let result = Tensor(shape: Array(logits.shape.dropLast()) + [1], scalars: out)
        return record(result, inputs: [logits]) { g in
            // d/dx_j = g (softmax_j sum(t) - t_j)
            var dx = [Float](uninitializedCount: logits.count)
            logits.withUnsafeBufferPointer { x in targets.withUnsafeBufferPointer { t in g.withUnsafeBufferPointer { gp in
                for r in 0..<rows {
                    let xr = x.baseAddress! + r * k, tr = t.baseAddress! + r * k
                    var total: Float = 0
                    for j in 0..<k { total += -gp[r] * tr[j] }
                    for j in 0..<k { dx[r * k + j] = -gp[r] * tr[j] - Foundation.exp(xr[j] - lse[r]) * total }
                }
            } } }
            return [Tensor(shape: logits.shape, scalars: dx)]
        }
    }

    /// `symexp(sum_k softmax(x)_k bins_k)` per row, as one tape node.
    /// - Parameters:
    ///   - logits: `[..., K]`.
    ///   - bins: `[K]`.
    /// - Returns: `[..., 1]`.
    static func decodeRows(_ logits: Tensor, bins: Tensor) -> Tensor {
        let k = logits.shape[logits.rank - 1], rows = logits.count / Swift.max(k, 1)
        var probabilities = [Float](uninitializedCount: logits.count)
        var means = [Float](uninitializedCount: rows)
        var out = [Float](uninitializedCount: rows)
        logits.withUnsafeBufferPointer { x in bins.withUnsafeBufferPointer { b in probabilities.withUnsafeMutableBufferPointer { p in
            softmaxKernel(x.baseAddress!, p.baseAddress!, outer: rows, n: k, inner: 1)
            for r in 0..<rows {
                let pr = p.baseAddress! + r * k
                var v: Float = 0
                for j in 0..<k { v += pr[j] * b[j] }
                means[r] = v
                out[r] = (v < 0 ? -1 : 1) * Foundation.expm1(Swift.abs(v))
            }
        } } }
        let result = Tensor(shape: Array(logits.shape.dropLast()) + [1], scalars: out)
        return record(result, inputs: [logits]) { g in
            // dy/dv = exp(|v|); dv/dx_j = p_j (b_j - sum_i p_i b_i)
            var dx = [Float](uninitializedCount: logits.count)
            bins.withUnsafeBufferPointer { b in g.withUnsafeBufferPointer { gp in
                for r in 0..<rows {
                    let gv = gp[r] * Foundation.exp(Swift.abs(means[r]))
                    var dot: Float = 0
                    for j in 0..<k { dot += gv * b[j] * probabilities[r * k + j] }
                    for j in 0..<k { dx[r * k + j] = probabilities[r * k + j] * (gv * b[j] - dot) }
                }
            } }
            return [Tensor(shape: logits.shape, scalars: dx)]
        }
    }
}
