// Foresight — ImageIOTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import CZlib
import Foundation

/// A minimal, independent PNG reader for the tests: checks the signature, every chunk's CRC (with its own
/// table, not zlib's), reads `IHDR`, inflates the `IDAT` stream with zlib and undoes the five filters.
struct DecodedPNG {
    var width = 0, height = 0, bitDepth = 0, colorType = 0, compression = 0, filterMethod = 0, interlace = 0
    var chunkTypes: [String] = []
    var rowFilters: [UInt8] = []
    var pixels: [UInt8] = []
}

enum PNGDecodeError: Error { case badSignature, truncated, badCRC(String), inflateFailed(Int32), badFilter(UInt8), badSize }

/// CRC-32 (polynomial 0xEDB88320), bitwise table.
func referenceCRC32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var table = [UInt32](repeating: 0, count: 256)
    for n in 0..<256 {
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        table[n] = c
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}

func decodePNG(_ data: Data) throws -> DecodedPNG {
    let bytes = [UInt8](data)
    guard bytes.count >= 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw PNGDecodeError.badSignature }
    func u32(_ i: Int) -> UInt32 { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    var result = DecodedPNG()
    var idat = [UInt8]()
    var i = 8
    while i < bytes.count {
        guard i + 12 <= bytes.count else { throw PNGDecodeError.truncated }
        let length = Int(u32(i))
        guard i + 12 + length <= bytes.count else { throw PNGDecodeError.truncated }
        let type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
        let body = Array(bytes[(i + 8)..<(i + 8 + length)])
        guard referenceCRC32(bytes[(i + 4)..<(i + 8 + length)]) == u32(i + 8 + length) else { throw PNGDecodeError.badCRC(type) }
        result.chunkTypes.append(type)
        switch type {
        case "IHDR":
            result.width = Int(body[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
            result.height = Int(body[4..<8].reduce(0) { $0 << 8 | UInt32($1) })
            result.bitDepth = Int(body[8]); result.colorType = Int(body[9])
            result.compression = Int(body[10]); result.filterMethod = Int(body[11]); result.interlace = Int(body[12])
        case "IDAT": idat += body
        default: break
        }
        i += 12 + length
    }
    let channels = result.colorType == 2 ? 3 : 1
    let stride = result.width * channels
    var raw = [UInt8](repeating: 0, count: result.height * (stride + 1))
    var rawLength = uLong(raw.count)
    let status = raw.withUnsafeMutableBufferPointer { dst in
        idat.withUnsafeBufferPointer { src in uncompress(dst.baseAddress, &rawLength, src.baseAddress, uLong(src.count)) }
    }
    guard status == Z_OK else { throw PNGDecodeError.inflateFailed(status) }
    guard Int(rawLength) == raw.count else { throw PNGDecodeError.badSize }
    var pixels = [UInt8](repeating: 0, count: result.height * stride)
    for y in 0..<result.height {
        let filter = raw[y * (stride + 1)]
        result.rowFilters.append(filter)
        for x in 0..<stride {
            let f = Int(raw[y * (stride + 1) + 1 + x])
            let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
            let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
            let c = (x >= channels && y > 0) ? Int(pixels[(y - 1) * stride + x - channels]) : 0
            let predictor: Int
            switch filter {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
            default: throw PNGDecodeError.badFilter(filter)
            }
            pixels[y * stride + x] = UInt8((f + predictor) & 0xFF)
        }
    }
    result.pixels = pixels
    return result
}
