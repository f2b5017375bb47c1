// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Allocator tuning

/// Process-wide allocator settings for tensor workloads.
public enum MemoryTuning {
    /// Makes glibc keep freed tensor buffers for reuse instead of returning them to the kernel.
    ///
    /// By default glibc serves allocations above a (dynamic) threshold with `mmap` and returns freed
    /// heap tops to the kernel, so a training step that allocates and frees the same large arrays
    /// page-faults and zero-fills them again on every step (about a tenth of a TD-MPC2 update on the
    /// 1M model). After this call, blocks up to 32 MB come from the heap and the heap is not trimmed:
    /// resident memory stays at its peak instead of shrinking between steps; the peak is unchanged.
    /// Idempotent; does nothing on platforms without glibc.
    public static func retainFreedMemory() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export; look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (trimThreshold, topPad, mmapThreshold): (Int32, Int32, Int32) = (-1, -2, -3)   // M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        _ = mallopt(topPad, 64 << 20)
        #endif
    }
}
