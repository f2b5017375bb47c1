// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Synchronization

// MARK: - Executed multiply-adds

extension BLAS {
    /// The multiply-adds of every GEMM and GEMV that Foresight has run in this process, on all
    /// threads (`m n k` per call). A benchmark reads it before and after a call to rate the FLOPs
    /// actually executed (`2 x` multiply-adds) rather than an estimate.
    public static var multiplyAddsExecuted: Int {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) { return MultiplyAddCounter.shared.value.load(ordering: .relaxed) }
        return 0
    }

    /// Adds one call's multiply-adds to ``multiplyAddsExecuted``.
    @inline(__always)
    static func countMultiplyAdds(_ n: Int) {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) { MultiplyAddCounter.shared.value.add(n, ordering: .relaxed) }
    }
}

/// The process-wide counter behind ``BLAS/multiplyAddsExecuted`` (one relaxed atomic add per call,
/// nothing next to the call's microseconds of work).
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
final class MultiplyAddCounter: Sendable {
    static let shared = MultiplyAddCounter()
    let value = Atomic<Int>(0)
}
