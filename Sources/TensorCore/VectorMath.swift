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

enum VectorMath {
    /// exp with relative error about 2e-7; 0 below -87.3 and +inf above 88.7.
    @inline(__always)
    static func exp(_ x0: Float) -> Float {
        let x = Swift.min(Swift.max(x0, -87.3), 88.7)
        let shifted = x * 1.442_695_040_888_963_4 + 12_582_912.0
        let k = shifted - 12_582_912.0
        let r = x - k * 0.693_145_751_953_125 - k * 1.428_606_765_330_187e-06
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        let y = p * scale
        return x0 < -87.3 ? 0 : (x0 > 88.7 ? .infinity : y)
    }

    /// `exp` on 8 lanes at once (the same operations as the scalar version).
    @inline(__always)
    static func exp8(_ x0: SIMD8<Float>) -> SIMD8<Float> {
        var x = x0
        x.replace(with: -87.3, where: x .< -87.3)
        x.replace(with: 88.7, where: x .> 88.7)
        let shifted = x * 1.442_695_040_888_963_4 + 12_582_912.0
        let k = shifted - 12_582_912.0
        let r = x - k * 0.693_145_751_953_125 - k * 1.428_606_765_330_187e-06
        var p = SIMD8<Float>(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        var y = p * unsafeBitCast(bits, to: SIMD8<Float>.self)
        y.replace(with: 0, where: x0 .< -87.3)
        y.replace(with: .infinity, where: x0 .> 88.7)
        return y
    }

    /// `dst[i] = exp(src[i])` for distinct buffers (overlapping ones defeat vectorization: use `expInPlace`).
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = exp(src[i]) }
    }

    /// `x[i] = exp(x[i])`.
    static func expInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { x[i] = exp(x[i]) }
    }

    @inline(__always)
    static func mish(_ x: Float) -> Float {
        let w = exp(Swift.min(x, 20))
        let n = w * (w + 2)
        return x * n / (n + 2)
    }

    /// `dst[i] = mish(src[i])` for distinct buffers (overlapping ones defeat vectorization: use `mishInPlace`).
    static func mish(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = mish(src[i]) }
    }

    /// `x[i] = mish(x[i])`.
    static func mishInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { x[i] = mish(x[i]) }
    }

    /// d mish / dx = t + x (1 - t^2) sigmoid(x), with t = tanh(softplus(x)) = n / (n + 2).
    @inline(__always)
    static func mishDerivative(_ x: Float) -> Float {
        let w = exp(Swift.min(x, 20))
        let n = w * (w + 2)
        let t = n / (n + 2)
        let sigmoid = w / (1 + w)
        return t + x * (1 - t * t) * sigmoid
    }

    /// `dst[i] = grad[i] * mish'(x[i])`.
    static func mishBackward(_ x: UnsafePointer<Float>, _ grad: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = grad[i] * mishDerivative(x[i]) }
    }
}

// MARK: - SIMD reductions
//
// Float sums do not vectorize by themselves (the compiler must keep their order), so the
// reductions of LayerNorm and its backward pass use explicit 8-lane accumulators.

extension VectorMath {
    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

    /// `sum(x[0..<n])`.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var j = 0
        while j + 16 <= n { a0 += load8(x + j); a1 += load8(x + j + 8); j += 16 }
        if j + 8 <= n { a0 += load8(x + j); j += 8 }
        var s = sum8(a0 + a1)
        while j < n { s += x[j]; j += 1 }
        return s
    }

    /// `sum((x[j] - c)^2)`.
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>, minus c: Float, _ n: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        let cv = SIMD8<Float>(repeating: c)
        var j = 0
        while j + 16 <= n {
            let d0 = load8(x + j) - cv, d1 = load8(x + j + 8) - cv
            a0 += d0 * d0; a1 += d1 * d1; j += 16
        }
        if j + 8 <= n { let d = load8(x + j) - cv; a0 += d * d; j += 8 }
        var s = sum8(a0 + a1)
        while j < n { let d = x[j] - c; s += d * d; j += 1 }
        return s
    }

    /// `(sum(a[j] b[j]), sum(a[j] b[j] c[j]))`.
    @inline(__always)
    static func dots(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var j = 0
        while j + 8 <= n {
            let d = load8(a + j) * load8(b + j)
            s0 += d; s1 += d * load8(c + j); j += 8
        }
        var r0 = sum8(s0), r1 = sum8(s1)
        while j < n { let d = a[j] * b[j]; r0 += d; r1 += d * c[j]; j += 1 }
        return (r0, r1)
    }

    /// `sum(a[j] b[j])`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD8<Float>()
        var j = 0
        while j + 8 <= n { s0 += load8(a + j) * load8(b + j); j += 8 }
        var r = sum8(s0)
        while j < n { r += a[j] * b[j]; j += 1 }
        return r
    }

    /// The sum of the lanes.
    @inline(__always)
    static func sum8(_ v: SIMD8<Float>) -> Float {
        let a = SIMD4<Float>(v[0], v[1], v[2], v[3]) + SIMD4<Float>(v[4], v[5], v[6], v[7])
        return (a[0] + a[2]) + (a[1] + a[3])
    }

    /// The largest lane.
    @inline(__always)
    static func max8(_ v: SIMD8<Float>) -> Float {
        let a = SIMD4<Float>(v[0], v[1], v[2], v[3]), b = SIMD4<Float>(v[4], v[5], v[6], v[7])
        var c = a
        c.replace(with: b, where: b .> a)
        return Swift.max(Swift.max(c[0], c[1]), Swift.max(c[2], c[3]))
    }

    /// Largest element of `x[0..<n]` (`n >= 1`).
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var j = 0
        var m = -Float.infinity
        if n >= 8 {
            var v = load8(x)
            j = 8
            while j + 8 <= n { let w = load8(x + j); v.replace(with: w, where: w .> v); j += 8 }
            m = max8(v)
        }
        while j < n { m = Swift.max(m, x[j]); j += 1 }
        return m
    }
}
