// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Dispatch

// MARK: - Row-parallel elementwise work

/// Splits elementwise kernels (LayerNorm, activations, their backward passes, optimizer steps) over
/// as many threads as BLAS uses, so that the work between GEMMs scales with the thread count too.
/// The split is static (contiguous ranges, one per thread), so results are deterministic for a given
/// thread count.
enum Parallel {
    /// Elements of work below which a part is not worth a thread hand-off (about 10 µs of kernel work).
    static let minimumElementsPerPart = 16_384

    /// The number of parts for `count` items of `itemSize` elements each.
    @inline(__always)
    static func partCount(_ count: Int, itemSize: Int) -> Int {
        let threads = BLAS.threadCount
        guard threads > 1, count > 1 else { return 1 }
        return Swift.max(1, Swift.min(threads, count, count * itemSize / minimumElementsPerPart))
    }

    /// Runs `body(range, part)` over `parts` consecutive ranges of `0..<count`, concurrently when
    /// `parts > 1`.
    @inline(__always)
    static func forEachRange(_ count: Int, parts: Int, _ body: (Range<Int>, Int) -> Void) {
        if parts <= 1 { body(0..<count, 0); return }
        // The parts write disjoint rows (or their own accumulators); the caller waits for all of them.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                work((part * count / parts)..<((part + 1) * count / parts), part)
            }
        }
    }
}
