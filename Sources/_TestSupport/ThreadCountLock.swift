// Foresight — _TestSupport
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TensorCore

// MARK: - One thread-count change at a time

/// Tests run concurrently in one process, and `BLAS.setThreadCount` is process-wide: a test that sets 2
/// threads and checks what ran on two threads fails when another test restores its count in between. Every
/// test that changes the thread count holds this lock for its whole body and gives back the count it found:
///
/// ```swift
/// @Test func splitGivesTheSameBits() {
///     lockThreadCount(); defer { unlockThreadCount() }
///     BLAS.setThreadCount(2)
///     ...
/// }
/// ```
public func lockThreadCount() {
    threadCountLock.lock()
    savedThreadCounts.append(BLAS.threadCount)
}

/// Restores the thread count ``lockThreadCount()`` found and releases the lock.
public func unlockThreadCount() {
    if let saved = savedThreadCounts.popLast() { BLAS.setThreadCount(saved) }
    threadCountLock.unlock()
}

private let threadCountLock = NSRecursiveLock()
/// Read and written only while `threadCountLock` is held.
nonisolated(unsafe) private var savedThreadCounts: [Int] = []
