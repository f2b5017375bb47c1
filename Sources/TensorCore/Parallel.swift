// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Dispatch

// MARK: - Row-parallel elementwise work

/// Splits work over as many threads as ``BLAS/threadCount``, in two ways:
///
/// - Elementwise kernels (LayerNorm, activations, their backward passes, optimizer steps) split their
///   rows between BLAS calls, so that the work between GEMMs scales with the thread count too.
/// - Coarse regions (``forEachPart(_:_:)``) run independent pieces of work, each with its own
///   single-threaded GEMMs, on separate threads: at the 256- to 512-wide shapes of TD-MPC2, two
///   single-threaded GEMMs side by side beat one two-threaded GEMM, and a region synchronizes once
///   instead of once per operation.
///
/// Every split is static (contiguous ranges, one per thread), so results are deterministic for a
/// given thread count.
public enum Parallel {
    /// Elements of work below which a part is not worth a thread hand-off (about 10 µs of kernel work).
    static let minimumElementsPerPart = 16_384

    /// Whether the current thread runs one part of a coarse region (kernels then stay on it).
    @TaskLocal static var isInsideRegion = false

    /// The threads available to a split here: ``BLAS/threadCount``, or 1 inside a region.
    @inline(__always)
    static var availableThreads: Int { isInsideRegion ? 1 : BLAS.threadCount }

    /// The number of parts for `count` items of `itemSize` elements each.
    @inline(__always)
    static func partCount(_ count: Int, itemSize: Int) -> Int {
        let threads = availableThreads
        guard threads > 1, count > 1 else { return 1 }
        return Swift.max(1, Swift.min(threads, count, count * itemSize / minimumElementsPerPart))
    }

    /// The number of parts for `rows` rows of about `workPerRow` multiply-adds each (a GEMM row and
    /// its elementwise work): 1 when the whole is too small to be worth a hand-off.
    @inline(__always)
    static func partCount(rows: Int, workPerRow: Int) -> Int {
        let threads = availableThreads
        guard threads > 1, rows >= 32, rows * workPerRow >= BLAS.minimumSplitWork else { return 1 }
        return Swift.min(threads, rows / 16)
    }

    /// Runs `body(range, part)` over `parts` consecutive ranges of `0..<count`, concurrently when
    /// `parts > 1`.
    @inline(__always)
    static func forEachRange(_ count: Int, parts: Int, _ body: (Range<Int>, Int) -> Void) {
        if parts <= 1 { body(0..<count, 0); return }
        // The parts write disjoint rows (or their own accumulators); the caller waits for all of them.
        forEachPart(parts) { part in body((part * count / parts)..<((part + 1) * count / parts), part) }
    }

    // MARK: Coarse regions

    /// The number of parts a coarse region over `count` independent rows should use: the thread
    /// count, or 1 when single-threaded, inside another region, or when a part would get fewer than
    /// `minimumRows` rows.
    /// - Parameters:
    ///   - count: independent rows (samples, batch entries).
    ///   - minimumRows: the fewest rows worth a part of its own.
    public static func regionPartCount(_ count: Int, minimumRows: Int = 64) -> Int {
        let threads = availableThreads
        guard threads > 1 else { return 1 }
        return Swift.max(1, Swift.min(threads, count / Swift.max(minimumRows, 1)))
    }

    /// The contiguous share of part `part` of `parts` in `range` (the split of ``forEachRange``).
    public static func range(of part: Int, parts: Int, in range: Range<Int>) -> Range<Int> {
        let n = range.count
        return (range.lowerBound + part * n / parts)..<(range.lowerBound + (part + 1) * n / parts)
    }

    /// Runs `body(part)` for `part` in `0..<parts`, concurrently when `parts > 1`; every GEMM and
    /// elementwise split inside a part stays on that part's thread.
    ///
    /// The parts must touch disjoint memory (or only read shared memory); the call returns when
    /// every part is done.
    public static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *), WorkerPool.shared.run(parts, body) { return }
        // Another thread holds the pool (concurrent callers): Dispatch's threads instead.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                Parallel.$isInsideRegion.withValue(true) { work(part) }
            }
        }
    }
}
