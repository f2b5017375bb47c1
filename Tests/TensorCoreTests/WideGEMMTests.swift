// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import TensorCore
import _TensorCoreAVX512
import _TestSupport

/// The 16-lane GEMM (`WideGEMM`, used in place of OpenBLAS's sgemm on AVX-512 machines).
@Suite(.serialized) struct WideGEMMTests {
    /// `C = alpha op(A) op(B) + beta C` in double precision, row-major with leading dimensions.
    static func reference(_ a: [Float], lda: Int, transA: Bool, _ b: [Float], ldb: Int, transB: Bool, _ c: [Float], ldc: Int,
                          m: Int, n: Int, k: Int, alpha: Float, beta: Float) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    s += Double(transA ? a[p * lda + i] : a[i * lda + p]) * Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                }
                out[i * ldc + j] = Float(Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])))
            }
        }
        return out
    }

    /// Every transposition, partial row blocks (m not a multiple of 8), partial 32- and 16-column
    /// panels, depths across the 512-deep panel, padded leading dimensions, alpha and beta; with
    /// beta 0 `C` starts as NaN, which must not leak (it is not read). Elements outside the `m x n`
    /// block of `C` stay untouched.
    @Test(.enabled(if: VectorMath.hasWideLanes),
          arguments: [(8, 32, 16), (13, 101, 77), (3, 5, 1), (24, 48, 513), (17, 16, 1030), (9, 64, 16), (40, 33, 300)])
    func matchesDoublePrecision(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var g = SeededGenerator(seed: UInt64(m * 1000 + n))
        for transA in [false, true] {
            for transB in [false, true] {
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, -0.25)] {
                    let (aRows, aCols) = transA ? (k, m) : (m, k), (bRows, bCols) = transB ? (n, k) : (k, n)
                    let (lda, ldb, ldc) = (aCols + 3, bCols + 5, n + 7)
                    let a = Tensor.randomUniform([aRows * lda], low: -1, high: 1, using: &g).scalars
                    let b = Tensor.randomUniform([bRows * ldb], low: -1, high: 1, using: &g).scalars
                    var c = beta == 0 ? [Float](repeating: .nan, count: m * ldc)
                        : Tensor.randomUniform([m * ldc], low: -1, high: 1, using: &g).scalars
                    for i in 0..<m { for j in n..<ldc { c[i * ldc + j] = 7 } }
                    let expected = Self.reference(a, lda: lda, transA: transA, b, ldb: ldb, transB: transB, c, ldc: ldc,
                                                  m: m, n: n, k: k, alpha: alpha, beta: beta)
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: WideGEMM.scratchCount)
                    defer { scratch.deallocate() }
                    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                        WideGEMM.gemm(ap.baseAddress!, lda: lda, transA: transA, bp.baseAddress!, ldb: ldb, transB: transB,
                                      cp.baseAddress!, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta, scratch: scratch)
                    } } }
                    let label = "\(shape) transA \(transA) transB \(transB) alpha \(alpha) beta \(beta)"
                    #expect(c.allSatisfy { !$0.isNaN }, "\(label): NaN in C")
                    #expect(maxAbsDifference(c, expected) <= 2e-5 * Float(k).squareRoot() + 1e-6, "\(label)")
                    #expect((0..<m).allSatisfy { i in (n..<ldc).allSatisfy { c[i * ldc + $0] == 7 } }, "\(label): wrote past n")
                }
            }
        }
    }

    /// `BLAS.gemm` runs on the wide kernel from 8 rows, and each element of C sums in the same order
    /// however rows and columns are split between threads: two threads give the same bits as one.
    @Test(.enabled(if: VectorMath.hasWideLanes))
    func splitGivesTheSameBits() {
        #expect(BLAS.wideMinimumRows == 8)
        for transA in [false, true] {
            for transB in [false, true] {
                for (m, n, k) in [(320, 192, 96), (40, 900, 160)] {
                    let one = ParallelTests.gemm(transA: transA, transB: transB, m: m, n: n, k: k, threads: 1)
                    let two = ParallelTests.gemm(transA: transA, transB: transB, m: m, n: n, k: k, threads: 2)
                    #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "\(m)x\(n)x\(k) transA \(transA) transB \(transB)")
                }
            }
        }
    }

    /// A weight prepared once (`BLAS.prepare`: packed panels on AVX-512 machines, a transpose elsewhere)
    /// gives the bits of the GEMM on the weight itself (from 8 rows, where that one runs on the 16-lane
    /// kernel too), for partial row blocks and panels, depths past one panel, padded strides, and rows
    /// split over two threads.
    @Test(arguments: [(5, 12, 128), (40, 101, 512), (300, 134, 600), (512, 512, 128)])
    func preparedWeightGivesTheSameBits(shape: (Int, Int, Int)) {
        lockThreadCount(); defer { unlockThreadCount() }
        let (m, n, k) = shape
        var g = SeededGenerator(seed: UInt64(7 * m + n))
        let lda = k + 3, ldc = n + 5
        let a = Tensor.randomUniform([m * lda], low: -1, high: 1, using: &g).scalars
        let w = Tensor.randomUniform([n * k], low: -1, high: 1, using: &g).scalars
        var prepared = [Float](repeating: .nan, count: BLAS.preparedCount(n: n, k: k))
        w.withUnsafeBufferPointer { wp in prepared.withUnsafeMutableBufferPointer { pp in BLAS.prepare(wp.baseAddress!, n: n, k: k, into: pp.baseAddress!) } }
        #expect(prepared.allSatisfy { !$0.isNaN }, "every prepared float is written")
        for threads in [1, 2] {
            BLAS.setThreadCount(threads)
            var direct = [Float](repeating: 7, count: m * ldc), fromPrepared = direct
            a.withUnsafeBufferPointer { ap in w.withUnsafeBufferPointer { wp in prepared.withUnsafeBufferPointer { pp in
                direct.withUnsafeMutableBufferPointer { dp in fromPrepared.withUnsafeMutableBufferPointer { fp in
                    BLAS.gemm(ap.baseAddress!, lda: lda, transA: false, wp.baseAddress!, ldb: k, transB: true, dp.baseAddress!, ldc: ldc, m: m, n: n, k: k)
                    BLAS.gemm(ap.baseAddress!, lda: lda, prepared: pp.baseAddress!, fp.baseAddress!, ldc: ldc, m: m, n: n, k: k)
                } }
            } } }
            if VectorMath.hasWideLanes && m >= BLAS.wideMinimumRows {   // below 8 rows the direct GEMM is OpenBLAS's
                #expect(direct.map(\.bitPattern) == fromPrepared.map(\.bitPattern), "\(shape), \(threads) thread(s)")
            } else {
                #expect(maxAbsDifference(direct, fromPrepared) <= 1e-4, "\(shape), \(threads) thread(s)")
            }
            #expect((0..<m).allSatisfy { i in (n..<ldc).allSatisfy { fromPrepared[i * ldc + $0] == 7 } }, "wrote past n")
        }
    }
}
