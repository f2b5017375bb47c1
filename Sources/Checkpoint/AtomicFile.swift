// Foresight — Checkpoint
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Atomic file writes

/// Writes whole files so that readers see either the old contents or the new ones, never a mixture.
enum AtomicFile {
    /// Writes `data` to a new temporary file beside `url`, `fsync`s it, renames it over `url`, and then
    /// `fsync`s the directory so the rename itself survives a crash. The temporary file is removed on failure.
    /// - Throws: ``CheckpointError/writeFailed(path:reason:)`` naming the failing step and `errno`.
    static func write(_ data: Data, to url: URL) throws(CheckpointError) {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).\(UUID().uuidString).tmp"

        func failure(_ step: String) -> CheckpointError {
            .writeFailed(path: path, reason: "\(step) failed: \(String(cString: strerror(errno)))")
        }

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("creating temporary file \(temporary)") }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            let wrote = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
                var offset = 0
                while offset < buffer.count {
                    guard let base = buffer.baseAddress else { return false }
                    let n = systemWrite(fd, base + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += n
                }
                return true
            }
            guard wrote else { throw failure("writing") }
            guard fsync(fd) == 0 else { throw failure("fsync") }
        }
        guard rename(temporary, path) == 0 else { throw failure("renaming \(temporary) to the destination") }
        succeeded = true

        let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)  // best effort: not every file system supports syncing a directory
            close(directoryFD)
        }
    }
}

/// The POSIX `write(2)` call (a free function here, where `write` does not name `AtomicFile.write`).
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
