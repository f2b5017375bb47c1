// Foresight — ImageIO
// Copyright (c) 2026 the Foresight developers. MIT License.

import CZlib
import Foundation

// MARK: - Filters

/// A PNG scanline filter (PNG specification §9.2). Each row of the encoded image starts with its filter code.
public enum PNGFilter: UInt8, Sendable, CaseIterable {
    /// The raw bytes.
    case none = 0
    /// The difference to the byte one pixel to the left.
    case sub = 1
    /// The difference to the byte above.
    case up = 2
    /// The difference to the floor of the mean of left and above.
    case average = 3
    /// The difference to the Paeth predictor of left, above and upper-left.
    case paeth = 4
}

/// How the encoder chooses a filter for each row.
public enum PNGFilterStrategy: Sendable, Equatable {
    /// The same filter on every row.
    case fixed(PNGFilter)
    /// Per row, the filter whose output has the smallest sum of absolute values (as signed bytes): the
    /// "minimum sum of absolute differences" heuristic recommended by the PNG specification and used by libpng.
    case adaptive
}

// MARK: - Encoding

extension PNGImage {
    /// The PNG file bytes: signature, `IHDR`, one `IDAT` (zlib deflate), `IEND`; bit depth 8, no interlacing.
    /// - Parameters:
    ///   - compressionLevel: zlib level `0...9` (6 is zlib's default).
    ///   - filter: the scanline filter strategy; ``PNGFilterStrategy/adaptive`` by default.
    /// - Returns: a complete PNG file.
    /// - Throws: ``ImageIOError/invalidCompressionLevel(_:)`` or ``ImageIOError/compressionFailed(status:)``.
    public func pngData(compressionLevel: Int = 6, filter: PNGFilterStrategy = .adaptive) throws -> Data {
        guard (0...9).contains(compressionLevel) else { throw ImageIOError.invalidCompressionLevel(compressionLevel) }
        let filtered = filteredScanlines(strategy: filter)
        let compressed = try Self.deflate(filtered, level: Int32(compressionLevel))

        var header = [UInt8]()
        header.reserveCapacity(13)
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, colorType.pngCode, 0, 0, 0]   // bit depth, colour type, deflate, adaptive filtering, no interlace

        var file = [UInt8]()
        file.reserveCapacity(compressed.count + 64)
        file += [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        Self.appendChunk("IHDR", header, to: &file)
        Self.appendChunk("IDAT", compressed, to: &file)
        Self.appendChunk("IEND", [], to: &file)
        return Data(file)
    }

    /// Encodes the image and writes it atomically: the bytes go to a temporary file in the same directory,
    /// which is then renamed over `url`, so readers never see a partial file.
    /// - Parameters:
    ///   - url: the destination file; its directory must exist.
    ///   - compressionLevel: zlib level `0...9`.
    /// - Throws: the errors of ``pngData(compressionLevel:filter:)`` and ``ImageIOError/writeFailed(path:reason:)``.
    public func writePNG(to url: URL, compressionLevel: Int = 6) throws {
        let data = try pngData(compressionLevel: compressionLevel)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw ImageIOError.writeFailed(path: url.path, reason: "\(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw ImageIOError.writeFailed(path: url.path, reason: reason)
        }
    }

    /// The scanlines with one filter byte in front of each row: `height * (1 + width * channels)` bytes.
    func filteredScanlines(strategy: PNGFilterStrategy) -> [UInt8] {
        let bpp = colorType.channelCount
        let stride = width * bpp
        var out = [UInt8](repeating: 0, count: height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        let zeroRow = [UInt8](repeating: 0, count: stride)
        pixels.withUnsafeBufferPointer { px in
            zeroRow.withUnsafeBufferPointer { zero in
                for y in 0..<height {
                    let row = UnsafeBufferPointer(rebasing: px[(y * stride)..<((y + 1) * stride)])
                    let prior = y == 0 ? zero : UnsafeBufferPointer(rebasing: px[((y - 1) * stride)..<(y * stride)])
                    let chosen: PNGFilter
                    switch strategy {
                    case let .fixed(f):
                        chosen = f
                        Self.apply(f, row: row, prior: prior, bpp: bpp, into: &best)
                    case .adaptive:
                        var bestFilter = PNGFilter.none, bestScore = Int.max
                        for f in PNGFilter.allCases {
                            Self.apply(f, row: row, prior: prior, bpp: bpp, into: &candidate)
                            var score = 0
                            for b in candidate { score += b < 128 ? Int(b) : 256 - Int(b) }
                            if score < bestScore { bestScore = score; bestFilter = f; swap(&best, &candidate) }
                        }
                        chosen = bestFilter
                    }
                    let base = y * (stride + 1)
                    out[base] = chosen.rawValue
                    for i in 0..<stride { out[base + 1 + i] = best[i] }
                }
            }
        }
        return out
    }

    static func apply(_ filter: PNGFilter, row: UnsafeBufferPointer<UInt8>, prior: UnsafeBufferPointer<UInt8>,
                      bpp: Int, into out: inout [UInt8]) {
        let n = row.count
        switch filter {
        case .none:
            for i in 0..<n { out[i] = row[i] }
        case .sub:
            for i in 0..<n { out[i] = row[i] &- (i >= bpp ? row[i - bpp] : 0) }
        case .up:
            for i in 0..<n { out[i] = row[i] &- prior[i] }
        case .average:
            for i in 0..<n {
                let left = i >= bpp ? Int(row[i - bpp]) : 0
                out[i] = row[i] &- UInt8((left + Int(prior[i])) / 2)
            }
        case .paeth:
            for i in 0..<n {
                let a = i >= bpp ? Int(row[i - bpp]) : 0, b = Int(prior[i]), c = i >= bpp ? Int(prior[i - bpp]) : 0
                out[i] = row[i] &- UInt8(paethPredictor(a, b, c))
            }
        }
    }

    /// The PNG Paeth predictor: whichever of left `a`, above `b`, upper-left `c` is closest to `a + b - c`
    /// (ties prefer `a`, then `b`).
    static func paethPredictor(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// A zlib stream (RFC 1950: header, deflate data, Adler-32), as PNG's `IDAT` requires.
    static func deflate(_ bytes: [UInt8], level: Int32) throws -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &capacity, src.baseAddress, uLong(src.count), level)
            }
        }
        guard status == Z_OK else { throw ImageIOError.compressionFailed(status: status) }
        out.removeSubrange(Int(capacity)...)
        return out
    }

    /// Appends `length | type | data | CRC-32(type + data)`, lengths and CRC big-endian.
    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        file.appendBigEndian(UInt32(data.count))
        file += typeBytes
        file += data
        file.appendBigEndian(crc32Checksum(typeBytes + data))
    }

    /// The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320), computed by zlib.
    static func crc32Checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(crc32(0, nil, 0), buffer.baseAddress, uInt(buffer.count)))
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24)); append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF)); append(UInt8(value & 0xFF))
    }
}
