// Foresight — ImageIOTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import ImageIO

/// A deterministic, varied test pattern (gradients plus pseudo-random noise) so that all filters get used.
func pattern(width: Int, height: Int, colorType: PNGImage.ColorType, seed: UInt32 = 7) throws -> PNGImage {
    var state = seed
    var bytes = [UInt8]()
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<colorType.channelCount {
                state = state &* 1_664_525 &+ 1_013_904_223
                let noise = Int(state >> 28)
                bytes.append(UInt8((x * 3 + y * 5 + c * 60 + (x / 7 % 2) * noise * 9) & 0xFF))
            }
        }
    }
    return try PNGImage(width: width, height: height, colorType: colorType, pixels: bytes)
}

@Suite struct PNGEncoderTests {
    @Test func crcMatchesKnownAnswers() {
        // The standard CRC-32 check value and the CRC of an empty IEND chunk.
        #expect(PNGImage.crc32Checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGImage.crc32Checksum(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(referenceCRC32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test(arguments: PNGImage.ColorType.allCases)
    func roundTripsThroughAnIndependentDecoder(colorType: PNGImage.ColorType) throws {
        let image = try pattern(width: 37, height: 23, colorType: colorType)
        let strategies: [PNGFilterStrategy] = PNGFilter.allCases.map { .fixed($0) } + [.adaptive]
        for strategy in strategies {
            for level in [0, 1, 6, 9] {
                let decoded = try decodePNG(image.pngData(compressionLevel: level, filter: strategy))
                #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
                #expect(decoded.width == 37 && decoded.height == 23)
                #expect(decoded.bitDepth == 8 && decoded.colorType == Int(colorType.pngCode))
                #expect(decoded.compression == 0 && decoded.filterMethod == 0 && decoded.interlace == 0)
                #expect(decoded.pixels == image.pixels, "strategy \(strategy), level \(level)")
                if case let .fixed(f) = strategy { #expect(decoded.rowFilters.allSatisfy { $0 == f.rawValue }) }
            }
        }
    }

    @Test func adaptiveFilteringUsesSeveralFiltersAndCompressesBetterThanNone() throws {
        let image = try pattern(width: 64, height: 64, colorType: .rgb)
        let adaptive = try image.pngData(filter: .adaptive)
        let none = try image.pngData(filter: .fixed(.none))
        let decoded = try decodePNG(adaptive)
        #expect(Set(decoded.rowFilters).count >= 2)
        #expect(adaptive.count < none.count)
    }

    @Test func paethPredictorFollowsTheSpecification() {
        #expect(PNGImage.paethPredictor(10, 20, 10) == 20)   // p = 20: b is exact
        #expect(PNGImage.paethPredictor(20, 10, 10) == 20)   // p = 20: a is exact
        #expect(PNGImage.paethPredictor(5, 5, 5) == 5)
        #expect(PNGImage.paethPredictor(0, 255, 255) == 0)  // p = 0
        #expect(PNGImage.paethPredictor(100, 0, 50) == 50)   // p = 50: c is exact
    }

    @Test func onePixelImagesEncode() throws {
        let gray = try PNGImage(width: 1, height: 1, colorType: .grayscale, pixels: [200])
        #expect(try decodePNG(gray.pngData()).pixels == [200])
        let rgb = try PNGImage(width: 1, height: 1, colorType: .rgb, pixels: [1, 2, 3])
        #expect(try decodePNG(rgb.pngData()).pixels == [1, 2, 3])
    }

    @Test func rejectsBadInputWithContext() {
        #expect(throws: ImageIOError.invalidDimensions(width: 0, height: 4)) {
            try PNGImage(width: 0, height: 4, colorType: .rgb)
        }
        #expect(throws: ImageIOError.pixelCountMismatch(expected: 12, actual: 11)) {
            try PNGImage(width: 2, height: 2, colorType: .rgb, pixels: [UInt8](repeating: 0, count: 11))
        }
        #expect(throws: ImageIOError.unsupportedChannelCount(4)) {
            try PNGImage(planar: [Float](repeating: 0, count: 16), channels: 4, height: 2, width: 2)
        }
        #expect(throws: ImageIOError.invalidCompressionLevel(10)) {
            try PNGImage(width: 1, height: 1, colorType: .grayscale).pngData(compressionLevel: 10)
        }
        #expect(throws: ImageIOError.invalidValueRange(lower: 1, upper: 1)) {
            try PNGImage(planar: [Float](repeating: 0, count: 4), channels: 1, height: 2, width: 2, valueRange: 1...1)
        }
        let message = ImageIOError.invalidCompressionLevel(10).description
        #expect(message.contains("10") && message.contains("0...9"))
    }

    @Test func planarFloatsAreQuantizedChannelFirst() throws {
        // [C=3, H=1, W=2]: red plane, green plane, blue plane.
        let planar: [Float] = [0, 255, 10.4, 10.6, 300, -5]
        let image = try PNGImage(planar: planar, channels: 3, height: 1, width: 2)
        #expect(image.pixel(x: 0, y: 0) == [0, 10, 255])
        #expect(image.pixel(x: 1, y: 0) == [255, 11, 0])
        let unit = try PNGImage(planar: [0, 0.5, 1, .nan], channels: 1, height: 2, width: 2, valueRange: 0...1)
        #expect(unit.pixels == [0, 128, 255, 0])
    }

    @Test func writesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imageio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("frame.png")
        let first = try pattern(width: 8, height: 8, colorType: .rgb, seed: 1)
        let second = try pattern(width: 8, height: 8, colorType: .rgb, seed: 2)
        try first.writePNG(to: url)
        try second.writePNG(to: url)   // replaces the file
        #expect(try decodePNG(Data(contentsOf: url)).pixels == second.pixels)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["frame.png"])

        let missing = directory.appendingPathComponent("no-such-dir/frame.png")
        #expect(throws: ImageIOError.self) { try first.writePNG(to: missing) }
    }
}
