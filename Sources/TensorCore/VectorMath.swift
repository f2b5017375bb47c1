// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Vectorized kernels
//
// Elementwise work must not dominate BLAS time (in the PyTorch reference, an unfused Mish is a
// quarter of the update). These kernels evaluate exp with one range reduction and a degree-6
// polynomial on 8 lanes at once, and Mish with a single exp:
//
//     w = exp(x),  n = w (w + 2),  tanh(softplus(x)) = n / (n + 2),  mish(x) = x n / (n + 2)
//
// which is exact algebra (tanh(log(1 + w)) = ((1+w)^2 - 1) / ((1+w)^2 + 1)).

typealias F8 = SIMD8<Float>

@usableFromInline
enum VectorMath {
    /// exp on 8 lanes; relative error about 2e-7 on [-87, 88].
    @inline(__always)
    static func exp8(_ x: F8) -> F8 {
        let clamped = x.clamped(lowerBound: F8(repeating: -87.3), upperBound: F8(repeating: 88.7))
        let k = (clamped * 1.442_695_040_888_963_4).rounded(.toNearestOrEven)
        let r = clamped - k * 0.693_145_751_953_125 - k * 1.428_606_765_330_187e-06
        var p = F8(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let ki = SIMD8<Int32>(k, rounding: .towardZero)
        let bits = (ki &+ 127) &<< 23
        let scale = unsafeBitCast(bits, to: F8.self)
        // Underflow to 0 and overflow to infinity outside the clamped range, as libm does.
        return (p * scale).replacing(with: 0, where: x .< -87.3).replacing(with: .infinity, where: x .> 88.7)
    }

    @inline(__always)
    static func exp(_ x: Float) -> Float { exp8(F8(repeating: x))[0] }

    /// `dst[i] = exp(src[i])`.
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: F8.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: exp8(v), as: F8.self)
            i += 8
        }
        while i < n { dst[i] = exp(src[i]); i += 1 }
    }

    @inline(__always)
    static func mish8(_ x: F8) -> F8 {
        let w = exp8(x.replacing(with: 20, where: x .> 20))
        let n = w * (w + 2)
        return x * n / (n + 2)
    }

    /// `dst[i] = mish(src[i])`; `src` and `dst` may alias.
    static func mish(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: F8.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: mish8(v), as: F8.self)
            i += 8
        }
        while i < n { dst[i] = mish8(F8(repeating: src[i]))[0]; i += 1 }
    }

    /// d mish / dx = t + x (1 - t^2) sigmoid(x), with t = tanh(softplus(x)).
    @inline(__always)
    static func mishDerivative8(_ x: F8) -> F8 {
        let w = exp8(x.replacing(with: 20, where: x .> 20))
        let n = w * (w + 2)
        let t = n / (n + 2)
        let sigmoid = w / (1 + w)
        return t + x * (1 - t * t) * sigmoid
    }

    /// `dst[i] = grad[i] * mish'(x[i])`.
    static func mishBackward(_ x: UnsafePointer<Float>, _ grad: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: F8.self)
            let g = UnsafeRawPointer(grad + i).loadUnaligned(as: F8.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: g * mishDerivative8(v), as: F8.self)
            i += 8
        }
        while i < n { dst[i] = grad[i] * mishDerivative8(F8(repeating: x[i]))[0]; i += 1 }
    }
}
