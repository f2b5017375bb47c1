// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import TensorCore
import _TestSupport

/// GEMMs split over threads and coarse regions give the single-threaded results.
@Suite(.serialized) struct ParallelTests {
    /// `C = op(A) op(B) + 0.5 C` through the strided entry point, with padded leading dimensions, on `threads`
    /// threads (the caller holds `lockThreadCount()`, which restores the count).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, threads: Int) -> [Float] {
        BLAS.setThreadCount(threads)
        let (aRows, aCols) = transA ? (k, m) : (m, k), (bRows, bCols) = transB ? (n, k) : (k, n)
        let (lda, ldb, ldc) = (aCols + 3, bCols + 5, n + 7)
        let a = KernelTests.random([aRows * lda], seed: 40), b = KernelTests.random([bRows * ldb], seed: 41)
        var c = KernelTests.random([m * ldc], seed: 42).scalars
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            BLAS.gemm(ap.baseAddress!, lda: lda, transA: transA, bp.baseAddress!, ldb: ldb, transB: transB, cp.baseAddress!, ldc: ldc,
                      m: m, n: n, k: k, beta: 0.5)
        } } }
        return c
    }

    @Test(arguments: [(320, 192, 96), (40, 900, 160), (257, 257, 80)])
    func splitGEMMEqualsOneThread(shape: (Int, Int, Int)) {
        lockThreadCount(); defer { unlockThreadCount() }
        let (m, n, k) = shape
        #expect(m * n * k >= BLAS.minimumSplitWork, "the shape must be large enough to be split")
        for transA in [false, true] {
            for transB in [false, true] {
                let one = Self.gemm(transA: transA, transB: transB, m: m, n: n, k: k, threads: 1)
                let two = Self.gemm(transA: transA, transB: transB, m: m, n: n, k: k, threads: 2)
                // Equal up to rounding: on machines without AVX-512 each block is OpenBLAS's own sgemm, whose edge
                // tiles sum in another order than its full tiles, so a split moves elements by about √k ulps of the
                // partial sums (1.05e-5 measured on AMD Zen 3 at (40, 900, 160), outputs up to ~13). A wrong or
                // missing block would be off by O(1).
                let difference = maxAbsDifference(one, two)
                #expect(difference <= 5e-5, "\(shape) transA \(transA) transB \(transB): max difference \(difference)")
            }
        }
    }

    @Test func regionRunsEveryPartOnceAndKeepsNestedWorkOnItsThread() {
        lockThreadCount(); defer { unlockThreadCount() }
        let parts = 2
        var seen = [Int](repeating: 0, count: parts), nested = [Int](repeating: 0, count: parts)
        seen.withUnsafeMutableBufferPointer { s in nested.withUnsafeMutableBufferPointer { p in
            nonisolated(unsafe) let (s, p) = (s, p)
            Parallel.forEachPart(parts) { part in
                s[part] += 1
                p[part] = Parallel.partCount(1 << 20, itemSize: 64) + Parallel.regionPartCount(1 << 20) + BLAS.splitParts(m: 4096, n: 4096, k: 4096)
            }
        } }
        #expect(seen == [1, 1])
        #expect(nested == [3, 3], "inside a region every split has one part")
        #expect(Parallel.range(of: 0, parts: 2, in: 3..<10) == 3..<6 && Parallel.range(of: 1, parts: 2, in: 3..<10) == 6..<10)
    }

    /// Many short regions back to back, with gaps long enough for the worker to park between some of them:
    /// every part of every region runs exactly once, and no region returns while a worker still holds its
    /// closure (which would trap: the closure does not escape).
    @Test func manyRegionsInARowRunEveryPartOnce() {
        lockThreadCount(); defer { unlockThreadCount() }
        let regions = 20_000
        var counts = [Int](repeating: 0, count: 2 * regions)
        counts.withUnsafeMutableBufferPointer { c in
            nonisolated(unsafe) let c = c
            for r in 0..<regions {
                Parallel.forEachPart(2) { part in c[2 * r + part] += 1 }
                if r % 5_000 == 4_999 { usleep(3_000) }   // past the worker's spin: it parks and is woken
            }
        }
        #expect(counts.allSatisfy { $0 == 1 })
    }

    /// Two-hot decoding and the soft cross-entropy split their rows between threads: values and gradients
    /// have the same bits with one thread and with two.
    @Test func twoHotRowsSplitGiveTheSameBits() {
        lockThreadCount(); defer { unlockThreadCount() }
        let regression = DiscreteRegression()
        var g = SeededGenerator(seed: 61)
        let logits = Tensor.randomNormal([512, regression.binCount], standardDeviation: 2, using: &g)
        let targets = Tensor.randomUniform([512, 1], low: -30, high: 30, using: &g)
        func run(threads: Int) -> [[UInt32]] {
            BLAS.setThreadCount(threads)
            #expect(Parallel.partCount(512, itemSize: 2 * regression.binCount) == threads)
            let (values, grads) = valueWithGradients(at: [logits]) { v in
                (regression.decode(v[0]) * 0.3 + regression.softCrossEntropy(v[0], targets)).sum()
            }
            return [[values.scalar.bitPattern], grads[0].scalars.map(\.bitPattern), regression.decode(logits).scalars.map(\.bitPattern)]
        }
        #expect(run(threads: 1) == run(threads: 2))
    }

    /// Gathering large rows (a Q ensemble's member weights) copies them on several threads: the exact rows.
    @Test func squashedGaussianRowsSplitGiveTheSameBits() {
        lockThreadCount(); defer { unlockThreadCount() }
        let (head, noise) = SquashedGaussianTests.inputs(rows: 2048, actions: 6, seed: 14)
        func run(threads: Int) -> [[Float]] {
            BLAS.setThreadCount(threads)
            return SquashedGaussianTests.fused(head, noise).map(\.scalars)
        }
        let one = run(threads: 1), two = run(threads: 2)
        #expect(Parallel.partCount(2048, itemSize: 32 * 6) == 2, "the rows must be split at 2 threads")
        #expect(one == two)
    }

    @Test func randomNormalIsTheDrawsInOrderOnAnyThreadCount() {
        lockThreadCount(); defer { unlockThreadCount() }
        var sequential = SeededGenerator(seed: 5)
        let expected = (0..<6144).map { _ in 0.5 + 2 * sequential.nextNormal() }
        for threads in [1, 2] {
            BLAS.setThreadCount(threads)
            var g = SeededGenerator(seed: 5)
            let t = Tensor.randomNormal([1024, 6], mean: 0.5, standardDeviation: 2, using: &g)
            #expect(t.scalars == expected, "\(threads) thread(s)")
            #expect(g == sequential, "the generator must end where the sequential draws end")
        }
        #expect(Parallel.partCount(6144, itemSize: 32) == 2, "the transform must be split at 2 threads")
    }

    @Test func globalNormIsTheSameOnAnyThreadCountAndInsertionOrder() {
        lockThreadCount(); defer { unlockThreadCount() }
        // Gradients of several sizes, one spanning several pieces.
        let sizes = [3, 700, Gradients.normPieceSize * 2 + 5, 64, 90_000]
        let parameters = sizes.enumerated().map { Parameter(KernelTests.random([$0.element], seed: UInt64(60 + $0.offset))) }
        var forward = Gradients(), backward = Gradients()
        for p in parameters { forward[p] = p.value * 3 }
        for p in parameters.reversed() { backward[p] = p.value * 3 }
        BLAS.setThreadCount(1)
        let one = forward.globalNorm()
        BLAS.setThreadCount(2)
        let two = forward.globalNorm()
        #expect(one.bitPattern == two.bitPattern)
        let exact = parameters.reduce(0.0) { $0 + $1.value.scalars.reduce(0.0) { $0 + Double($1 * 3) * Double($1 * 3) } }.squareRoot()
        #expect(Swift.abs(Double(one) - exact) <= 1e-6 * exact)
        #expect(Swift.abs(backward.globalNorm() - one) <= 1e-6 * one, "the order changes only the rounding")
        // Removing a gradient removes it from the sum.
        forward[parameters[2]] = nil
        #expect(forward.count == 4)
        #expect(forward.globalNorm() < one)
    }

    @Test func concatenateSplitCopiesEveryElementOnce() {
        lockThreadCount(); defer { unlockThreadCount() }
        // Along the first axis (one outer block, split by elements), along the last (many rows, split by
        // rows, one part 6 wide as the actions) and with an empty part.
        let cases: [([[Int]], Int)] = [([[256, 512], [256, 512], [300, 512]], 0), ([[768, 512], [768, 6]], -1), ([[40, 0, 900], [40, 3, 900]], 1)]
        for (shapes, axis) in cases {
            let tensors = shapes.enumerated().map { KernelTests.random($0.element, seed: UInt64(70 + $0.offset)) }
            // The reference: element by element.
            let a = axis < 0 ? axis + shapes[0].count : axis
            let outer = shapes[0][..<a].reduce(1, *), inner = shapes[0][(a + 1)...].reduce(1, *)
            var expected: [Float] = []
            for o in 0..<outer { for t in tensors { let block = t.shape[a] * inner; expected += t.scalars[(o * block)..<((o + 1) * block)] } }
            for threads in [1, 2] {
                BLAS.setThreadCount(threads)
                #expect(Tensor.concatenate(tensors, along: axis).scalars == expected, "\(shapes) along \(axis), \(threads) thread(s)")
            }
        }
    }

    @Test func largeGradientsAccumulateOnTwoThreads() {
        lockThreadCount(); defer { unlockThreadCount() }
        BLAS.setThreadCount(2)
        let x = KernelTests.random([300, 512], seed: 75)
        #expect(Parallel.partCount(x.count, itemSize: 1) == 2)
        // x feeds three operations: its gradient is the sum of three, accumulated in place.
        let (_, g) = valueWithGradients(at: [x]) { ($0[0] * 2 + $0[0] * 3 + $0[0]).sum() }
        #expect(g[0].scalars == [Float](repeating: 6, count: x.count))
    }

    @Test func gatheringLargeRowsOnTwoThreadsCopiesTheRows() {
        lockThreadCount(); defer { unlockThreadCount() }
        BLAS.setThreadCount(2)
        var g = SeededGenerator(seed: 62)
        let x = Tensor.randomNormal([5, 256, 512], using: &g)
        #expect(Parallel.partCount(2, itemSize: 256 * 512) == 2)
        let picked = x.gathering([3, 1])
        let row = 256 * 512
        #expect(picked.shape == [2, 256, 512])
        #expect(Array(picked.scalars[0..<row]) == Array(x.scalars[(3 * row)..<(4 * row)]))
        #expect(Array(picked.scalars[row..<(2 * row)]) == Array(x.scalars[row..<(2 * row)]))
    }
}
