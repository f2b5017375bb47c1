// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Testing
@testable import TensorCore
import _TestSupport

/// The convolution against a direct loop, on one and two threads (images split in the forward pass and the input
/// gradient, input channels split in the weight gradient).
@Suite struct ConvTests {
    /// `(images, channels, side, outputs, kernel, stride, padding)`: the residual blocks' 3x3 (stride 1, padding 1),
    /// the stems' stride 2 without padding (through phase planes), an odd channel count, one output channel (a GEMV
    /// per image) and one image.
    static let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (5, 3, 17, 8, 3, 1, 1), (4, 5, 16, 16, 7, 2, 0), (3, 4, 13, 1, 3, 2, 1), (1, 6, 9, 4, 3, 1, 0), (2, 3, 11, 5, 5, 2, 2),
    ]

    static func inputs(_ c: (Int, Int, Int, Int, Int, Int, Int), seed: UInt64) -> (Tensor, Tensor, Tensor, Tensor) {
        let (n, ch, side, o, k, stride, padding) = c
        var g = SeededGenerator(seed: seed)
        let x = Tensor.randomUniform([n, ch, side, side], low: -1, high: 1, using: &g)
        let w = Tensor.randomUniform([o, ch, k, k], low: -1, high: 1, using: &g)
        let b = Tensor.randomUniform([o], low: -1, high: 1, using: &g)
        let outSide = (side + 2 * padding - k) / stride + 1
        let up = Tensor.randomUniform([n, o, outSide, outSide], low: -1, high: 1, using: &g)
        return (x, w, b, up)
    }

    /// The output and the gradients of `sum(conv2d(x, w, b) * up)`.
    static func run(_ c: (Int, Int, Int, Int, Int, Int, Int), _ x: Tensor, _ w: Tensor, _ b: Tensor, _ up: Tensor) -> [[Float]] {
        let (stride, padding) = (c.5, c.6)
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
        let (_, g) = valueWithGradients(at: [x, w, b]) { (Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) * up).sum() }
        return [y.scalars] + g.map(\.scalars)
    }

    /// The same in Double, by the definition: `y[i,o,p,q] = b[o] + sum x[i,c,p s - pad + ki, q s - pad + kj] w[o,c,ki,kj]`.
    static func direct(_ c: (Int, Int, Int, Int, Int, Int, Int), _ x: Tensor, _ w: Tensor, _ b: Tensor, _ up: Tensor) -> [[Double]] {
        let (n, ch, side, o, k, stride, padding) = c
        let outSide = (side + 2 * padding - k) / stride + 1
        let (xs, ws, bs, us) = (x.scalars, w.scalars, b.scalars, up.scalars)
        var y = [Double](repeating: 0, count: n * o * outSide * outSide)
        var dx = [Double](repeating: 0, count: xs.count), dw = [Double](repeating: 0, count: ws.count), db = [Double](repeating: 0, count: o)
        for i in 0..<n { for oc in 0..<o { for p in 0..<outSide { for q in 0..<outSide {
            let yi = ((i * o + oc) * outSide + p) * outSide + q
            var s = Double(bs[oc])
            let u = Double(us[yi])
            db[oc] += u
            for c in 0..<ch { for ki in 0..<k { for kj in 0..<k {
                let (iy, ix) = (p * stride - padding + ki, q * stride - padding + kj)
                guard iy >= 0, iy < side, ix >= 0, ix < side else { continue }
                let xi = ((i * ch + c) * side + iy) * side + ix, wi = ((oc * ch + c) * k + ki) * k + kj
                s += Double(xs[xi]) * Double(ws[wi])
                dx[xi] += u * Double(ws[wi])
                dw[wi] += u * Double(xs[xi])
            } } }
            y[yi] = s
        } } } }
        return [y, dx, dw, db]
    }

    @Test func matchesTheDefinitionOnOneAndTwoThreads() {
        lockThreadCount(); defer { unlockThreadCount() }
        for (index, c) in Self.cases.enumerated() {
            let (x, w, b, up) = Self.inputs(c, seed: UInt64(100 + index))
            let expected = Self.direct(c, x, w, b, up)
            for threads in [1, 2] {
                BLAS.setThreadCount(threads)
                let got = Self.run(c, x, w, b, up)
                for (name, (g, e)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(got, expected)) {
                    #expect(g.count == e.count)
                    let worst = zip(g, e).map { Swift.abs(Double($0) - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
                    #expect(worst < 1e-4, "\(c), \(threads) thread(s): \(name) off by \(worst)")
                }
            }
        }
    }

    /// The same bits on one and two threads where the product is row-split invariant (``BLAS/isRowSplitInvariant``),
    /// the same values up to rounding elsewhere, and the same bits for the same thread count everywhere.
    @Test func givesTheSameBitsOnOneAndTwoThreads() {
        lockThreadCount(); defer { unlockThreadCount() }
        for (index, c) in Self.cases.enumerated() {
            let (x, w, b, up) = Self.inputs(c, seed: UInt64(200 + index))
            BLAS.setThreadCount(1)
            let one = Self.run(c, x, w, b, up)
            BLAS.setThreadCount(2)
            let two = Self.run(c, x, w, b, up)
            let again = Self.run(c, x, w, b, up)
            for (name, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(one, two)) {
                if BLAS.isRowSplitInvariant {
                    #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(c): \(name) differs between 1 and 2 threads")
                } else {
                    // OpenBLAS computes the blocks: the same up to rounding across thread counts.
                    let scale = a.map { abs($0) }.max() ?? 0
                    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst <= 1e-5 * Swift.max(scale, 1), "\(c): \(name) differs by \(worst) between 1 and 2 threads")
                }
            }
            // On every machine: the same thread count gives the same bits.
            for (name, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(two, again)) {
                #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(c): \(name) differs between two runs on 2 threads")
            }
        }
    }

    /// On AVX-512 machines the forward pass and the weight gradient run as transposed products; the direct ones (the
    /// path of other machines) must give the same bits, on one thread and on two.
    @Test func transposedAndDirectProductsGiveTheSameBits() {
        lockThreadCount(); defer { unlockThreadCount() }
        let cases = Self.cases + [(3, 16, 14, 32, 3, 1, 1), (2, 32, 15, 32, 5, 2, 0), (2, 3, 64, 16, 7, 2, 0)]   // the encoders' layers
        for (index, c) in cases.enumerated() {
            let (x, w, b, up) = Self.inputs(c, seed: UInt64(400 + index))
            for threads in [1, 2] {
                BLAS.setThreadCount(threads)
                let transposed = Self.run(c, x, w, b, up)
                let direct = Tensor.$usesDirectConvolutionProducts.withValue(true) { Self.run(c, x, w, b, up) }
                for (name, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(transposed, direct)) {
                    #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(c), \(threads) thread(s): \(name) differs between the orientations")
                }
            }
        }
    }

    @Test func anEmptyBatchGivesEmptyOutputsAndZeroWeightGradients() {
        lockThreadCount(); defer { unlockThreadCount() }
        for threads in [1, 2] {
            BLAS.setThreadCount(threads)
            let (x, w, b) = (Tensor.zeros([0, 3, 9, 9]), Tensor.ones([4, 3, 3, 3]), Tensor.ones([4]))
            let y = Tensor.conv2d(x, weight: w, bias: b, stride: 2, padding: 1)
            #expect(y.shape == [0, 4, 5, 5])
            let (_, g) = valueWithGradients(at: [x, w, b]) { Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1).sum() }
            #expect(g[0].shape == [0, 3, 9, 9] && g[1].scalars.allSatisfy { $0 == 0 } && g[2].scalars.allSatisfy { $0 == 0 }, "\(threads) thread(s)")
        }
    }

    @Test func finiteDifferencesOnTwoThreads() {
        lockThreadCount(); defer { unlockThreadCount() }
        BLAS.setThreadCount(2)
        var g = SeededGenerator(seed: 300)
        let x = Tensor.randomUniform([3, 4, 9, 9], low: -1, high: 1, using: &g)
        let w = Tensor.randomUniform([5, 4, 3, 3], low: -1, high: 1, using: &g), b = Tensor.randomUniform([5], low: -1, high: 1, using: &g)
        for (stride, padding) in [(1, 1), (2, 0), (2, 1)] {
            let r = checkGradients([x, w, b]) { Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) }
            #expect(r.passed, "conv2d stride \(stride) padding \(padding), 2 threads: \(r)")
        }
    }
}
