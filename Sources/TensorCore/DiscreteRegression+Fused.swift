// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Fused soft cross-entropy and two-hot decoding

extension Tensor {
    /// `-sum_k t_k log_softmax(x)_k` per row for two-hot targets `t`, as one tape node: the same value as
    /// `-(x.logSoftmax() * t).sum(alongAxes: [-1])` with the log-sum-exp over vectorized exps, and only
    /// the two bins of `t` read (the zeros add nothing).
    /// - Parameters:
    ///   - logits: `[..., K]`.
    ///   - positions: one per row: `t` is `1 - upper` at bin `lower` and `upper` at `(lower + 1) % K`
    ///     (nil: a NaN row).
    /// - Returns: `[..., 1]`.
    static func softCrossEntropyRows(_ logits: Tensor, twoHot positions: [(lower: Int, upper: Float)?]) -> Tensor {
        let k = logits.shape[logits.rank - 1], rows = logits.count / Swift.max(k, 1)
        precondition(positions.count == rows, "softCrossEntropy: \(positions.count) targets for \(rows) rows")
        var out = [Float](uninitializedCount: rows)
        var lse = [Float](uninitializedCount: rows)
        // Rows are independent: split between threads, the same bits.
        let parts = Parallel.partCount(rows, itemSize: 2 * k)
        logits.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in lse.withUnsafeMutableBufferPointer { ls in
            let (o, ls) = (o.baseAddress!, ls.baseAddress!)
            Parallel.forEachRange(rows, parts: parts) { range, _ in
                for r in range {
                    let xr = x.baseAddress! + r * k
                    guard let (i, f) = positions[r] else { o[r] = .nan; ls[r] = .nan; continue }
                    let l = logSumExp(xr, k)
                    let i2 = (i + 1) % k
                    let (a, b) = ((xr[i] - l) * (1 - f), (xr[i2] - l) * f)
                    o[r] = -(i2 > i ? a + b : b + a)
                    ls[r] = l
                }
            }
        } } }
        let result = Tensor(shape: Array(logits.shape.dropLast()) + [1], scalars: out)
        return record(result, inputs: [logits]) { g in
            // d/dx_j = -g t_j - softmax_j sum_i(-g t_i), softmax_j = exp(x_j - lse)
            var dx = [Float](uninitializedCount: logits.count)
            logits.withUnsafeBufferPointer { x in g.withUnsafeBufferPointer { gp in dx.withUnsafeMutableBufferPointer { d in
            lse.withUnsafeBufferPointer { ls in
                Parallel.forEachRange(rows, parts: parts) { range, _ in
                    for r in range {
                        let xr = x.baseAddress! + r * k, dr = d.baseAddress! + r * k
                        guard let (i, f) = positions[r] else { dr.update(repeating: .nan, count: k); continue }
                        let i2 = (i + 1) % k
                        let (ta, tb) = (-gp[r] * (1 - f), -gp[r] * f)
                        let total = i2 > i ? ta + tb : tb + ta
                        softmaxTimes(xr, minus: ls[r], scale: -total, dr, k)
                        dr[i] += ta
                        dr[i2] += tb
                    }
                }
            } } } }
            return [Tensor(shape: logits.shape, scalars: dx)]
        }
    }

    /// `max + log(sum_j exp(x_j - max))` of one row, with vectorized exps.
    @inline(__always)
    static func logSumExp(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        typealias V = VectorMath
        let m = V.maximum(x, n)
        let mv = FloatLanes(repeating: m)
        var acc = FloatLanes()
        var j = 0
        while j + V.lanes <= n { acc += V.expLanes(V.load(x + j) - mv); j += V.lanes }
        var s = V.laneSum(acc)
        while j < n { s += V.exp(x[j] - m); j += 1 }
        return m + Foundation.log(s)
    }

    /// `dst[j] = scale * exp(x[j] - shift)`.
    @inline(__always)
    static func softmaxTimes(_ x: UnsafePointer<Float>, minus shift: Float, scale: Float, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        typealias V = VectorMath
        let (sv, cv) = (FloatLanes(repeating: shift), FloatLanes(repeating: scale))
        var j = 0
        while j + V.lanes <= n { V.store(V.expLanes(V.load(x + j) - sv) * cv, dst + j); j += V.lanes }
        while j < n { dst[j] = V.exp(x[j] - shift) * scale; j += 1 }
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
        // Rows are independent: split between threads, the same bits.
        let parts = Parallel.partCount(rows, itemSize: 2 * k)
        logits.withUnsafeBufferPointer { x in bins.withUnsafeBufferPointer { b in probabilities.withUnsafeMutableBufferPointer { p in
        means.withUnsafeMutableBufferPointer { mp in out.withUnsafeMutableBufferPointer { op in
            let (p, mp, op) = (p.baseAddress!, mp.baseAddress!, op.baseAddress!)
            Parallel.forEachRange(rows, parts: parts) { range, _ in
                softmaxKernel(x.baseAddress! + range.lowerBound * k, p + range.lowerBound * k, outer: range.count, n: k, inner: 1)
                for r in range {
                    let v = VectorMath.dot(p + r * k, b.baseAddress!, k)
                    mp[r] = v
                    op[r] = (v < 0 ? -1 : 1) * Foundation.expm1(Swift.abs(v))
                }
            }
        } } } } }
        let result = Tensor(shape: Array(logits.shape.dropLast()) + [1], scalars: out)
        return record(result, inputs: [logits]) { g in
            // dy/dv = exp(|v|); dv/dx_j = p_j (b_j - sum_i p_i b_i), and sum_i p_i b_i is the row's mean v
            typealias V = VectorMath
            var dx = [Float](uninitializedCount: logits.count)
            bins.withUnsafeBufferPointer { b in g.withUnsafeBufferPointer { gp in
            probabilities.withUnsafeBufferPointer { pp in dx.withUnsafeMutableBufferPointer { d in means.withUnsafeBufferPointer { mp in
                Parallel.forEachRange(rows, parts: parts) { range, _ in
                    for r in range {
                        let gv = gp[r] * Foundation.exp(Swift.abs(mp[r]))
                        let dot = gv * mp[r]
                        let (pr, dr) = (pp.baseAddress! + r * k, d.baseAddress! + r * k)
                        let (gl, dl) = (FloatLanes(repeating: gv), FloatLanes(repeating: dot))
                        var j = 0
                        while j + V.lanes <= k { V.store(V.load(pr + j) * (gl * V.load(b.baseAddress! + j) - dl), dr + j); j += V.lanes }
                        while j < k { dr[j] = pr[j] * (gv * b[j] - dot); j += 1 }
                    }
                }
            } } }
            } }
            return [Tensor(shape: logits.shape, scalars: dx)]
        }
    }
}
