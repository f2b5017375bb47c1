// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - LayerNorm

extension Tensor {
    /// Layer normalization over the last axis with an affine transform (PyTorch `LayerNorm`):
    /// ```
    /// y = (x - mean) / sqrt(var + epsilon) * weight + bias     // var is the biased variance
    /// ```
    /// - Parameters: `weight` and `bias` are `[D]` for input `[..., D]`.
    public func layerNorm(weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let d = shape[rank - 1]
        precondition(weight.shape == [d] && bias.shape == [d], "layerNorm: weight \(weight.shape) / bias \(bias.shape) must be [\(d)]")
        let rows = count / d
        var out = [Float](uninitializedCount: count)
        var normalized = [Float](uninitializedCount: count)
        var rstd = [Float](repeating: 0, count: rows)
        rstd.withUnsafeMutableBufferPointer { rstd in
        withUnsafeBufferPointer { x in weight.withUnsafeBufferPointer { w in bias.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in normalized.withUnsafeMutableBufferPointer { nh in
                for r in 0..<rows {
                    rstd[r] = Tensor.layerNormRow(x.baseAddress! + r * d, w.baseAddress!, b.baseAddress!,
                                                  o.baseAddress! + r * d, nh.baseAddress! + r * d, d, epsilon)
                }
            } }
        } } } }
        return Tensor.record(Tensor(shape: shape, scalars: out), inputs: [self, weight, bias]) { [self] g in
            Tensor.layerNormBackward(g, normalized: normalized, rstd: rstd, weight: weight, rows: rows, d: d,
                                     needInput: self.needsGradient, inputShape: self.shape)
        }
    }

    /// Normalizes one row; writes the output and x-hat, returns 1/std.
    @inline(__always)
    static func layerNormRow(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                             _ o: UnsafeMutablePointer<Float>, _ nh: UnsafeMutablePointer<Float>, _ d: Int, _ epsilon: Float) -> Float {
        let mean = VectorMath.sum(x, d) / Float(d)
        let sq = VectorMath.sumOfSquares(x, minus: mean, d)
        let r = 1 / (sq / Float(d) + epsilon).squareRoot()
        for j in 0..<d {
            let h = (x[j] - mean) * r
            nh[j] = h
            o[j] = h * w[j] + b[j]
        }
        return r
    }

    /// Gradients of layerNorm given the saved x-hat and 1/std.
    static func layerNormBackward(_ g: Tensor, normalized: [Float], rstd: [Float], weight: Tensor, rows: Int, d: Int,
                                  needInput: Bool, inputShape: [Int]) -> [Tensor?] {
        var gx = [Float](repeating: 0, count: needInput ? rows * d : 0)
        var gw = [Float](repeating: 0, count: d)
        var gb = [Float](repeating: 0, count: d)
        g.withUnsafeBufferPointer { gp in weight.withUnsafeBufferPointer { w in normalized.withUnsafeBufferPointer { nh in
            gw.withUnsafeMutableBufferPointer { gw in gb.withUnsafeMutableBufferPointer { gb in
            gx.withUnsafeMutableBufferPointer { dx in
                for r in 0..<rows {
                    let go = gp.baseAddress! + r * d, h = nh.baseAddress! + r * d
                    for j in 0..<d {
                        gw[j] += go[j] * h[j]
                        gb[j] += go[j]
                    }
                    var (meanDh, meanDhH) = VectorMath.dots(go, w.baseAddress!, h, d)
                    guard needInput else { continue }
                    meanDh /= Float(d); meanDhH /= Float(d)
                    let rs = rstd[r]
                    for j in 0..<d { dx[r * d + j] = rs * (go[j] * w[j] - meanDh - h[j] * meanDhH) }
                }
            } } }
        } } }
        return [needInput ? Tensor(shape: inputShape, scalars: gx) : nil, Tensor(shape: [d], scalars: gw), Tensor(shape: [d], scalars: gb)]
    }
}

// MARK: - Softmax family

extension Tensor {
    /// Softmax along `axis` (default: last).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        let (outer, n, inner) = reductionGeometry(a)
        var out = [Float](uninitializedCount: count)
        withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
            Tensor.softmaxKernel(x.baseAddress!, o.baseAddress!, outer: outer, n: n, inner: inner)
        } }
        let y = Tensor(shape: shape, scalars: out)
        return Tensor.record(y, inputs: [self]) { g in
            // dx = y * (g - sum(g * y))
            var dx = [Float](uninitializedCount: g.count)
            g.withUnsafeBufferPointer { gp in y.withUnsafeBufferPointer { yp in dx.withUnsafeMutableBufferPointer { d in
                for o in 0..<outer { for b in 0..<inner {
                    var dot: Float = 0
                    for k in 0..<n { let i = (o * n + k) * inner + b; dot += gp[i] * yp[i] }
                    for k in 0..<n { let i = (o * n + k) * inner + b; d[i] = yp[i] * (gp[i] - dot) }
                } }
            } } }
            return [Tensor(shape: g.shape, scalars: dx)]
        }
    }

    static func softmaxKernel(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, outer: Int, n: Int, inner: Int) {
        if inner == 1 && n == VectorMath.lanes {
            // One vector per group (SimNorm's groups of 8 in release builds).
            for r in 0..<outer {
                let v = VectorMath.load(x + r * n)
                let e = VectorMath.expLanes(v - FloatLanes(repeating: VectorMath.laneMax(v)))
                VectorMath.store(e * (1 / VectorMath.laneSum(e)), o + r * n)
            }
            return
        }
        if inner == 1 {
            // Max, exps and their sum in lane accumulators (a sequential float sum cannot vectorize).
            typealias V = VectorMath
            for r in 0..<outer {
                let xr = x + r * n, orow = o + r * n
                let m = V.maximum(xr, n)
                let mv = FloatLanes(repeating: m)
                var acc = FloatLanes()
                var k = 0
                while k + V.lanes <= n { let e = V.expLanes(V.load(xr + k) - mv); V.store(e, orow + k); acc += e; k += V.lanes }
                var s = V.laneSum(acc)
                while k < n { let e = V.exp(xr[k] - m); orow[k] = e; s += e; k += 1 }
                let inv = 1 / s
                let iv = FloatLanes(repeating: inv)
                k = 0
                while k + V.lanes <= n { V.store(V.load(orow + k) * iv, orow + k); k += V.lanes }
                while k < n { orow[k] *= inv; k += 1 }
            }
            return
        }
        for r in 0..<outer { for b in 0..<inner {
            var m = -Float.infinity
            for k in 0..<n { m = Swift.max(m, x[(r * n + k) * inner + b]) }
            var s: Float = 0
            for k in 0..<n { let i = (r * n + k) * inner + b; let e = Foundation.exp(x[i] - m); o[i] = e; s += e }
            for k in 0..<n { o[(r * n + k) * inner + b] /= s }
        } }
    }

    /// Log-softmax along `axis` (default: last), computed stably.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        let (outer, n, inner) = reductionGeometry(a)
        var out = [Float](uninitializedCount: count)
        withUnsafeBufferPointer { x in
            for o in 0..<outer { for b in 0..<inner {
                var m = -Float.infinity
                for k in 0..<n { m = Swift.max(m, x[(o * n + k) * inner + b]) }
                var s: Float = 0
                for k in 0..<n { s += Foundation.exp(x[(o * n + k) * inner + b] - m) }
                let lse = m + Foundation.log(s)
                for k in 0..<n { let i = (o * n + k) * inner + b; out[i] = x[i] - lse }
            } }
        }
        let y = Tensor(shape: shape, scalars: out)
        return Tensor.record(y, inputs: [self]) { g in
            // dx = g - softmax * sum(g)
            var dx = [Float](uninitializedCount: g.count)
            g.withUnsafeBufferPointer { gp in y.withUnsafeBufferPointer { yp in
                for o in 0..<outer { for b in 0..<inner {
                    var s: Float = 0
                    for k in 0..<n { s += gp[(o * n + k) * inner + b] }
                    for k in 0..<n { let i = (o * n + k) * inner + b; dx[i] = gp[i] - Foundation.exp(yp[i]) * s }
                } }
            } }
            return [Tensor(shape: g.shape, scalars: dx)]
        }
    }

    /// SimNorm (TD-MPC2): the last axis is split into groups of `groupSize` and each group is
    /// replaced by its softmax, so every group is a point on a simplex.
    /// - Precondition: the last extent is divisible by `groupSize`.
    public func simNorm(groupSize: Int = 8) -> Tensor {
        let d = shape[rank - 1]
        precondition(d % groupSize == 0, "simNorm: last axis \(d) is not divisible by group size \(groupSize)")
        return reshaped(to: [count / groupSize, groupSize]).softmax(alongAxis: 1).reshaped(to: shape)
    }
}
