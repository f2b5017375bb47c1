// Foresight — CheckpointTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Checkpoint

// MARK: - Round trip and layout

@Suite struct SafeTensorsRoundTripTests {
    @Test func roundTripPreservesNamesShapesValuesAndMetadata() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        let tensors = sampleTensors(seed: 7)
        let metadata = ["step": "1200", "config": "{\"horizon\": 3}", "tab\tnewline\n": "ünïcode ✓"]

        try SafeTensors.save(tensors, metadata: metadata, to: url)
        let loaded = try SafeTensors.load(from: url)

        #expect(loaded.tensors == tensors)
        #expect(loaded.metadata == metadata)
    }

    @Test func withoutMetadataTheHeaderHasNoMetadataEntryAndLoadsEmpty() throws {
        let data = try SafeTensors.serialize(["a": Tensor([1, 2])])
        #expect(!String(decoding: data, as: UTF8.self).contains("__metadata__"))
        #expect(try SafeTensors.loadData(data).metadata.isEmpty)
    }

    /// The exact bytes the Python package writes for the same input: sorted names, contiguous
    /// little-endian F32 data, header padded with spaces to a multiple of 8.
    @Test func layoutMatchesThePythonWriter() throws {
        let data = try SafeTensors.serialize(["b": Tensor([[1, 2, 3], [4, 5, 6]]), "a": Tensor([-1])], metadata: ["k": "v"])
        let header = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"F32","shape":[2,3],"data_offsets":[4,28]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        let expected = makeFile(header: padded, body: float32Bytes([-1, 1, 2, 3, 4, 5, 6]))
        #expect(data == expected)
        #expect((data.count - 28) % 8 == 0, "data section starts 8-byte aligned")
    }

    @Test func specialFloatValuesKeepTheirBits() throws {
        let values: [Float] = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 0x1p-133]
        let loaded = try SafeTensors.loadData(SafeTensors.serialize(["x": Tensor(values)]))
        #expect(try loaded.tensors.require("x", shape: [7]).scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func loadDataAcceptsASliceThatDoesNotStartAtIndexZero() throws {
        let file = try SafeTensors.serialize(["w": Tensor([3, 4])])
        let padded = Data([9, 9, 9]) + file
        let slice = padded[3...]
        #expect(slice.startIndex == 3)
        #expect(try SafeTensors.loadData(slice).tensors["w"] == Tensor([3, 4]))
    }

    @Test func metadataNameIsReservedForTensors() {
        #expect(throws: CheckpointError.reservedName("__metadata__")) {
            try SafeTensors.serialize(["__metadata__": Tensor([1])])
        }
    }
}

// MARK: - Atomic writes and files

@Suite struct SafeTensorsFileTests {
    @Test func saveReplacesTheFileAndLeavesNoTemporaryFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("agent.safetensors")

        try SafeTensors.save(["w": Tensor([1, 2, 3])], metadata: ["version": "1"], to: url)
        try SafeTensors.save(["w": Tensor([4, 5])], metadata: ["version": "2"], to: url)

        let loaded = try SafeTensors.load(from: url)
        #expect(loaded.tensors == ["w": Tensor([4, 5])])
        #expect(loaded.metadata == ["version": "2"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["agent.safetensors"])
    }

    @Test func saveIntoAMissingDirectoryThrowsWriteFailedNamingThePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("missing/agent.safetensors")
        do {
            try SafeTensors.save(["w": Tensor([1])], to: url)
            Issue.record("save into a missing directory succeeded")
        } catch let error as CheckpointError {
            guard case .writeFailed(let path, _) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(path == url.path)
            #expect(error.description.contains("missing/agent.safetensors"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func loadingAMissingFileNamesIt() throws {
        let url = URL(fileURLWithPath: "/nonexistent-foresight/agent.safetensors")
        #expect(throws: CheckpointError.fileNotFound(path: url.path)) { try SafeTensors.load(from: url) }
        #expect(CheckpointError.fileNotFound(path: url.path).description == "checkpoint file not found: \(url.path)")
    }

    @Test func loadingADirectoryIsAReadError() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            try SafeTensors.load(from: directory)
        } throws: { error in
            if case .readFailed(let path, _)? = error as? CheckpointError { return path == directory.path }
            return false
        }
    }
}

// MARK: - require(_:shape:)

@Suite struct RequireTests {
    let tensors: [String: Tensor] = ["x": Tensor.zeros([2, 3])]

    @Test func returnsTheTensorWhenPresentWithTheExpectedShape() throws {
        #expect(try tensors.require("x", shape: [2, 3]) == Tensor.zeros([2, 3]))
        #expect(try tensors.require("x", shape: nil).shape == [2, 3])
    }

    @Test func missingNameIsNamed() {
        #expect(throws: CheckpointError.missingTensor(name: "y")) { try tensors.require("y", shape: [2, 3]) }
        #expect(CheckpointError.missingTensor(name: "y").description == #"checkpoint has no tensor "y""#)
    }

    @Test func wrongShapeGivesBothShapes() {
        #expect(throws: CheckpointError.shapeMismatch(name: "x", actual: [2, 3], expected: [3, 2])) {
            try tensors.require("x", shape: [3, 2])
        }
        #expect(CheckpointError.shapeMismatch(name: "x", actual: [2, 3], expected: [3, 2]).description
            == #"tensor "x" has shape [2,3], expected [3,2]"#)
    }
}

// MARK: - Other dtypes

@Suite struct DTypeConversionTests {
    private func load(dtype: String, shape: [Int], bytes: [UInt8]) throws -> Tensor {
        let shapeText = shape.map(String.init).joined(separator: ",")
        let header = #"{"t":{"dtype":"\#(dtype)","shape":[\#(shapeText)],"data_offsets":[0,\#(bytes.count)]}}"#
        return try SafeTensors.loadData(makeFile(header: header, body: bytes)).tensors.require("t", shape: shape)
    }

    @Test func f64IsRoundedToFloat() throws {
        let values: [Double] = [1.0 / 3.0, -1e10, 0, 1e300]
        let t = try load(dtype: "F64", shape: [4], bytes: littleEndianBytes(values.map(\.bitPattern)))
        #expect(t.scalars == [Float(1.0 / 3.0), -1e10, 0, .infinity])
    }

    @Test func f16IsExactIncludingSubnormalsAndInfinity() throws {
        // 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), -0, +inf, 1/3 rounded (0x3555)
        let bits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555]
        let t = try load(dtype: "F16", shape: [7], bytes: littleEndianBytes(bits))
        #expect(t.scalars.map(\.bitPattern) == ([1.0, -2.0, 65504, 0x1p-24, -0.0, .infinity, 0.333251953125] as [Float]).map(\.bitPattern))
        let nan = try load(dtype: "F16", shape: [1], bytes: littleEndianBytes([UInt16(0x7E00)]))
        #expect(nan.scalars[0].isNaN)
    }

    @Test func bf16IsTheUpperHalfOfFloat() throws {
        let values: [Float] = [1.0, -3.140625, 0x1p100, -0.0]
        let bits = values.map { UInt16($0.bitPattern >> 16) }
        #expect(try load(dtype: "BF16", shape: [2, 2], bytes: littleEndianBytes(bits)).scalars == values)
    }

    @Test func integersAndBoolsConvert() throws {
        #expect(try load(dtype: "I64", shape: [3], bytes: littleEndianBytes([Int64(-5), 1 << 40, 0])).scalars == [-5, 0x1p40, 0])
        #expect(try load(dtype: "I32", shape: [2], bytes: littleEndianBytes([Int32.min, 7])).scalars == [-2_147_483_648, 7])
        #expect(try load(dtype: "I16", shape: [2], bytes: littleEndianBytes([Int16(-300), 300])).scalars == [-300, 300])
        #expect(try load(dtype: "I8", shape: [2], bytes: [0xFF, 0x7F]).scalars == [-1, 127])
        #expect(try load(dtype: "U64", shape: [1], bytes: littleEndianBytes([UInt64(1) << 63])).scalars == [0x1p63])
        #expect(try load(dtype: "U32", shape: [1], bytes: littleEndianBytes([UInt32.max])).scalars == [0x1p32])
        #expect(try load(dtype: "U16", shape: [1], bytes: littleEndianBytes([UInt16.max])).scalars == [65535])
        #expect(try load(dtype: "U8", shape: [3], bytes: [0, 128, 255]).scalars == [0, 128, 255])
        #expect(try load(dtype: "BOOL", shape: [3], bytes: [1, 0, 1]).scalars == [1, 0, 1])
    }

    @Test(arguments: ["F8_E4M3", "F8_E5M2", "C64", "float32", ""])
    func unsupportedDTypeIsNamed(_ dtype: String) {
        #expect(throws: CheckpointError.unsupportedDType(name: "t", dtype: dtype)) {
            try load(dtype: dtype, shape: [1], bytes: [0])
        }
        let message = CheckpointError.unsupportedDType(name: "t", dtype: dtype).description
        #expect(message.hasPrefix(#"tensor "t" has dtype "\#(dtype)", which cannot be loaded as Float"#))
        #expect(message.contains("BF16"))
    }
}
