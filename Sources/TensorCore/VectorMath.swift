// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Vectorizable kernels
//
// Elementwise work must not dominate BLAS time (in the PyTorch reference, an unfused Mish is a
// quarter of the update). These kernels are written as straight-line scalar code without
// float-to-int conversions or calls, so the compiler vectorizes the loops. exp uses one range
// reduction (the integer part is read from the bits of `x log2(e) + 1.5 * 2^23`) and a degree-6
// polynomial; Mish needs a single exp:
//
//     w = exp(x),  n = w (w + 2),  tanh(softplus(x)) = n / (n + 2),  mish(x) = x n / (n + 2)
//
// which is exact algebra (tanh(log(1 + w)) = ((1+w)^2 - 1) / ((1+w)^2 + 1)).

/// The vector width of the explicit SIMD loops (8 lanes: AVX2 in release builds).
typealias FloatLanes = SIMD8<Float>
typealias WordLanes = SIMD8<UInt32>

enum VectorMath {
    /// Lanes per vector.
    @inline(__always) static var lanes: Int { FloatLanes.scalarCount }

    /// `a * b + c`, fused in native release builds (one rounding; `FORESIGHT_FMA`), else two operations.
    @inline(__always)
    static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
        #if FORESIGHT_FMA
        c.addingProduct(a, b)
        #else
        a * b + c
        #endif
    }

    /// `a * b + c` on all lanes, fused in native release builds.
    @inline(__always)
    static func fma(_ a: FloatLanes, _ b: FloatLanes, _ c: FloatLanes) -> FloatLanes {
        #if FORESIGHT_FMA
        c.addingProduct(a, b)
        #else
        a * b + c
        #endif
    }

    /// exp with relative error about 2e-7; 0 below -87.3 and +inf above 88.7.
    @inline(__always)
    static func exp(_ x0: Float) -> Float {
        let y = expCore(Swift.min(Swift.max(x0, -87.3), 88.7))
        return x0 < -87.3 ? 0 : (x0 > 88.7 ? .infinity : y)
    }

    /// exp for `x` in [-87.3, 88.7]: `2^k p(r)` with `x = k ln 2 + r`, `|r| <= ln 2 / 2`.
    @inline(__always)
    static func expCore(_ x: Float) -> Float {
        let shifted = fma(x, 1.442_695_040_888_963_4, 12_582_912.0)
        let k = shifted - 12_582_912.0
        let r = fma(k, -1.428_606_765_330_187e-06, fma(k, -0.693_145_751_953_125, x))   // (-k) c == k (-c): no negation
        var p: Float = 1.0 / 720
        p = fma(p, r, 1.0 / 120)
        p = fma(p, r, 1.0 / 24)
        p = fma(p, r, 1.0 / 6)
        p = fma(p, r, 0.5)
        p = fma(p, r, 1)
        p = fma(p, r, 1)
        return p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    }

    /// `exp` on all lanes at once (the same operations as the scalar version).
    @inline(__always)
    static func expLanes(_ x0: FloatLanes) -> FloatLanes {
        var x = x0
        x.replace(with: -87.3, where: x .< -87.3)
        x.replace(with: 88.7, where: x .> 88.7)
        var y = expCoreLanes(x)
        y.replace(with: 0, where: x0 .< -87.3)
        y.replace(with: .infinity, where: x0 .> 88.7)
        return y
    }

    /// `expCore` on all lanes.
    @inline(__always)
    static func expCoreLanes(_ x: FloatLanes) -> FloatLanes {
        let shifted = fma(x, FloatLanes(repeating: 1.442_695_040_888_963_4), FloatLanes(repeating: 12_582_912.0))
        let k = shifted - 12_582_912.0
        let r = fma(k, FloatLanes(repeating: -1.428_606_765_330_187e-06), fma(k, FloatLanes(repeating: -0.693_145_751_953_125), x))
        var p = FloatLanes(repeating: 1.0 / 720)
        p = fma(p, r, FloatLanes(repeating: 1.0 / 120))
        p = fma(p, r, FloatLanes(repeating: 1.0 / 24))
        p = fma(p, r, FloatLanes(repeating: 1.0 / 6))
        p = fma(p, r, FloatLanes(repeating: 0.5))
        p = fma(p, r, FloatLanes(repeating: 1))
        p = fma(p, r, FloatLanes(repeating: 1))
        let bits = (unsafeBitCast(shifted, to: WordLanes.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: FloatLanes.self)
    }

    /// `dst[i] = exp(src[i])`; `src` and `dst` may alias.
    ///
    /// The loops over lanes are explicit: a compiler-vectorized loop checks at run time that `src`
    /// and `dst` do not overlap and falls back to scalar code when they are the same buffer.
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + lanes <= n { store(expLanes(load(src + i)), dst + i); i += lanes }
        while i < n { dst[i] = exp(src[i]); i += 1 }
    }

    /// `x[i] = exp(x[i])`.
    static func expInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int) { exp(x, x, n) }

    /// Mish. The exponent is clamped to [-87.3, 20]: above 20 `n / (n + 2)` is 1 in Float, below
    /// -87.3 `e^x` is within a denormal of 0 and the result rounds to `x * 1e-38`.
    @inline(__always)
    static func mish(_ x: Float) -> Float {
        let w = expCore(Swift.min(Swift.max(x, -87.3), 20))
        let n = w * (w + 2)
        return x * n / (n + 2)
    }

    /// Mish on all lanes.
    @inline(__always)
    static func mishLanes(_ x: FloatLanes) -> FloatLanes {
        var c = x
        c.replace(with: 20, where: x .> 20)
        c.replace(with: -87.3, where: c .< -87.3)   // the same clamp as a min and a max
        let w = expCoreLanes(c)
        let n = w * (w + 2)
        return x * n / (n + 2)
    }

    /// `dst[i] = mish(src[i])`; `src` and `dst` may alias.
    static func mish(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + lanes <= n { store(mishLanes(load(src + i)), dst + i); i += lanes }
        while i < n { dst[i] = mish(src[i]); i += 1 }
    }

    /// `x[i] = mish(x[i])`.
    static func mishInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int) { mish(x, x, n) }

    /// d mish / dx = t + x (1 - t^2) sigmoid(x), with t = tanh(softplus(x)) = n / (n + 2). Since
    /// `1 - t^2 = 4 (n + 1) / (n + 2)^2`, `n + 1 = (w + 1)^2` and `sigmoid(x) = w / (w + 1)`, this is
    /// ```
    /// q = 1 / (n + 2),   mish'(x) = q (n + 4 x w (w + 1) q)
    /// ```
    /// with a single division.
    @inline(__always)
    static func mishDerivative(_ x: Float) -> Float {
        let w = expCore(Swift.min(Swift.max(x, -87.3), 20))
        let n = w * (w + 2)
        let q = 1 / (n + 2)
        return q * (n + 4 * x * w * (w + 1) * q)
    }

    /// `dst[i] = grad[i] * mish'(x[i])`; `dst` may alias either input.
    static func mishBackward(_ x: UnsafePointer<Float>, _ grad: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + lanes <= n {
            let v = load(x + i)
            var c = v
            c.replace(with: 20, where: v .> 20)
            c.replace(with: -87.3, where: v .< -87.3)
            let w = expCoreLanes(c)
            let m = w * (w + 2)
            let q = 1 / (m + 2)
            let f: FloatLanes = FloatLanes(repeating: 4) * v * w * (w + 1)
            let derivative: FloatLanes = q * (m + f * q)
            store(load(grad + i) * derivative, dst + i)
            i += lanes
        }
        while i < n { dst[i] = grad[i] * mishDerivative(x[i]); i += 1 }
    }
}

// MARK: - SIMD reductions
//
// Float sums do not vectorize by themselves (the compiler must keep their order), so the
// reductions of LayerNorm and its backward pass use explicit lane accumulators.

extension VectorMath {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> FloatLanes { UnsafeRawPointer(p).loadUnaligned(as: FloatLanes.self) }

    @inline(__always)
    static func store(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatLanes.self) }

    /// `sum(x[0..<n])`.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = FloatLanes(), a1 = FloatLanes()
        var j = 0
        while j + 2 * lanes <= n { a0 += load(x + j); a1 += load(x + j + lanes); j += 2 * lanes }
        if j + lanes <= n { a0 += load(x + j); j += lanes }
        var s = laneSum(a0 + a1)
        while j < n { s += x[j]; j += 1 }
        return s
    }

    /// `sum((x[j] - c)^2)`.
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>, minus c: Float, _ n: Int) -> Float {
        var a0 = FloatLanes(), a1 = FloatLanes()
        let cv = FloatLanes(repeating: c)
        var j = 0
        while j + 2 * lanes <= n {
            let d0 = load(x + j) - cv, d1 = load(x + j + lanes) - cv
            a0 += d0 * d0; a1 += d1 * d1; j += 2 * lanes
        }
        if j + lanes <= n { let d = load(x + j) - cv; a0 += d * d; j += lanes }
        var s = laneSum(a0 + a1)
        while j < n { let d = x[j] - c; s += d * d; j += 1 }
        return s
    }

    /// `(sum(a[j] b[j]), sum(a[j] b[j] c[j]))`.
    @inline(__always)
    static func dots(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
        var s0 = FloatLanes(), s1 = FloatLanes()
        var j = 0
        while j + lanes <= n {
            let d = load(a + j) * load(b + j)
            s0 += d; s1 += d * load(c + j); j += lanes
        }
        var r0 = laneSum(s0), r1 = laneSum(s1)
        while j < n { let d = a[j] * b[j]; r0 += d; r1 += d * c[j]; j += 1 }
        return (r0, r1)
    }

    /// `sum(a[j] b[j])`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = FloatLanes()
        var j = 0
        while j + lanes <= n { s0 += load(a + j) * load(b + j); j += lanes }
        var r = laneSum(s0)
        while j < n { r += a[j] * b[j]; j += 1 }
        return r
    }

    /// The sum of the lanes.
    @inline(__always)
    static func laneSum(_ v: FloatLanes) -> Float {
        var s: Float = 0
        for i in 0..<lanes { s += v[i] }
        return s
    }

    /// The largest lane.
    @inline(__always)
    static func laneMax(_ v: FloatLanes) -> Float {
        var m = v[0]
        for i in 1..<lanes { m = Swift.max(m, v[i]) }
        return m
    }

    /// Largest element of `x[0..<n]` (`n >= 1`).
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var j = 0
        var m = -Float.infinity
        if n >= lanes {
            var v = load(x)
            j = lanes
            while j + lanes <= n { let w = load(x + j); v.replace(with: w, where: w .> v); j += lanes }
            m = laneMax(v)
        }
        while j < n { m = Swift.max(m, x[j]); j += 1 }
        return m
    }
}
