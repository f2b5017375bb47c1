// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import COpenBLAS
import Foundation
import _TensorCoreAVX512

// MARK: - BLAS entry points

/// Thin wrappers over OpenBLAS, row-major. On AVX-512 machines (``VectorMath/hasWideLanes``) GEMMs of 8
/// rows or more run on Foresight's own 16-lane kernel instead (`WideGEMM`: about 10% faster than OpenBLAS's
/// at TD-MPC2's shapes, packing only `B` and never zeroing `C`).
///
/// Threads: OpenBLAS itself always runs single-threaded; with ``threadCount`` above 1, a large GEMM
/// is split into row (or column) blocks, one per thread, each a single-threaded `sgemm` on its own
/// thread (``Parallel/forEachPart(_:_:)``). At TD-MPC2's 128- to 1024-row shapes this beats
/// OpenBLAS's own threading, lets callers fuse a GEMM with the elementwise work on the same rows in
/// one region, and keeps OpenBLAS's worker threads (which spin after each call) off the cores.
/// The split is static, so results are deterministic for a given thread count.
public enum BLAS {
    /// `C[m, n] = alpha * op(A) op(B) + beta * C`, with `op` an optional transpose.
    /// `A` is `[m, k]` (or `[k, m]` when `transA`), `B` is `[k, n]` (or `[n, k]` when `transB`).
    @inline(__always)
    public static func gemm(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                            _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                            alpha: Float = 1, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.update(repeating: 0, count: m * n) } else { for i in 0..<(m * n) { c[i] *= beta } }
            return
        }
        if m == 1 {
            countMultiplyAdds(n * k)
            // One row: y[n] = op(B)^T-side product via sgemv (sgemm costs far more at batch 1).
            if !transB {
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), alpha, b, Int32(n), a, transA ? 1 : 1, beta, c, 1)
            } else {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, b, Int32(k), a, 1, beta, c, 1)
            }
            return
        }
        gemm(a, lda: transA ? m : k, transA: transA, b, ldb: transB ? k : n, transB: transB, c, ldc: n, m: m, n: n, k: k, alpha: alpha, beta: beta)
    }

    /// `C = alpha op(A) op(B) + beta C` with explicit row strides (leading dimensions) `lda`, `ldb`,
    /// `ldc`, so that operands can be column blocks of wider row-major matrices.
    @inline(__always)
    public static func gemm(_ a: UnsafePointer<Float>, lda: Int, transA: Bool, _ b: UnsafePointer<Float>, ldb: Int, transB: Bool,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        let parts = splitParts(m: m, n: n, k: k)
        if parts > 1 {
            // Split the larger output dimension into contiguous blocks (whole 16-row/column tiles).
            let splitRows = m >= n
            let extent = splitRows ? m : n
            Parallel.forEachPart(parts) { part in
                let (lo, hi) = splitBlock(part, of: parts, extent: extent)
                guard hi > lo else { return }
                if splitRows {
                    sgemm(a + (transA ? lo : lo * lda), lda: lda, transA: transA, b, ldb: ldb, transB: transB, c + lo * ldc, ldc: ldc,
                          m: hi - lo, n: n, k: k, alpha: alpha, beta: beta)
                } else {
                    sgemm(a, lda: lda, transA: transA, b + (transB ? lo * ldb : lo), ldb: ldb, transB: transB, c + lo, ldc: ldc,
                          m: m, n: hi - lo, k: k, alpha: alpha, beta: beta)
                }
            }
            return
        }
        sgemm(a, lda: lda, transA: transA, b, ldb: ldb, transB: transB, c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
    }

    @inline(__always)
    static func sgemm(_ a: UnsafePointer<Float>, lda: Int, transA: Bool, _ b: UnsafePointer<Float>, ldb: Int, transB: Bool,
                      _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, alpha: Float, beta: Float) {
        countMultiplyAdds(m * n * k)
        if VectorMath.hasWideLanes && m >= wideMinimumRows {
            WideGEMM.gemm(a, lda: lda, transA: transA, b, ldb: ldb, transB: transB, c, ldc: ldc, m: m, n: n, k: k,
                          alpha: alpha, beta: beta, scratch: wideScratch())
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C = op(A) op(B)` by OpenBLAS's `sgemm` on the calling thread, never the 16-lane kernel or a
    /// split: the library's rate, which benchmarks report next to Foresight's own GEMM.
    public static func librarySgemm(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                                    _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(transA ? m : k), b, Int32(transB ? k : n), 0, c, Int32(n))
    }

    /// Runs `body` with OpenBLAS's own threading at `n` threads (instead of the single thread Foresight
    /// keeps it at), then makes OpenBLAS single-threaded again. For measuring ``librarySgemm(_:transA:_:transB:_:m:n:k:)``
    /// at a thread count, as benchmarks do. Not for Foresight's own GEMMs: they split rows between
    /// threads themselves and expect OpenBLAS single-threaded.
    public static func withLibraryThreadCount<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        _ = threadCount   // the first use makes OpenBLAS single-threaded; do that before, not after
        openblas_set_num_threads(Int32(Swift.max(n, 1)))
        defer { openblas_set_num_threads(1) }
        return try body()
    }

    // MARK: Prepared operands

    /// Floats of a prepared `[k, n]` operand (see ``prepare(_:n:k:into:)``).
    public static func preparedCount(n: Int, k: Int) -> Int {
        VectorMath.hasWideLanes ? WideGEMM.packedCount(n: n, k: k) : n * k
    }

    /// Prepares `Wᵀ` for many GEMMs that read it (a layer's weight during a plan): `weight` is `[n, k]`
    /// (`[out, in]`), row-major and contiguous. On AVX-512 machines it is packed in the 16-lane kernel's
    /// panel layout, so that no GEMM copies it again; elsewhere it is transposed to `[k, n]`.
    public static func prepare(_ weight: UnsafePointer<Float>, n: Int, k: Int, into prepared: UnsafeMutablePointer<Float>) {
        if VectorMath.hasWideLanes {
            WideGEMM.pack(weight, ldb: k, transB: true, n: n, k: k, into: prepared)
        } else {
            transpose(weight, rows: n, columns: k, lds: k, into: prepared, ldt: n)
        }
    }

    /// `C[m, n] = A[m, k] Wᵀ` (beta 0) with `Wᵀ` prepared by ``prepare(_:n:k:into:)``: the same bits as
    /// ``gemm(_:lda:transA:_:ldb:transB:_:ldc:m:n:k:alpha:beta:)`` on `W` with `transB` from
    /// ``wideMinimumRows`` rows (below, that one is OpenBLAS's and this one still the 16-lane kernel on
    /// AVX-512 machines). Large GEMMs split their rows between threads, all reading the one prepared operand.
    public static func gemm(_ a: UnsafePointer<Float>, lda: Int, prepared: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                            ldc: Int, m: Int, n: Int, k: Int) {
        guard VectorMath.hasWideLanes else {
            gemm(a, lda: lda, transA: false, prepared, ldb: n, transB: false, c, ldc: ldc, m: m, n: n, k: k)
            return
        }
        if m == 0 || n == 0 { return }
        countMultiplyAdds(m * n * k)
        let parts = splitParts(m: m, n: n, k: k)
        Parallel.forEachPart(parts) { part in
            let (lo, hi) = splitBlock(part, of: parts, extent: m)
            guard hi > lo else { return }
            WideGEMM.gemm(a + lo * lda, lda: lda, transA: false, packedB: prepared, c + lo * ldc, ldc: ldc, m: hi - lo, n: n, k: k,
                          alpha: 1, beta: 0, scratch: wideScratch())
        }
    }

    /// `target[j * ldt + i] = source[i * lds + j]` for `i < rows`, `j < columns` (an out-of-place
    /// transpose; 16 x 16 register blocks on AVX-512 machines).
    public static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int, lds: Int,
                                 into target: UnsafeMutablePointer<Float>, ldt: Int) {
        if VectorMath.hasWideLanes {
            WideGEMM.transpose(source, rows: rows, columns: columns, lds: lds, into: target, ldt: ldt)
        } else {
            for i in 0..<rows { for j in 0..<columns { target[j * ldt + i] = source[i * lds + j] } }
        }
    }

    /// Rows from which a GEMM runs on the 16-lane kernel (`WideGEMM`) on AVX-512 machines: its
    /// register block is 8 rows, so fewer rows would compute padding.
    static let wideMinimumRows = 8

    /// The calling thread's scratch for `WideGEMM` (one panel; allocated on a thread's first GEMM,
    /// freed when the thread ends), so that no GEMM allocates.
    static func wideScratch() -> UnsafeMutablePointer<Float> {
        if let p = pthread_getspecific(wideScratchKey) { return p.assumingMemoryBound(to: Float.self) }
        var raw: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&raw, 64, WideGEMM.scratchCount * MemoryLayout<Float>.stride) == 0, let raw else {
            preconditionFailure("WideGEMM: out of memory for a \(WideGEMM.scratchCount)-float scratch panel")
        }
        pthread_setspecific(wideScratchKey, raw)
        return raw.assumingMemoryBound(to: Float.self)
    }

    private static let wideScratchKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// Multiply-adds below which a GEMM is not split (a hand-off to a spinning worker costs a few
    /// microseconds, about 0.1-0.2 M multiply-adds; smaller GEMMs also pack poorly when halved).
    static let minimumSplitWork = 1 << 20

    /// Rows (or columns) `lo..<hi` of part `part` of a GEMM split into `parts` blocks: whole 16-row tiles, the last
    /// part taking the rest.
    @inline(__always)
    static func splitBlock(_ part: Int, of parts: Int, extent: Int) -> (lo: Int, hi: Int) {
        ((part * extent / parts) & ~15, part == parts - 1 ? extent : ((part + 1) * extent / parts) & ~15)
    }

    /// Whether a product's result for one output element is independent of how the rows are split: across thread
    /// counts and across calls that cover different row blocks. True where Foresight's own 16-lane GEMM runs (x86-64
    /// with AVX-512): its sum over `k` has one order for every element. Elsewhere OpenBLAS's `sgemm` computes the
    /// blocks, and its edge kernels may sum a block's last rows in another order, so the last bits can depend on the
    /// split: a run is then reproducible for the same seed and the same thread count (the documented guarantee),
    /// not across thread counts.
    public static var isRowSplitInvariant: Bool { VectorMath.hasWideLanes }

    /// The number of blocks a GEMM is split into on the current thread.
    @inline(__always)
    static func splitParts(m: Int, n: Int, k: Int) -> Int {
        let threads = Parallel.availableThreads
        guard threads > 1, m * n * k >= minimumSplitWork else { return 1 }
        return Swift.min(threads, Swift.max(m, n) / 32)
    }

    /// Sets the number of threads Foresight's kernels use: the blocks of a large GEMM and the parts of
    /// the row splits and coarse regions of ``Parallel``. OpenBLAS itself stays single-threaded.
    /// - Parameter n: threads, at least 1.
    public static func setThreadCount(_ n: Int) {
        threadState.lock.lock()
        defer { threadState.lock.unlock() }
        _ = threadState.resolvedRequest()   // makes OpenBLAS single-threaded on first use
        threadState.requested = Swift.max(n, 1)
    }

    /// The number of threads set by ``setThreadCount(_:)`` (until then, OpenBLAS's default: the
    /// number of cores or `OPENBLAS_NUM_THREADS`).
    public static var threadCount: Int {
        threadState.lock.lock()
        defer { threadState.lock.unlock() }
        return threadState.resolvedRequest()
    }

    /// The requested thread count; the first use also makes OpenBLAS single-threaded.
    final class ThreadState: @unchecked Sendable {
        let lock = NSLock()
        var requested: Int?

        func resolvedRequest() -> Int {
            if let requested { return requested }
            let n = Swift.max(Int(openblas_get_num_threads()), 1)
            openblas_set_num_threads(1)
            requested = n
            return n
        }
    }
    static let threadState = ThreadState()
}

// MARK: - Matrix products

extension Tensor {
    /// Untracked product of `[..., m, k]` (or transposed) with `[..., k, n]`; a rank-2 operand is
    /// shared by every batch entry of the other.
    static func matmulKernel(_ a: Tensor, transA: Bool, _ b: Tensor, transB: Bool) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank >= 2, got \(a.shape) and \(b.shape)")
        let (am, ak) = transA ? (a.shape[a.rank - 1], a.shape[a.rank - 2]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bk, bn) = transB ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
        precondition(ak == bk, "matmul inner dimensions differ: \(a.shape)\(transA ? "^T" : "") x \(b.shape)\(transB ? "^T" : "")")
        let batchA = a.shape.dropLast(2).reduce(1, *), batchB = b.shape.dropLast(2).reduce(1, *)
        precondition(batchA == batchB || a.rank == 2 || b.rank == 2, "matmul batch shapes differ: \(a.shape) and \(b.shape)")
        let batch = Swift.max(batchA, batchB)
        let batchShape = a.rank > 2 ? Array(a.shape.dropLast(2)) : Array(b.shape.dropLast(2))
        var out = [Float](uninitializedCount: batch * am * bn)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in out.withUnsafeMutableBufferPointer { op in
            if a.rank > 2 && b.rank == 2 && !transA {
                // Fold the batch into the rows: one large GEMM.
                BLAS.gemm(ap.baseAddress!, transA: false, bp.baseAddress!, transB: transB, op.baseAddress!, m: batch * am, n: bn, k: ak)
                return
            }
            for i in 0..<batch {
                let aOff = batchA == 1 ? 0 : i * am * ak
                let bOff = batchB == 1 ? 0 : i * bk * bn
                BLAS.gemm(ap.baseAddress! + aOff, transA: transA, bp.baseAddress! + bOff, transB: transB,
                          op.baseAddress! + i * am * bn, m: am, n: bn, k: ak)
            }
        } } }
        return Tensor(shape: batchShape + [am, bn], scalars: out)
    }

    /// Matrix product `a b` for `[m, k] x [k, n]`, batched `[B, m, k] x [B, k, n]`, or a shared
    /// right operand `[..., m, k] x [k, n]`. All FLOPs go through `cblas_sgemm` (`sgemv` for one row).
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let r = matmulKernel(a, transA: false, b, transB: false)
        return record(r, inputs: [a, b]) { g in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if a.needsGradient { ga = matmulKernel(g, transA: false, b, transB: true) }
            if b.needsGradient {
                if b.rank == 2 && a.rank > 2 {
                    let a2 = Tensor(shape: [a.count / a.shape[a.rank - 1], a.shape[a.rank - 1]], scalars: a.scalars)
                    let g2 = Tensor(shape: [g.count / g.shape[g.rank - 1], g.shape[g.rank - 1]], scalars: g.scalars)
                    gb = matmulKernel(a2, transA: true, g2, transB: false)
                } else if a.rank == 2 && b.rank > 2 {
                    gb = matmulKernel(a, transA: true, g, transB: false)
                } else {
                    gb = matmulKernel(a, transA: true, g, transB: false)
                }
            }
            if let x = ga, x.shape != a.shape { ga = x.summed(toShape: a.shape) }
            return [ga, gb]
        }
    }

    /// `x W^T + b` with PyTorch's layout: `x` `[..., in]`, `weight` `[out, in]`, `bias` `[out]`.
    /// The bias is added in the same pass that writes the GEMM output (fused).
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let inDim = x.shape[x.rank - 1], outDim = weight.shape[0]
        precondition(weight.rank == 2 && weight.shape[1] == inDim, "linear: input \(x.shape) does not match weight \(weight.shape)")
        if let bias { precondition(bias.shape == [outDim], "linear: bias \(bias.shape) must be [\(outDim)]") }
        let rows = x.count / inDim
        var out = [Float](uninitializedCount: rows * outDim)
        x.withUnsafeBufferPointer { xp in weight.withUnsafeBufferPointer { wp in out.withUnsafeMutableBufferPointer { op in
            if let bias {
                bias.withUnsafeBufferPointer { bp in
                    for r in 0..<rows { (op.baseAddress! + r * outDim).update(from: bp.baseAddress!, count: outDim) }
                }
            }
            BLAS.gemm(xp.baseAddress!, transA: false, wp.baseAddress!, transB: true, op.baseAddress!,
                      m: rows, n: outDim, k: inDim, beta: bias == nil ? 0 : 1)
        } } }
        let outShape = Array(x.shape.dropLast()) + [outDim]
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return record(Tensor(shape: outShape, scalars: out), inputs: inputs) { g in
            linearBackward(g, x: x, weight: weight, hasBias: bias != nil, rows: rows, inDim: inDim, outDim: outDim)
        }
    }

    /// Gradients of `linear` for input, weight and (optionally) bias.
    static func linearBackward(_ g: Tensor, x: Tensor, weight: Tensor, hasBias: Bool, rows: Int, inDim: Int, outDim: Int) -> [Tensor?] {
        var gx: Tensor? = nil, gw: Tensor? = nil, gb: Tensor? = nil
        g.withUnsafeBufferPointer { gp in
            if x.needsGradient {
                var d = [Float](uninitializedCount: rows * inDim)
                weight.withUnsafeBufferPointer { wp in d.withUnsafeMutableBufferPointer { dp in
                    BLAS.gemm(gp.baseAddress!, transA: false, wp.baseAddress!, transB: false, dp.baseAddress!, m: rows, n: inDim, k: outDim)
                } }
                gx = Tensor(shape: x.shape, scalars: d)
            }
            if weight.needsGradient {
                var d = [Float](uninitializedCount: outDim * inDim)
                x.withUnsafeBufferPointer { xp in d.withUnsafeMutableBufferPointer { dp in
                    BLAS.gemm(gp.baseAddress!, transA: true, xp.baseAddress!, transB: false, dp.baseAddress!, m: outDim, n: inDim, k: rows)
                } }
                gw = Tensor(shape: weight.shape, scalars: d)
            }
            if hasBias {
                var d = [Float](repeating: 0, count: outDim)
                d.withUnsafeMutableBufferPointer { dp in
                    for r in 0..<rows { for j in 0..<outDim { dp[j] += gp[r * outDim + j] } }
                }
                gb = Tensor(shape: [outDim], scalars: d)
            }
        }
        return hasBias ? [gx, gw, gb] : [gx, gw]
    }
}
