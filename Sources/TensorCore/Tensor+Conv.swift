// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Conv2d (im2col + sgemm)

extension Tensor {
    /// 2-D convolution (cross-correlation, as PyTorch `conv2d`) with zero padding.
    /// - Parameters:
    ///   - input: `[N, C, H, W]`.
    ///   - weight: `[O, C, KH, KW]`.
    ///   - bias: `[O]` or nil.
    /// - Returns: `[N, O, Ho, Wo]`, `Ho = (H + 2 padding - KH) / stride + 1`.
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
        precondition(input.rank == 4 && weight.rank == 4 && input.shape[1] == weight.shape[1],
                     "conv2d: input \(input.shape) and weight \(weight.shape) do not match ([N,C,H,W], [O,C,KH,KW])")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be >= 1 and padding \(padding) >= 0")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let ho = (h + 2 * padding - kh) / stride + 1, wo = (w + 2 * padding - kw) / stride + 1
        precondition(ho > 0 && wo > 0, "conv2d: kernel \(kh)x\(kw) larger than padded input \(h)x\(w)")
        if let bias { precondition(bias.shape == [o], "conv2d: bias \(bias.shape) must be [\(o)]") }
        let geometry = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding, ho: ho, wo: wo)
        let ckk = c * kh * kw, hw = ho * wo
        var out = [Float](repeating: 0, count: n * o * hw)
        var cols = [Float](repeating: 0, count: n * ckk * hw)  // kept for the backward pass
        input.withUnsafeBufferPointer { x in weight.withUnsafeBufferPointer { wp in
            cols.withUnsafeMutableBufferPointer { col in out.withUnsafeMutableBufferPointer { op in
                for i in 0..<n {
                    let cp = col.baseAddress! + i * ckk * hw
                    geometry.im2col(x.baseAddress! + i * c * h * w, cp)
                    let dst = op.baseAddress! + i * o * hw
                    if let bias { for oc in 0..<o { (dst + oc * hw).update(repeating: bias.scalars[oc], count: hw) } }
                    BLAS.gemm(wp.baseAddress!, transA: false, cp, transB: false, dst, m: o, n: hw, k: ckk, beta: bias == nil ? 0 : 1)
                }
            } }
        } }
        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return record(Tensor(shape: [n, o, ho, wo], scalars: out), inputs: inputs) { g in
            var gx: Tensor? = nil
            var gw = [Float](repeating: 0, count: o * ckk)
            var gb = [Float](repeating: 0, count: o)
            var dcol = [Float](repeating: 0, count: ckk * hw)
            var dx = [Float](repeating: 0, count: input.needsGradient ? n * c * h * w : 0)
            g.withUnsafeBufferPointer { gp in weight.withUnsafeBufferPointer { wp in cols.withUnsafeBufferPointer { col in
                for i in 0..<n {
                    let gi = gp.baseAddress! + i * o * hw
                    // dW += g_i [O, HW] x col_i^T [HW, CKK]
                    gw.withUnsafeMutableBufferPointer { d in
                        BLAS.gemm(gi, transA: false, col.baseAddress! + i * ckk * hw, transB: true, d.baseAddress!, m: o, n: ckk, k: hw, beta: 1)
                    }
                    for oc in 0..<o { var s: Float = 0; for j in 0..<hw { s += gi[oc * hw + j] }; gb[oc] += s }
                    if input.needsGradient {
                        dcol.withUnsafeMutableBufferPointer { d in
                            BLAS.gemm(wp.baseAddress!, transA: true, gi, transB: false, d.baseAddress!, m: ckk, n: hw, k: o)
                        }
                        dx.withUnsafeMutableBufferPointer { d in dcol.withUnsafeBufferPointer { dc in
                            geometry.col2im(dc.baseAddress!, d.baseAddress! + i * c * h * w)
                        } }
                    }
                }
            } } }
            if input.needsGradient { gx = Tensor(shape: input.shape, scalars: dx) }
            let gwT = Tensor(shape: weight.shape, scalars: gw)
            return bias == nil ? [gx, gwT] : [gx, gwT, Tensor(shape: [o], scalars: gb)]
        }
    }
}

/// Index arithmetic shared by im2col and its adjoint.
struct ConvGeometry {
    let c, h, w, kh, kw, stride, padding, ho, wo: Int

    /// Writes `[C*KH*KW, Ho*Wo]` patches of one image `[C, H, W]`.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let hw = ho * wo
        for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            let row = col + ((ch * kh + ki) * kw + kj) * hw
            for oy in 0..<ho {
                let iy = oy * stride - padding + ki
                let dst = row + oy * wo
                if iy < 0 || iy >= h { dst.update(repeating: 0, count: wo); continue }
                let src = x + (ch * h + iy) * w
                for ox in 0..<wo {
                    let ix = ox * stride - padding + kj
                    dst[ox] = (ix >= 0 && ix < w) ? src[ix] : 0
                }
            }
        } } }
    }

    /// Adds `[C*KH*KW, Ho*Wo]` column gradients back into one image gradient `[C, H, W]`.
    func col2im(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        let hw = ho * wo
        for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            let row = col + ((ch * kh + ki) * kw + kj) * hw
            for oy in 0..<ho {
                let iy = oy * stride - padding + ki
                if iy < 0 || iy >= h { continue }
                let dst = dx + (ch * h + iy) * w
                for ox in 0..<wo {
                    let ix = ox * stride - padding + kj
                    if ix >= 0 && ix < w { dst[ix] += row[oy * wo + ox] }
                }
            }
        } } }
    }
}
