// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import _TensorCoreAVX512

// MARK: - Row kernels of the fused normed-linear block
//
// One pass per row after the GEMM (forward) and two before the input-gradient GEMM (backward), on
// explicit 8-lane vectors. The order of every sum is that of the separate kernels they replace
// (`VectorMath.sum`, `sumOfSquares`, `dots`, `layerNormRow`). The forward's Mish output is
// `mish(fma(h, gamma, beta))` exactly as `VectorMath.mish` computes it, so the training forward and
// the inference kernels (which use this pass too) give the same bits; Mish' is computed from the same
// exp with fewer operations than `VectorMath.mishDerivative` (equal to within an ulp or two).

extension Tensor {
    /// Finishes one row of `act(LayerNorm(Dropout(x W^T + b)))` in place: `row` holds the GEMM output
    /// (`x W^T`, with or without the bias).
    /// - Parameters:
    ///   - row: `[n]`, overwritten with the block's output.
    ///   - bias: `[n]`, or nil when the GEMM output already includes it.
    ///   - gamma, beta: `[n]`.
    ///   - mask: `[n]` dropout multipliers, or nil.
    ///   - normalized: `[n]`, receives x-hat (the backward pass needs it), or nil (inference).
    ///   - derivative: `[n]`, receives mish' at the LayerNorm output (Mish only; nil to skip).
    ///   - wide: run the sums and the Mish pass on 16 lanes (``VectorMath/hasWideLanes``; the same bits).
    /// - Returns: `1 / std` of the row.
    @inline(__always)
    static func normedRowForward(_ row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, mask: UnsafePointer<Float>?,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, normalized: UnsafeMutablePointer<Float>?,
                                 derivative: UnsafeMutablePointer<Float>?, n: Int, epsilon: Float,
                                 activation: NormedActivation, wide: Bool = VectorMath.hasWideLanes) -> Float {
        typealias V = VectorMath
        let lanes = V.lanes
        // 1. Bias and dropout mask, with the row sum (the order of `VectorMath.sum`).
        let wide = wide && n >= 16
        var j = 0
        let s: Float
        if wide {
            s = WideRowKernels.biasedRowSum(row, bias: bias, mask: mask, count: n)
        } else {
            var a0 = FloatLanes(), a1 = FloatLanes()
            @inline(__always) func biased(_ j: Int) -> FloatLanes {
                var v = V.load(row + j)
                if let bias { v += V.load(bias + j) }
                if let mask { return v * V.load(mask + j) }
                return v
            }
            while j + 2 * lanes <= n {
                let v0 = biased(j), v1 = biased(j + lanes)
                V.store(v0, row + j); V.store(v1, row + j + lanes)
                a0 += v0; a1 += v1; j += 2 * lanes
            }
            if j + lanes <= n { let v = biased(j); V.store(v, row + j); a0 += v; j += lanes }
            var t = V.laneSum(a0 + a1)
            while j < n {
                var x = row[j]
                if let bias { x += bias[j] }
                if let mask { x *= mask[j] }
                row[j] = x; t += x; j += 1
            }
            s = t
        }
        let mean = s / Float(n)
        let squares = wide ? WideRowKernels.sumOfSquares(row, minus: mean, count: n) : V.sumOfSquares(row, minus: mean, n)
        let r = 1 / (squares / Float(n) + epsilon).squareRoot()
        // 2. Normalize, scale and shift, activate.
        let (meanLanes, rLanes) = (FloatLanes(repeating: mean), FloatLanes(repeating: r))
        j = 0
        switch activation {
        case .mish:
            // mish(z) = z m / (m + 2), m = w (w + 2), w = e^z (as `VectorMath.mish`); with q = 1 / (m + 2),
            // mish'(z) = q (m + 4 z w (w + 1) q) and w (w + 1) = m - w.
            let (upper, lower, four) = (FloatLanes(repeating: 20), FloatLanes(repeating: -87.3), FloatLanes(repeating: 4))
            if wide {
                // The same operations 16 lanes wide (AVX-512), then the 8-lane and scalar tails below.
                j = n & ~15
                WideRowKernels.mishNormalize(row, count: j, mean: mean, rstd: r, gamma: gamma, beta: beta,
                                             normalized: normalized, derivative: derivative)
            }
            while j + lanes <= n {
                let h = (V.load(row + j) - meanLanes) * rLanes
                if let normalized { V.store(h, normalized + j) }
                let z = V.fma(h, V.load(gamma + j), V.load(beta + j))
                var c = z
                c.replace(with: upper, where: z .> upper)
                c.replace(with: lower, where: c .< lower)
                let w = V.expCoreLanes(c)
                let m = w * (w + 2)
                let m2 = m + 2
                V.store(z * m / m2, row + j)
                if let derivative {
                    let q = 1 / m2
                    V.store(q * V.fma(z * (m - w) * q, four, m), derivative + j)
                }
                j += lanes
            }
            while j < n {
                let h = (row[j] - mean) * r
                normalized?[j] = h
                let z = V.fma(h, gamma[j], beta[j])
                row[j] = V.mish(z)
                derivative?[j] = V.mishDerivative(z)
                j += 1
            }
        case .simNorm, .identity:
            while j + lanes <= n {
                let h = (V.load(row + j) - meanLanes) * rLanes
                if let normalized { V.store(h, normalized + j) }
                V.store(h * V.load(gamma + j) + V.load(beta + j), row + j)
                j += lanes
            }
            while j < n {
                let h = (row[j] - mean) * r
                normalized?[j] = h
                row[j] = h * gamma[j] + beta[j]
                j += 1
            }
            if case .simNorm(let groupSize) = activation { softmaxKernel(row, row, outer: n / groupSize, n: groupSize, inner: 1) }
        }
        return r
    }

    /// The backward pass of one row of the fused block, down to the gradient at the GEMM output.
    /// - Parameters:
    ///   - go: `[n]`, the gradient of the block's output.
    ///   - normalized: `[n]`, x-hat saved by the forward pass.
    ///   - derivative: `[n]`, mish' saved by the forward pass (Mish).
    ///   - output: `[n]`, the block's output (SimNorm).
    ///   - gz: `[n]` scratch (the gradient at the LayerNorm output).
    ///   - gy: `[n]`, receives the gradient at the GEMM output.
    ///   - gradGamma, gradBeta, gradBias: `[n]` accumulators.
    @inline(__always)
    static func normedRowBackward(_ go: UnsafePointer<Float>, normalized h: UnsafePointer<Float>, derivative: UnsafePointer<Float>?,
                                  output: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>?, rstd: Float, mask: UnsafePointer<Float>?,
                                  gz: UnsafeMutablePointer<Float>, gy: UnsafeMutablePointer<Float>,
                                  gradGamma gg: UnsafeMutablePointer<Float>, gradBeta gbt: UnsafeMutablePointer<Float>,
                                  gradBias gbi: UnsafeMutablePointer<Float>, n: Int, activation: NormedActivation) {
        typealias V = VectorMath
        let lanes = V.lanes
        // 1. Through the activation (into gz).
        var fused = false
        switch activation {
        case .mish:
            if derivative != nil { fused = true } else {
                for j in 0..<n { gz[j] = h[j] * gamma[j] + beta![j] }
                VectorMath.mishBackward(gz, go, gz, n)
            }
        case .simNorm(let groupSize):
            var start = 0
            while start < n {
                let dot = V.dot(go + start, output + start, groupSize)
                for j in start..<(start + groupSize) { gz[j] = output[j] * (go[j] - dot) }
                start += groupSize
            }
        case .identity:
            gz.update(from: go, count: n)
        }
        // 2. gamma and beta gradients and the two row sums of the LayerNorm backward (the order of `VectorMath.dots`).
        var s0 = FloatLanes(), s1 = FloatLanes()
        var j = 0
        while j + lanes <= n {
            let g: FloatLanes
            if fused { g = V.load(go + j) * V.load(derivative! + j); V.store(g, gz + j) } else { g = V.load(gz + j) }
            let hv = V.load(h + j)
            V.store(V.load(gg + j) + g * hv, gg + j)
            V.store(V.load(gbt + j) + g, gbt + j)
            let d = g * V.load(gamma + j)
            s0 += d; s1 += d * hv
            j += lanes
        }
        var meanD = V.laneSum(s0), meanDH = V.laneSum(s1)
        while j < n {
            if fused { gz[j] = go[j] * derivative![j] }
            gg[j] += gz[j] * h[j]
            gbt[j] += gz[j]
            let d = gz[j] * gamma[j]
            meanD += d; meanDH += d * h[j]
            j += 1
        }
        meanD /= Float(n); meanDH /= Float(n)
        // 3. Through the LayerNorm, the dropout mask and the bias.
        let (scale, md, mdh) = (FloatLanes(repeating: rstd), FloatLanes(repeating: meanD), FloatLanes(repeating: meanDH))
        j = 0
        while j + lanes <= n {
            var y = scale * (V.load(gz + j) * V.load(gamma + j) - md - V.load(h + j) * mdh)
            if let mask { y *= V.load(mask + j) }
            V.store(y, gy + j)
            V.store(V.load(gbi + j) + y, gbi + j)
            j += lanes
        }
        while j < n {
            var y = rstd * (gz[j] * gamma[j] - meanD - h[j] * meanDH)
            if let mask { y *= mask[j] }
            gy[j] = y
            gbi[j] += y
            j += 1
        }
    }
}
