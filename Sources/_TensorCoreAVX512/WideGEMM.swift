// Foresight — _TensorCoreAVX512
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - 16-lane GEMM
//
// `C = alpha op(A) op(B) + beta C` (row-major) for AVX-512 machines. TensorCore's `BLAS` calls it
// instead of OpenBLAS's `sgemm` when the CPU has AVX-512 (`VectorMath.hasWideLanes`).
//
// Why not OpenBLAS: at TD-MPC2's shapes (128-1024 rows, 64-1024 columns and depth) OpenBLAS packs both
// operands on every call and zeroes `C` before it accumulates; on this project's machine (Zen 4, where a
// 512-bit FMA issues once per cycle) its packing, zeroing and kernel together reach about 100 GFLOP/s
// on one core, this kernel about 113 (512 x 512 x 512: 2.37 ms against 2.63).
//
// The scheme: `B` is copied, up to 512 rows of depth and 32 columns at a time, into a 64 KB panel that
// stays in L2 (a plain copy when `B` is row-major, a transposing copy through 16 x 16 register
// transposes when `op(B) = Bᵀ`), or read from panels packed once beforehand (`pack`, for a weight that
// many GEMMs read); `A` is read in place, one element of each of 8 rows broadcast per step of depth. An
// 8 x 32 block of `C` lives in 16 registers for the whole depth block (a 16-column panel ends a width
// that is not a multiple of 32). Every element of `C` sums its products in the order of `k` within a
// depth block and adds the blocks in order, whatever the split of rows and columns between threads, so
// results are deterministic and independent of the thread count.

public enum WideGEMM {
    typealias Lanes = SIMD16<Float>

    /// Rows of `C` per register block.
    public static let blockRows = 8
    /// Columns of a panel.
    public static let panelColumns = 32
    /// Depth of a panel.
    public static let panelDepth = 512
    /// Floats of scratch ``gemm(_:lda:transA:_:ldb:transB:_:ldc:m:n:k:alpha:beta:scratch:)`` needs:
    /// one panel and one register block for partial tiles.
    public static let scratchCount = panelDepth * panelColumns + blockRows * panelColumns

    /// `C[m, n] = alpha * op(A) op(B) + beta * C`; `A` is `[m, k]` (`[k, m]` when `transA`), `B` is
    /// `[k, n]` (`[n, k]` when `transB`), all row-major with row strides `lda`, `ldb`, `ldc`. With
    /// `beta == 0`, `C` is not read (it may hold anything). `scratch` holds ``scratchCount`` floats.
    public static func gemm(_ a: UnsafePointer<Float>, lda: Int, transA: Bool, _ b: UnsafePointer<Float>, ldb: Int, transB: Bool,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
                            scratch: UnsafeMutablePointer<Float>) {
        run(a, lda: lda, transA: transA, c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta, tile: scratch + panelDepth * panelColumns) {
            depth, columns, width, _ in
            pack(b, ldb: ldb, transB: transB, depth: depth, columns: columns, width: width, into: scratch)
            return UnsafePointer(scratch)
        }
    }

    /// ``gemm(_:lda:transA:_:ldb:transB:_:ldc:m:n:k:alpha:beta:scratch:)`` with `B` already packed by
    /// ``pack(_:ldb:transB:n:k:into:)`` (the same bits): for a `B` that many GEMMs read, such as a
    /// weight during a plan.
    public static func gemm(_ a: UnsafePointer<Float>, lda: Int, transA: Bool, packedB: UnsafePointer<Float>,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
                            scratch: UnsafeMutablePointer<Float>) {
        run(a, lda: lda, transA: transA, c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta, tile: scratch + panelDepth * panelColumns) {
            _, _, _, offset in packedB + offset
        }
    }

    /// Floats of `op(B)` (`[k, n]`) packed by ``pack(_:ldb:transB:n:k:into:)``: every depth block holds
    /// its 32-column panels and a last panel of 32 or 16 columns.
    public static func packedCount(n: Int, k: Int) -> Int {
        let rest = n % panelColumns
        return k * ((n / panelColumns) * panelColumns + (rest == 0 ? 0 : rest > 16 ? 32 : 16))
    }

    /// Packs `op(B)` (`[k, n]`; `B` is `[n, k]` when `transB`) into ``packedCount(n:k:)`` floats, panel
    /// after panel in the order the GEMM reads them.
    public static func pack(_ b: UnsafePointer<Float>, ldb: Int, transB: Bool, n: Int, k: Int, into packed: UnsafeMutablePointer<Float>) {
        forEachPanel(n: n, k: k) { depth, columns, width, offset in
            pack(b, ldb: ldb, transB: transB, depth: depth, columns: columns, width: width, into: packed + offset)
        }
    }

    /// Calls `body(depth, columns, width, offset)` for every panel of a `[k, n]` operand: depth blocks of
    /// ``panelDepth`` (one empty block when `k == 0`), then panels of 32 columns (the last one 16 wide when
    /// at most 16 remain); `offset` counts the floats of the panels before.
    @inline(__always)
    static func forEachPanel(n: Int, k: Int, _ body: (Range<Int>, Range<Int>, Int, Int) -> Void) {
        var offset = 0
        var k0 = 0
        repeat {
            let depth = Swift.min(panelDepth, k - k0)
            var j0 = 0
            while j0 < n {
                let columns = Swift.min(panelColumns, n - j0)
                let width = columns > 16 ? 32 : 16
                body(k0..<(k0 + depth), j0..<(j0 + columns), width, offset)
                offset += depth * width
                j0 += width
            }
            k0 += depth
        } while k0 < k
    }

    /// The GEMM over the panels `panel(depth, columns, width, offset)` returns.
    @inline(__always)
    static func run(_ a: UnsafePointer<Float>, lda: Int, transA: Bool, _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int,
                    alpha: Float, beta: Float, tile: UnsafeMutablePointer<Float>,
                    panel: (Range<Int>, Range<Int>, Int, Int) -> UnsafePointer<Float>) {
        guard m > 0, n > 0 else { return }
        // op(A)[i, p] = a[i * rowStride + p * depthStride]
        let (rowStride, depthStride) = transA ? (1, lda) : (lda, 1)
        forEachPanel(n: n, k: k) { depthRange, columnRange, width, offset in
            let (k0, depth, j0, columns) = (depthRange.lowerBound, depthRange.count, columnRange.lowerBound, columnRange.count)
            let blockBeta = k0 == 0 ? beta : 1
            let p = panel(depthRange, columnRange, width, offset)
            var i0 = 0
            while i0 < m {
                let rows = Swift.min(blockRows, m - i0)
                let aBlock = a + i0 * rowStride + k0 * depthStride
                let cBlock = c + i0 * ldc + j0
                if width == 32 {
                    block32(aBlock, rowStride: rowStride, depthStride: depthStride, rows: rows, panel: p, depth: depth,
                            cBlock, ldc: ldc, columns: columns, alpha: alpha, beta: blockBeta, tile: tile)
                } else {
                    block16(aBlock, rowStride: rowStride, depthStride: depthStride, rows: rows, panel: p, depth: depth,
                            cBlock, ldc: ldc, columns: columns, alpha: alpha, beta: blockBeta, tile: tile)
                }
                i0 += blockRows
            }
        }
    }

    /// Copies `op(B)[depth, columns]` into `panel` as `[depth.count][width]`, zero beyond `columns`.
    @inline(__always)
    static func pack(_ b: UnsafePointer<Float>, ldb: Int, transB: Bool, depth: Range<Int>, columns: Range<Int>, width: Int,
                     into panel: UnsafeMutablePointer<Float>) {
        let (kc, nc) = (depth.count, columns.count)
        if !transB {
            // op(B)[p, j] = b[p * ldb + j]: rows of B are contiguous.
            var source = b + depth.lowerBound * ldb + columns.lowerBound
            var target = panel
            if nc == width {
                for _ in 0..<kc {
                    store(load(source), target)
                    if width == 32 { store(load(source + 16), target + 16) }
                    source += ldb; target += width
                }
            } else {
                for _ in 0..<kc {
                    for j in 0..<nc { target[j] = source[j] }
                    for j in nc..<width { target[j] = 0 }
                    source += ldb; target += width
                }
            }
        } else if nc == width {
            // op(B)[p, j] = b[j * ldb + p]: columns of op(B) are contiguous rows of b; 16 x 16 blocks
            // are transposed in registers, the last depth % 16 rows one by one.
            let source = b + columns.lowerBound * ldb + depth.lowerBound
            var p = 0
            while p + 16 <= kc {
                var half = 0
                while half < width {
                    transpose16(source + half * ldb + p, ldb: ldb, into: panel + p * width + half, stride: width)
                    half += 16
                }
                p += 16
            }
            while p < kc {
                for j in 0..<nc { panel[p * width + j] = source[j * ldb + p] }
                p += 1
            }
        } else {
            for j in 0..<nc {
                let source = b + (columns.lowerBound + j) * ldb + depth.lowerBound
                var target = panel + j
                for p in 0..<kc { target.pointee = source[p]; target += width }
            }
            if nc < width {
                for p in 0..<kc { for j in nc..<width { panel[p * width + j] = 0 } }
            }
        }
    }

    /// `target[j * ldt + i] = source[i * lds + j]` for `i < rows`, `j < columns`: 16 x 16 blocks in
    /// registers, the edges one element at a time.
    public static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int, lds: Int,
                                 into target: UnsafeMutablePointer<Float>, ldt: Int) {
        let (fullRows, fullColumns) = (rows & ~15, columns & ~15)
        var i = 0
        while i < fullRows {
            var j = 0
            while j < fullColumns {
                transpose16(source + i * lds + j, ldb: lds, into: target + j * ldt + i, stride: ldt)
                j += 16
            }
            for jj in fullColumns..<columns { for ii in i..<(i + 16) { target[jj * ldt + ii] = source[ii * lds + jj] } }
            i += 16
        }
        for ii in fullRows..<rows { for j in 0..<columns { target[j * ldt + ii] = source[ii * lds + j] } }
    }

    /// `target[p * stride + j] = source[j * ldb + p]` for `p, j` in `0..<16`: a 16 x 16 transpose by
    /// four rounds of pairwise unzipping (even and odd lanes of two rows).
    @inline(__always)
    static func transpose16(_ source: UnsafePointer<Float>, ldb: Int, into target: UnsafeMutablePointer<Float>, stride: Int) {
        @inline(__always) func unzip(_ a: Lanes, _ b: Lanes) -> (Lanes, Lanes) {
            let v = SIMD32<Float>(lowHalf: a, highHalf: b)
            return (v.evenHalf, v.oddHalf)
        }
        var r0 = load(source), r1 = load(source + ldb), r2 = load(source + 2 * ldb), r3 = load(source + 3 * ldb)
        var r4 = load(source + 4 * ldb), r5 = load(source + 5 * ldb), r6 = load(source + 6 * ldb), r7 = load(source + 7 * ldb)
        var r8 = load(source + 8 * ldb), r9 = load(source + 9 * ldb), r10 = load(source + 10 * ldb), r11 = load(source + 11 * ldb)
        var r12 = load(source + 12 * ldb), r13 = load(source + 13 * ldb), r14 = load(source + 14 * ldb), r15 = load(source + 15 * ldb)
        for _ in 0..<4 {
            let (e0, o0) = unzip(r0, r1), (e1, o1) = unzip(r2, r3), (e2, o2) = unzip(r4, r5), (e3, o3) = unzip(r6, r7)
            let (e4, o4) = unzip(r8, r9), (e5, o5) = unzip(r10, r11), (e6, o6) = unzip(r12, r13), (e7, o7) = unzip(r14, r15)
            (r0, r1, r2, r3, r4, r5, r6, r7) = (e0, e1, e2, e3, e4, e5, e6, e7)
            (r8, r9, r10, r11, r12, r13, r14, r15) = (o0, o1, o2, o3, o4, o5, o6, o7)
        }
        store(r0, target); store(r1, target + stride); store(r2, target + 2 * stride); store(r3, target + 3 * stride)
        store(r4, target + 4 * stride); store(r5, target + 5 * stride); store(r6, target + 6 * stride); store(r7, target + 7 * stride)
        store(r8, target + 8 * stride); store(r9, target + 9 * stride); store(r10, target + 10 * stride); store(r11, target + 11 * stride)
        store(r12, target + 12 * stride); store(r13, target + 13 * stride); store(r14, target + 14 * stride); store(r15, target + 15 * stride)
    }

    /// The 8 rows of a register block of `A`; rows past `rows` repeat the last one (computed, never stored).
    @inline(__always)
    static func rowPointers(_ a: UnsafePointer<Float>, rows: Int, rowStride: Int)
        -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
            UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
        func row(_ i: Int) -> UnsafePointer<Float> { a + Swift.min(i, rows - 1) * rowStride }
        return (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
    }

    /// One block of `rows` (≤ 8) rows and a 32-column panel: `C = alpha * A·panel + beta * C` for the
    /// first `columns` columns. Missing rows repeat the last row (computed, never stored).
    @inline(__always)
    static func block32(_ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, rows: Int, panel: UnsafePointer<Float>, depth: Int,
                        _ c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int, alpha: Float, beta: Float,
                        tile: UnsafeMutablePointer<Float>) {
        let (x0, x1, x2, x3, x4, x5, x6, x7) = rowPointers(a, rows: rows, rowStride: rowStride)
        var c00 = Lanes(), c01 = Lanes(), c10 = Lanes(), c11 = Lanes(), c20 = Lanes(), c21 = Lanes(), c30 = Lanes(), c31 = Lanes()
        var c40 = Lanes(), c41 = Lanes(), c50 = Lanes(), c51 = Lanes(), c60 = Lanes(), c61 = Lanes(), c70 = Lanes(), c71 = Lanes()
        var b = panel
        var offset = 0
        for _ in 0..<depth {
            let b0 = load(b), b1 = load(b + 16)
            var s = Lanes(repeating: x0[offset]); c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = Lanes(repeating: x1[offset]); c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = Lanes(repeating: x2[offset]); c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = Lanes(repeating: x3[offset]); c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = Lanes(repeating: x4[offset]); c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = Lanes(repeating: x5[offset]); c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            s = Lanes(repeating: x6[offset]); c60 = c60.addingProduct(s, b0); c61 = c61.addingProduct(s, b1)
            s = Lanes(repeating: x7[offset]); c70 = c70.addingProduct(s, b0); c71 = c71.addingProduct(s, b1)
            b += 32; offset += depthStride
        }
        let full = columns == 32
        // Rows write straight to C when whole, else through the tile.
        let out = full ? c : tile, outStride = full ? ldc : 32
        let fresh = full ? beta : 0
        write(c00, c01, out, fresh, alpha, c)
        if rows > 1 { write(c10, c11, out + outStride, fresh, alpha, c + ldc) }
        if rows > 2 { write(c20, c21, out + 2 * outStride, fresh, alpha, c + 2 * ldc) }
        if rows > 3 { write(c30, c31, out + 3 * outStride, fresh, alpha, c + 3 * ldc) }
        if rows > 4 { write(c40, c41, out + 4 * outStride, fresh, alpha, c + 4 * ldc) }
        if rows > 5 { write(c50, c51, out + 5 * outStride, fresh, alpha, c + 5 * ldc) }
        if rows > 6 { write(c60, c61, out + 6 * outStride, fresh, alpha, c + 6 * ldc) }
        if rows > 7 { write(c70, c71, out + 7 * outStride, fresh, alpha, c + 7 * ldc) }
        if !full { merge(tile, rows: rows, columns: columns, into: c, ldc: ldc, beta: beta) }
    }

    /// ``block32(_:rowStride:depthStride:rows:panel:depth:_:ldc:columns:alpha:beta:tile:)`` for a
    /// 16-column panel (the last columns of a matrix whose width is not a multiple of 32).
    @inline(__always)
    static func block16(_ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, rows: Int, panel: UnsafePointer<Float>, depth: Int,
                        _ c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int, alpha: Float, beta: Float,
                        tile: UnsafeMutablePointer<Float>) {
        let (x0, x1, x2, x3, x4, x5, x6, x7) = rowPointers(a, rows: rows, rowStride: rowStride)
        var c0 = Lanes(), c1 = Lanes(), c2 = Lanes(), c3 = Lanes(), c4 = Lanes(), c5 = Lanes(), c6 = Lanes(), c7 = Lanes()
        var b = panel
        var offset = 0
        for _ in 0..<depth {
            let b0 = load(b)
            c0 = c0.addingProduct(Lanes(repeating: x0[offset]), b0); c1 = c1.addingProduct(Lanes(repeating: x1[offset]), b0)
            c2 = c2.addingProduct(Lanes(repeating: x2[offset]), b0); c3 = c3.addingProduct(Lanes(repeating: x3[offset]), b0)
            c4 = c4.addingProduct(Lanes(repeating: x4[offset]), b0); c5 = c5.addingProduct(Lanes(repeating: x5[offset]), b0)
            c6 = c6.addingProduct(Lanes(repeating: x6[offset]), b0); c7 = c7.addingProduct(Lanes(repeating: x7[offset]), b0)
            b += 16; offset += depthStride
        }
        let full = columns == 16
        let out = full ? c : tile, outStride = full ? ldc : 32
        let fresh = full ? beta : 0
        write(c0, out, fresh, alpha, c)
        if rows > 1 { write(c1, out + outStride, fresh, alpha, c + ldc) }
        if rows > 2 { write(c2, out + 2 * outStride, fresh, alpha, c + 2 * ldc) }
        if rows > 3 { write(c3, out + 3 * outStride, fresh, alpha, c + 3 * ldc) }
        if rows > 4 { write(c4, out + 4 * outStride, fresh, alpha, c + 4 * ldc) }
        if rows > 5 { write(c5, out + 5 * outStride, fresh, alpha, c + 5 * ldc) }
        if rows > 6 { write(c6, out + 6 * outStride, fresh, alpha, c + 6 * ldc) }
        if rows > 7 { write(c7, out + 7 * outStride, fresh, alpha, c + 7 * ldc) }
        if !full { merge(tile, rows: rows, columns: columns, into: c, ldc: ldc, beta: beta) }
    }

    /// `out = alpha * acc + beta * old` (`old` not read when `beta == 0`).
    @inline(__always)
    static func write(_ acc: Lanes, _ out: UnsafeMutablePointer<Float>, _ beta: Float, _ alpha: Float, _ old: UnsafePointer<Float>) {
        var v = alpha == 1 ? acc : acc * Lanes(repeating: alpha)
        if beta != 0 { v = v.addingProduct(Lanes(repeating: beta), load(old)) }
        store(v, out)
    }

    @inline(__always)
    static func write(_ low: Lanes, _ high: Lanes, _ out: UnsafeMutablePointer<Float>, _ beta: Float, _ alpha: Float,
                      _ old: UnsafePointer<Float>) {
        write(low, out, beta, alpha, old)
        write(high, out + 16, beta, alpha, old + 16)
    }

    /// Adds the first `columns` columns of a partial tile (`alpha` applied, row stride 32) into `C`.
    @inline(__always)
    static func merge(_ tile: UnsafePointer<Float>, rows: Int, columns: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        for r in 0..<rows {
            let t = tile + r * 32, o = c + r * ldc
            if beta == 0 {
                for j in 0..<columns { o[j] = t[j] }
            } else {
                for j in 0..<columns { o[j] = t[j].addingProduct(beta, o[j]) }   // as `write`: one fused step
            }
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    @inline(__always) static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }
}
