// Foresight — CheckpointTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Checkpoint

// MARK: - Building files by hand

/// A safetensors file from a header string and body bytes. `declaredLength` overrides the length field.
func makeFile(header: String, body: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    makeFile(headerBytes: Array(header.utf8), body: body, declaredLength: declaredLength)
}

func makeFile(headerBytes: [UInt8], body: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var data = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: headerBytes)
    data.append(contentsOf: body)
    return data
}

/// Little-endian bytes of fixed-width values.
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

func float32Bytes(_ values: [Float]) -> [UInt8] { littleEndianBytes(values.map(\.bitPattern)) }

// MARK: - Outcomes

/// Loads `data`; returns nil on success and the error otherwise. Any error that is not a
/// `CheckpointError` is recorded as a test failure (the loader promises typed errors only).
@discardableResult
func loadError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> CheckpointError? {
    do {
        _ = try SafeTensors.loadData(data)
        return nil
    } catch let error as CheckpointError {
        return error
    } catch {
        Issue.record("loader threw a non-CheckpointError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small set of tensors exercising every shape kind: matrix, 3-D, vector, scalar and empty.
func sampleTensors(seed: UInt64) -> [String: Tensor] {
    var generator = SeededGenerator(seed: seed)
    func random(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }
    return [
        "encoder.layers.0.weight": random([4, 3]),
        "encoder.layers.0.bias": random([4]),
        "dynamics.cube": random([2, 2, 2]),
        "scale": Tensor(1.5),
        "empty": Tensor(shape: [0, 5], scalars: []),
        "ünïcode \"quoted\"\n\\name": random([3]),
    ]
}
