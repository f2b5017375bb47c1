// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Optimizer kernels

/// Vectorized element loops of the optimizers (this target is built for AVX2 + FMA; see Package.swift).
public enum OptimizerKernels {
    /// One Adam step over `count` elements, in place, in PyTorch's order of operations:
    /// ```
    /// g = gradientScale * gradient      (only when gradientScale != 1: a folded gradient clip)
    /// m = beta1 m + (1 - beta1) g
    /// v = beta2 v + (1 - beta2) g^2
    /// p -= stepSize * m / (sqrt(v) / biasCorrection2Sqrt + epsilon)
    /// ```
    /// - Parameters:
    ///   - stepSize: `learningRate / (1 - beta1^t)`.
    ///   - biasCorrection2Sqrt: `sqrt(1 - beta2^t)`.
    ///   - gradientScale: multiplies each gradient element first (the same product an in-place clip makes).
    public static func adamStep(parameter p: UnsafeMutablePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>,
                                secondMoment v: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count n: Int,
                                stepSize: Float, beta1: Float, beta2: Float, epsilon: Float, biasCorrection2Sqrt c2: Float,
                                gradientScale: Float = 1) {
        Parallel.forEachRange(n, parts: Parallel.partCount(n, itemSize: 4)) { range, _ in
            if gradientScale == 1 {
                adamStep(p + range.lowerBound, m + range.lowerBound, v + range.lowerBound, g + range.lowerBound, range.count,
                         stepSize, beta1, beta2, epsilon, c2, scaled: false, 1)
            } else {
                adamStep(p + range.lowerBound, m + range.lowerBound, v + range.lowerBound, g + range.lowerBound, range.count,
                         stepSize, beta1, beta2, epsilon, c2, scaled: true, gradientScale)
            }
        }
    }

    @inline(__always)
    private static func adamStep(_ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                                 _ g: UnsafePointer<Float>, _ n: Int, _ stepSize: Float, _ beta1: Float, _ beta2: Float,
                                 _ epsilon: Float, _ c2: Float, scaled: Bool, _ scale: Float) {
        let (b1, b2, ob1, ob2) = (FloatLanes(repeating: beta1), FloatLanes(repeating: beta2), FloatLanes(repeating: 1 - beta1), FloatLanes(repeating: 1 - beta2))
        let (eps, c, step) = (FloatLanes(repeating: epsilon), FloatLanes(repeating: c2), FloatLanes(repeating: stepSize))
        let sv = FloatLanes(repeating: scale)
        var i = 0
        while i + VectorMath.lanes <= n {
            let gi = scaled ? VectorMath.load(g + i) * sv : VectorMath.load(g + i)
            let mi = VectorMath.load(m + i) * b1 + ob1 * gi
            let vi = VectorMath.load(v + i) * b2 + ob2 * gi * gi
            let denom = vi.squareRoot() / c + eps
            VectorMath.store(mi, m + i)
            VectorMath.store(vi, v + i)
            VectorMath.store(VectorMath.load(p + i) - step * (mi / denom), p + i)
            i += VectorMath.lanes
        }
        while i < n {
            let gi = scaled ? g[i] * scale : g[i]
            m[i] = m[i] * beta1 + (1 - beta1) * gi
            v[i] = v[i] * beta2 + (1 - beta2) * gi * gi
            let denom = v[i].squareRoot() / c2 + epsilon
            p[i] -= stepSize * (m[i] / denom)
            i += 1
        }
    }

    /// `sum(x[i]^2)` accumulated in Double (blocks of 512 elements summed in Float lanes first).
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        var total: Double = 0
        var i = 0
        while i < n {
            let end = Swift.min(i + 512, n)
            var acc = FloatLanes()
            while i + VectorMath.lanes <= end { let v = VectorMath.load(x + i); acc += v * v; i += VectorMath.lanes }
            var s = Double(VectorMath.laneSum(acc))
            while i < end { s += Double(x[i]) * Double(x[i]); i += 1 }
            total += s
        }
        return total
    }
}
