// Foresight — CheckpointTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Checkpoint

// MARK: - Fuzz-style tests

/// Corrupted and truncated files, driven by a seeded generator: every case must load or throw a
/// `CheckpointError` (a trap would end the test process), and where the outcome is predictable it is checked.
@Suite struct LoaderFuzzTests {
    let file: Data
    let headerEnd: Int

    init() throws {
        file = try SafeTensors.serialize(sampleTensors(seed: 3), metadata: ["step": "42", "note": "fuzz"])
        headerEnd = 8 + Int(file.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
    }

    @Test func everyTruncationThrowsTheErrorOfItsRegion() {
        #expect(file.count > 500)
        for length in 0..<file.count {
            let error = loadError(file.prefix(length))
            switch length {
            case 0..<8:
                #expect(error == .fileTooShort(byteCount: length))
            case 8..<headerEnd:
                #expect(error == .headerExceedsFile(length: UInt64(headerEnd - 8), available: length - 8))
            default:
                #expect(error == .truncatedBody(expectedBytes: file.count - headerEnd, actualBytes: length - headerEnd))
            }
        }
        #expect(loadError(file) == nil)
    }

    @Test func truncatingALargeFileAtRandomLengthsThrows() throws {
        var generator = SeededGenerator(seed: 11)
        let big = try SafeTensors.serialize(["w": Tensor.randomNormal([64, 256], using: &generator), "b": Tensor.zeros([256])])
        for _ in 0..<300 {
            let length = Int.random(in: 0..<big.count, using: &generator)
            #expect(loadError(big.prefix(length)) != nil, "prefix of \(length) bytes loaded")
        }
    }

    @Test func flippedBodyBytesLoadAndChangeOnlyTheirElements() throws {
        var generator = SeededGenerator(seed: 5)
        let original = try SafeTensors.loadData(file).tensors
        for _ in 0..<500 {
            var corrupted = file
            let position = Int.random(in: headerEnd..<file.count, using: &generator)
            corrupted[position] ^= UInt8.random(in: 1...255, using: &generator)
            let loaded = try SafeTensors.loadData(corrupted).tensors
            let changed = original.keys.filter { loaded[$0]!.scalars.map(\.bitPattern) != original[$0]!.scalars.map(\.bitPattern) }
            #expect(changed.count == 1, "flipping body byte \(position) changed \(changed)")
        }
    }

    @Test func flippedHeaderBytesLoadOrThrowTypedErrors() {
        var generator = SeededGenerator(seed: 9)
        var loaded = 0, rejected = 0
        for _ in 0..<3000 {
            var corrupted = file
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<headerEnd, using: &generator)
                corrupted[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            }
            if loadError(corrupted) == nil { loaded += 1 } else { rejected += 1 }
        }
        // Bit flips inside names or metadata strings still parse; flips in structure do not.
        #expect(loaded > 0 && rejected > 0, "loaded \(loaded), rejected \(rejected)")
    }

    @Test func randomBytesAsHeaderAreRejected() {
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<2000 {
            let count = Int.random(in: 0...300, using: &generator)
            var header = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator), !header.isEmpty { header[0] = UInt8(ascii: "{") }
            let body = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(loadError(makeFile(headerBytes: header, body: body)) != nil)
        }
    }

    /// Headers assembled from JSON tokens: most are invalid JSON, some are valid but wrong; all must be handled.
    @Test func jsonTokenSoupHeadersLoadOrThrow() {
        let tokens = ["{", "}", "[", "]", ":", ",", "\"dtype\"", "\"F32\"", "\"BF16\"", "\"shape\"", "\"data_offsets\"",
                      "\"__metadata__\"", "\"w\"", "0", "4", "-1", "1e400", "18446744073709551616", "null", "true", "\"\\u00\"", " "]
        var generator = SeededGenerator(seed: 17)
        var rejected = 0
        for _ in 0..<3000 {
            let count = Int.random(in: 1...40, using: &generator)
            let header = "{" + (0..<count).map { _ in tokens.randomElement(using: &generator)! }.joined()
            if loadError(makeFile(header: header, body: [0, 0, 0, 0])) != nil { rejected += 1 }
        }
        #expect(rejected > 2900)
    }

    /// Valid headers with one number replaced by a hostile value.
    @Test func hostileNumbersInAValidHeaderLoadOrThrow() throws {
        let replacements = ["-1", "1e400", "18446744073709551616", "9223372036854775807", "9223372036854775808",
                            "1.5", "\"4\"", "null", "[]", "{}", "true", "0", "4611686018427387904", "-0"]
        let headerText = String(decoding: file[8..<headerEnd], as: UTF8.self)
        let body = Array(file[headerEnd...])
        let numberRanges = headerText.ranges(of: /[0-9]+/)
        #expect(numberRanges.count > 20)
        var generator = SeededGenerator(seed: 23)
        var rejected = 0
        for range in numberRanges {
            for _ in 0..<3 {
                var mutated = headerText
                mutated.replaceSubrange(range, with: replacements.randomElement(using: &generator)!)
                if loadError(makeFile(header: mutated, body: body)) != nil { rejected += 1 }
            }
        }
        #expect(rejected > numberRanges.count)
    }

    @Test(arguments: [UInt64.max, 1 << 63, 100_000_001, 100_000_000, 1 << 32])
    func hugeHeaderLengthsAreRejectedBeforeReading(_ length: UInt64) {
        var corrupted = file
        corrupted.replaceSubrange(0..<8, with: withUnsafeBytes(of: length.littleEndian) { Array($0) })
        let error = loadError(corrupted)
        if length > 100_000_000 {
            #expect(error == .headerTooLarge(length: length, limit: SafeTensors.maximumHeaderLength))
        } else {
            #expect(error == .headerExceedsFile(length: length, available: file.count - 8))
        }
    }
}
