// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import _TensorCoreAVX512

// MARK: - Conv2d (im2col + sgemm)

extension Tensor {
    /// Output channels from which the forward pass computes the transposed product on AVX-512 machines.
    static let transposedConvolutionMinimumOutputs = 16

    /// Tests only: the products in their direct orientation (`W col`, `g colᵀ`) even on AVX-512 machines, as on
    /// machines without them, to check that both give the same bits. Read on the calling thread.
    @TaskLocal static var usesDirectConvolutionProducts = false

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
        if n == 0 || o == 0 {   // an empty output: empty or zero gradients
            let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
            return record(Tensor(shape: [n, o, ho, wo], scalars: []), inputs: inputs) { _ in
                let gx: Tensor? = input.needsGradient ? Tensor.zeros(input.shape) : nil
                return [gx, Tensor.zeros(weight.shape)] + (bias == nil ? [] : [Tensor.zeros([o])])
            }
        }
        let geometry = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding, ho: ho, wo: wo)
        let ckk = c * kh * kw, hw = ho * wo
        // One image's patches at a time, in a buffer that stays in cache; the backward pass rebuilds them
        // (an im2col from cache is cheaper than writing every image's patches to memory and reading them back).
        // With several threads the images are split between them, each image's GEMM on one thread: the same
        // bits as one thread (every GEMM sums in k order whatever the split).
        var out = [Float](uninitializedCount: n * o * hw)      // the bias fill or the GEMM (beta 0) writes all of it
        // On AVX-512 machines the 16-lane kernel computes the transposed product, `out_iᵀ [HW, O] = colᵀ W ᵀ`: the
        // patches are read in place (8 output pixels per register block) and the weight is packed once for every
        // image, instead of packing each image's patches. Every element is the same sum in the same order (k order,
        // from the bias when there is one), so the bits are those of `W col`.
        let direct = usesDirectConvolutionProducts
        let transposed = VectorMath.hasWideLanes && !direct && o >= Self.transposedConvolutionMinimumOutputs && hw >= 8
        var packedWeight = [Float](uninitializedCount: transposed ? WideGEMM.packedCount(n: o, k: ckk) : 0)
        if transposed {
            weight.withUnsafeBufferPointer { wp in packedWeight.withUnsafeMutableBufferPointer {
                WideGEMM.pack(wp.baseAddress!, ldb: ckk, transB: true, n: o, k: ckk, into: $0.baseAddress!)
            } }
        }
        let biasScalars = bias?.scalars
        input.withUnsafeBufferPointer { x in weight.withUnsafeBufferPointer { wp in out.withUnsafeMutableBufferPointer { op in
            packedWeight.withUnsafeBufferPointer { pw in
            let (xs, ws, os) = (x.baseAddress!, wp.baseAddress!, op.baseAddress!)
            let parts = Parallel.availableThreads > 1 ? Swift.max(1, Swift.min(Parallel.availableThreads, n)) : 1
            Parallel.forEachPart(parts) { part in
                var cols = [Float](uninitializedCount: ckk * hw + geometry.phaseCount)   // im2col writes all of it
                var rows = [Float](uninitializedCount: transposed ? hw * o : 0)          // the bias fill or the GEMM writes it
                cols.withUnsafeMutableBufferPointer { col in rows.withUnsafeMutableBufferPointer { rowsBuffer in
                    for i in Parallel.range(of: part, parts: parts, in: 0..<n) {
                        geometry.im2col(xs + i * c * h * w, col.baseAddress!)
                        let dst = os + i * o * hw
                        if transposed {
                            let t = rowsBuffer.baseAddress!
                            if let biasScalars { for j in 0..<hw { biasScalars.withUnsafeBufferPointer { (t + j * o).update(from: $0.baseAddress!, count: o) } } }
                            BLAS.countMultiplyAdds(o * hw * ckk)
                            WideGEMM.gemm(col.baseAddress!, lda: hw, transA: true, packedB: pw.baseAddress!, t, ldc: o, m: hw, n: o, k: ckk,
                                          alpha: 1, beta: biasScalars == nil ? 0 : 1, scratch: BLAS.wideScratch())
                            WideGEMM.transpose(t, rows: hw, columns: o, lds: o, into: dst, ldt: hw)
                        } else {
                            if let biasScalars { for oc in 0..<o { (dst + oc * hw).update(repeating: biasScalars[oc], count: hw) } }
                            BLAS.gemm(ws, transA: false, col.baseAddress!, transB: false, dst, m: o, n: hw, k: ckk, beta: biasScalars == nil ? 0 : 1)
                        }
                    }
                } }
            }
            }
        } } }
        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return record(Tensor(shape: [n, o, ho, wo], scalars: out), inputs: inputs) { g in
            var gw = [Float](repeating: 0, count: o * ckk)
            var gb = [Float](repeating: 0, count: o)
            var dx = [Float](repeating: 0, count: input.needsGradient ? n * c * h * w : 0)
            let threads = Parallel.availableThreads
            g.withUnsafeBufferPointer { gp in weight.withUnsafeBufferPointer { wp in input.withUnsafeBufferPointer { x in
                let (gs, ws, xs) = (gp.baseAddress!, wp.baseAddress!, x.baseAddress!)
                // The bias gradient: per image and channel a sum in pixel order, added image after image; four
                // channels at a time, as four independent chains (the same order for each).
                gb.withUnsafeMutableBufferPointer { gbp in
                    let b = gbp.baseAddress!
                    for i in 0..<n {
                        let gi = gs + i * o * hw
                        var oc = 0
                        while oc + 4 <= o {
                            let (r0, r1, r2, r3) = (gi + oc * hw, gi + (oc + 1) * hw, gi + (oc + 2) * hw, gi + (oc + 3) * hw)
                            var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
                            for j in 0..<hw { s0 += r0[j]; s1 += r1[j]; s2 += r2[j]; s3 += r3[j] }
                            b[oc] += s0; b[oc + 1] += s1; b[oc + 2] += s2; b[oc + 3] += s3
                            oc += 4
                        }
                        while oc < o { var s: Float = 0; for j in 0..<hw { s += gi[oc * hw + j] }; b[oc] += s; oc += 1 }
                    }
                }
                // dX: every image on its own (disjoint rows of dx), split between threads.
                if input.needsGradient {
                    dx.withUnsafeMutableBufferPointer { d in
                        let dxs = d.baseAddress!
                        let parts = threads > 1 ? Swift.max(1, Swift.min(threads, n)) : 1
                        Parallel.forEachPart(parts) { part in
                            // Written by the GEMM (beta 0), then col2im's scratch.
                            var dcol = [Float](uninitializedCount: ckk * hw + geometry.phaseCount)
                            dcol.withUnsafeMutableBufferPointer { dc in
                                for i in Parallel.range(of: part, parts: parts, in: 0..<n) {
                                    BLAS.gemm(ws, transA: true, gs + i * o * hw, transB: false, dc.baseAddress!, m: ckk, n: hw, k: o)
                                    geometry.col2im(dc.baseAddress!, dxs + i * c * h * w, scratch: dc.baseAddress! + ckk * hw)
                                }
                            }
                        }
                    }
                }
                // dW += g_i [O, HW] x col_i^T [HW, CKK], image after image. The columns of dW (input channels) are
                // split between threads: each builds the patches of its own channels only (the im2col of those
                // channels as an image of their own), and every element of dW sums in the same order as on one thread.
                // On AVX-512 machines the 16-lane kernel accumulates the transpose, dWᵀ += col_i g_iᵀ, reading the
                // patches in place and packing only g_i (O x HW, not CKK x HW): the same sums in the same order.
                let transposed = VectorMath.hasWideLanes && !direct && o >= Self.transposedConvolutionMinimumOutputs
                var gwT = [Float](repeating: 0, count: transposed ? ckk * o : 0)
                gw.withUnsafeMutableBufferPointer { d in gwT.withUnsafeMutableBufferPointer { dT in
                    let gws = d.baseAddress!
                    // (One output channel: a GEMV, kept on one thread.)
                    let parts = threads > 1 && o > 1 ? Swift.max(1, Swift.min(threads, c)) : 1
                    Parallel.forEachPart(parts) { part in
                        let channels = Parallel.range(of: part, parts: parts, in: 0..<c)
                        guard !channels.isEmpty else { return }
                        let sub = ConvGeometry(c: channels.count, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding, ho: ho, wo: wo)
                        let subCKK = channels.count * kh * kw
                        var cols = [Float](uninitializedCount: subCKK * hw + sub.phaseCount)   // im2col writes all of it
                        cols.withUnsafeMutableBufferPointer { col in
                            for i in 0..<n {
                                sub.im2col(xs + (i * c + channels.lowerBound) * h * w, col.baseAddress!)
                                if transposed {
                                    BLAS.countMultiplyAdds(o * subCKK * hw)
                                    WideGEMM.gemm(col.baseAddress!, lda: hw, transA: false, gs + i * o * hw, ldb: hw, transB: true,
                                                  dT.baseAddress! + channels.lowerBound * kh * kw * o, ldc: o, m: subCKK, n: o, k: hw,
                                                  alpha: 1, beta: 1, scratch: BLAS.wideScratch())
                                } else if parts == 1 {
                                    BLAS.gemm(gs + i * o * hw, transA: false, col.baseAddress!, transB: true, gws, m: o, n: ckk, k: hw, beta: 1)
                                } else {
                                    BLAS.gemm(gs + i * o * hw, lda: hw, transA: false, col.baseAddress!, ldb: hw, transB: true,
                                              gws + channels.lowerBound * kh * kw, ldc: ckk, m: o, n: subCKK, k: hw, beta: 1)
                                }
                            }
                        }
                    }
                    if transposed { WideGEMM.transpose(dT.baseAddress!, rows: ckk, columns: o, lds: o, into: gws, ldt: ckk) }
                } }
            } } }
            let gx: Tensor? = input.needsGradient ? Tensor(shape: input.shape, scalars: dx) : nil
            let gwT = Tensor(shape: weight.shape, scalars: gw)
            return bias == nil ? [gx, gwT] : [gx, gwT, Tensor(shape: [o], scalars: gb)]
        }
    }
}

/// Index arithmetic shared by im2col and its adjoint.
///
/// For a kernel offset `(ki, kj)`, output column `ox` reads input column `ix = ox * stride - padding + kj`;
/// the columns inside the image form one range `validColumns(kj)`, so the inner loops run without bounds
/// tests (contiguous for stride 1, a strided gather otherwise) and the padding is written separately.
struct ConvGeometry {
    let c, h, w, kh, kw, stride, padding, ho, wo: Int

    /// The output columns `ox` whose input column `ox * stride - padding + kj` lies in `0..<w`.
    func validColumns(_ kj: Int) -> Range<Int> {
        let offset = kj - padding
        // ox * stride + offset >= 0  <=>  ox >= ceil(-offset / stride)
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        // ox * stride + offset <= w - 1  <=>  ox <= floor((w - 1 - offset) / stride)
        let high = w - 1 - offset < 0 ? 0 : (w - 1 - offset) / stride + 1
        let lo = Swift.min(low, wo), hi = Swift.min(Swift.max(high, lo), wo)
        return lo..<hi
    }

    /// Floats of scratch that ``im2col(_:_:)`` needs after the `[C*KH*KW, Ho*Wo]` patches, and ``col2im(_:_:scratch:)``
    /// next to the column gradients: the four phase planes of a stride-2 convolution without padding, the padded
    /// image of a stride-1 convolution with padding, zero otherwise.
    var phaseCount: Int {
        if stride == 2 && padding == 0 { return c * 4 * ((h + 1) / 2) * ((w + 1) / 2) }
        if stride == 1 && padding > 0 { return c * (h + 2 * padding) * (w + 2 * padding) }
        return 0
    }


    /// Writes `[C*KH*KW, Ho*Wo]` patches of one image `[C, H, W]` into `col`, which holds
    /// ``phaseCount`` floats more of scratch.
    ///
    /// The encoder's layers have rows of 4-29 outputs, so the work per row is kept to a few pointer
    /// steps: the valid columns are found once per kernel column, and stride 2 copies 8 outputs per
    /// vector (the row's last 8 with one more, overlapping vector when the float after its last valid
    /// one still lies in the image row).
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let hw = ho &* wo
        if stride == 1 { im2colStride1(x, col, padded: col + c &* kh &* kw &* hw); return }
        if phaseCount > 0 { im2colStride2(x, col, planes: col + c &* kh &* kw &* hw); return }
        for kj in 0..<kw {
            let valid = validColumns(kj)
            let (first, count) = (valid.lowerBound, valid.count)
            let start = first &* stride &+ kj &- padding   // input column of the first valid output
            let overlappingTail = stride == 2 && count >= 8 && start &+ 2 &* count &- 1 < w
            for ch in 0..<c { for ki in 0..<kh {
                var dst = col + ((ch &* kh &+ ki) &* kw &+ kj) &* hw
                for oy in 0..<ho {
                    let iy = oy &* stride &- padding &+ ki
                    if iy < 0 || iy >= h || count == 0 {
                        Self.zero(dst, wo)
                    } else {
                        if first > 0 { Self.zero(dst, first) }
                        if first &+ count < wo { Self.zero(dst + (first &+ count), wo &- first &- count) }
                        Self.gather(x + ((ch &* h &+ iy) &* w &+ start), stride: stride, into: dst + first, count: count,
                                    overlappingTail: overlappingTail)
                    }
                    dst += wo
                }
            } }
        }
    }

    /// The padded image `[C, H + 2 padding, W + 2 padding]` (zero borders) in `padded`, or `x` itself without padding.
    private func paddedImage(_ x: UnsafePointer<Float>, _ padded: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, Int, Int) {
        guard padding > 0 else { return (x, h, w) }
        let (ph, pw) = (h &+ 2 &* padding, w &+ 2 &* padding)
        for ch in 0..<c {
            let base = padded + ch &* ph &* pw
            Self.zero(base, padding &* pw)
            for y in 0..<h {
                let row = base + (y &+ padding) &* pw
                Self.zero(row, padding)
                Self.copy(x + (ch &* h &+ y) &* w, row + padding, w)
                Self.zero(row + (padding &+ w), padding)
            }
            Self.zero(base + (padding &+ h) &* pw, padding &* pw)
        }
        return (UnsafePointer(padded), ph, pw)
    }

    /// ``im2col(_:_:)`` for stride 1: from the padded image (``paddedImage(_:_:)``), every row of patches is one
    /// contiguous copy, `x[ch][oy + ki - padding][ox + kj - padding] = padded[ch][oy + ki][ox + kj]`.
    private func im2colStride1(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>) {
        let (source, ph, pw) = paddedImage(x, padded)
        var dst = col
        for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            var src = source + ((ch &* ph &+ ki) &* pw &+ kj)
            for _ in 0..<ho {
                Self.copy(src, dst, wo)
                src += pw
                dst += wo
            }
        } } }
    }

    /// ``im2col(_:_:)`` for stride 2 without padding. The image is first split into its four phase
    /// planes, `plane[ch][py][px][r][q] = x[ch][2r + py][2q + px]` (`(H+1)/2 x (W+1)/2` each, zero past
    /// the image), so that every row of patches is a contiguous copy: `x[ch][2 oy + ki][2 ox + kj]` is
    /// `plane[ch][ki & 1][kj & 1][oy + ki / 2][ox + kj / 2]`.
    private func im2colStride2(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, planes: UnsafeMutablePointer<Float>) {
        let (ph, pw) = ((h &+ 1) / 2, (w &+ 1) / 2), planeSize = ph &* pw
        for ch in 0..<c {
            let base = planes + ch &* 4 &* planeSize
            for y in 0..<(2 &* ph) {
                let (even, odd) = (base + ((y & 1) &* 2) &* planeSize + (y >> 1) &* pw, base + ((y & 1) &* 2 &+ 1) &* planeSize + (y >> 1) &* pw)
                if y >= h { Self.zero(even, pw); Self.zero(odd, pw); continue }
                let src = x + (ch &* h &+ y) &* w
                var q = 0
                while 2 &* q &+ 16 <= w {
                    let pair = UnsafeRawPointer(src + 2 &* q).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(even + q).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(odd + q).storeBytes(of: pair.oddHalf, as: SIMD8<Float>.self)
                    q &+= 8
                }
                while q < pw {
                    even[q] = 2 &* q < w ? src[2 &* q] : 0
                    odd[q] = 2 &* q &+ 1 < w ? src[2 &* q &+ 1] : 0
                    q &+= 1
                }
            }
        }
        var dst = col
        for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            var src = planes + ((ch &* 2 &+ (ki & 1)) &* 2 &+ (kj & 1)) &* planeSize + (ki >> 1) &* pw + (kj >> 1)
            for _ in 0..<ho {
                Self.copy(src, dst, wo)
                src += pw
                dst += wo
            }
        } } }
    }

    /// `dst[0..<n] = src[0..<n]`, 8 floats at a time, the last 8 overlapping.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        guard n >= 8 else {
            if n >= 4 {   // two overlapping vectors of 4
                UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(dst + (n &- 4)).storeBytes(of: UnsafeRawPointer(src + (n &- 4)).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                return
            }
            var t = 0; while t < n { dst[t] = src[t]; t &+= 1 }; return
        }
        var t = 0
        while t &+ 8 < n {
            UnsafeMutableRawPointer(dst + t).storeBytes(of: UnsafeRawPointer(src + t).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            t &+= 8
        }
        let last = n &- 8
        UnsafeMutableRawPointer(dst + last).storeBytes(of: UnsafeRawPointer(src + last).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func zero(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i < n { p[i] = 0; i &+= 1 }
    }

    /// `out[t] = src[stride t]` for `t < count` (stride 1: ``copy(_:_:_:)``); with `overlappingTail` (stride 2, `count >= 8`),
    /// `src[2 count - 1]` may be read too.
    @inline(__always)
    static func gather(_ src: UnsafePointer<Float>, stride: Int, into out: UnsafeMutablePointer<Float>, count: Int, overlappingTail: Bool) {
        @inline(__always) func evens(_ t: Int) {
            let pair = UnsafeRawPointer(src + 2 &* t).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + t).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
        }
        var t = 0
        switch stride {
        case 1:
            copy(src, out, count)
        case 2:
            // A load's last float is src[2t + 15]; t + 8 < count keeps it at or before src[2 (count - 1)].
            while t &+ 8 < count { evens(t); t &+= 8 }
            if overlappingTail {
                evens(count &- 8)
            } else {
                while t < count { out[t] = src[2 &* t]; t &+= 1 }
            }
        default:
            while t < count { out[t] = src[stride &* t]; t &+= 1 }
        }
    }

    /// `dst[0..<n] += src[0..<n]`, 8 and 4 floats at a time.
    @inline(__always)
    static func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var t = 0
        while t &+ 8 <= n {
            let sum = UnsafeRawPointer(dst + t).loadUnaligned(as: SIMD8<Float>.self) + UnsafeRawPointer(src + t).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dst + t).storeBytes(of: sum, as: SIMD8<Float>.self)
            t &+= 8
        }
        if t &+ 4 <= n {
            let sum = UnsafeRawPointer(dst + t).loadUnaligned(as: SIMD4<Float>.self) + UnsafeRawPointer(src + t).loadUnaligned(as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(dst + t).storeBytes(of: sum, as: SIMD4<Float>.self)
            t &+= 4
        }
        while t < n { dst[t] += src[t]; t &+= 1 }
    }

    /// Adds `[C*KH*KW, Ho*Wo]` column gradients back into one image gradient `[C, H, W]` (zero on entry in `conv2d`:
    /// through the padded copy and the phase planes, each element's terms are summed first and then added to it);
    /// `scratch` holds ``phaseCount`` floats.
    ///
    /// Every element of `dx` receives its terms in the same order on every path (kernel rows, then kernel columns):
    /// stride 1 adds whole rows into a padded copy (zero at first) and stride 2 without padding into the four phase
    /// planes (see ``im2colStride2(_:_:planes:)``), and either is added into `dx` at the end.
    func col2im(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let hw = ho &* wo
        if stride == 1 {
            let (ph, pw) = (h &+ 2 &* padding, w &+ 2 &* padding)
            let target = padding > 0 ? scratch : dx
            if padding > 0 { Self.zero(target, c &* ph &* pw) }
            var src = col
            for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
                var dst = target + ((ch &* ph &+ ki) &* pw &+ kj)
                for _ in 0..<ho {
                    Self.add(src, into: dst, wo)
                    src += wo
                    dst += pw
                }
            } } }
            if padding > 0 {
                for ch in 0..<c { for y in 0..<h {
                    Self.add(scratch + ((ch &* ph &+ y &+ padding) &* pw &+ padding), into: dx + (ch &* h &+ y) &* w, w)
                } }
            }
            return
        }
        if stride == 2 && padding == 0 {
            let (ph, pw) = ((h &+ 1) / 2, (w &+ 1) / 2), planeSize = ph &* pw
            Self.zero(scratch, c &* 4 &* planeSize)
            var src = col
            for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
                var dst = scratch + (((ch &* 2 &+ (ki & 1)) &* 2 &+ (kj & 1)) &* planeSize &+ (ki >> 1) &* pw &+ (kj >> 1))
                for _ in 0..<ho {
                    Self.add(src, into: dst, wo)
                    src += wo
                    dst += pw
                }
            } } }
            for ch in 0..<c { for y in 0..<h {
                let evenOffset: Int = ((ch &* 2 &+ (y & 1)) &* 2) &* planeSize &+ (y >> 1) &* pw
                let (even, odd) = (scratch + evenOffset, scratch + (evenOffset &+ planeSize))
                let row = dx + (ch &* h &+ y) &* w
                var x = 0
                while x &+ 1 < w { row[x] += even[x >> 1]; row[x &+ 1] += odd[x >> 1]; x &+= 2 }
                if x < w { row[x] += even[x >> 1] }
            } }
            return
        }
        for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            let valid = validColumns(kj)
            if valid.isEmpty { continue }
            let row = col + ((ch * kh + ki) * kw + kj) * hw
            for oy in 0..<ho {
                let iy = oy * stride - padding + ki
                if iy < 0 || iy >= h { continue }
                let (first, count) = (valid.lowerBound, valid.count)
                let dst = dx + (ch * h + iy) * w + first * stride + (kj - padding)
                let src = row + oy * wo + first
                for t in 0..<count { dst[stride * t] += src[t] }
            }
        } } }
    }
}
