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

    /// `dst[i] = exp(src[i])`; `src` and `dst` may alias.
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = exp(src[i]) }
    }

    @inline(__always)
    static func mish(_ x: Float) -> Float {
        let w = exp(Swift.min(x, 20))
        let n = w * (w + 2)
        return x * n / (n + 2)
    }

    /// `dst[i] = mish(src[i])`; `src` and `dst` may alias.
    static func mish(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = mish(src[i]) }
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
