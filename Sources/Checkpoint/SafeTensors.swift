// Foresight — Checkpoint
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TensorCore

// MARK: - SafeTensors

/// Reads and writes named tensors in the [safetensors](https://huggingface.co/docs/safetensors) format,
/// so that PyTorch, JAX and NumPy users can open Foresight checkpoints and Foresight can open theirs.
///
/// The layout is:
/// ```
/// [ 8 bytes: N, little-endian UInt64 ]
/// [ N bytes: UTF-8 JSON header, padded with spaces ]
///     {"__metadata__": {"key": "value", ...},
///      "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
/// [ data: each tensor's little-endian elements, row-major, at [begin, end) of this section ]
/// ```
/// Writing emits `F32` tensors in name order and pads the header to a multiple of 8 bytes, as the Python
/// package does, so a file with at most one metadata entry is byte-identical to Python's.
/// Reading accepts every floating-point and integer dtype listed in ``DType`` and converts it to `Float`;
/// it validates the whole header against the file before allocating anything, and throws a
/// ``CheckpointError`` for any malformed input instead of trapping.
public enum SafeTensors {
    /// The largest header the loader accepts, in bytes (the limit of the reference implementation).
    public static let maximumHeaderLength = 100_000_000

    /// The reserved header key for the string-to-string metadata map.
    public static let metadataKey = "__metadata__"

    // MARK: Saving

    /// Writes `tensors` and `metadata` to `url` atomically.
    ///
    /// The bytes go to a temporary file in the same directory, which is flushed to disk (`fsync`) and then
    /// renamed over `url`, so a crash leaves either the old file or the new one, never a partial file.
    /// - Parameters:
    ///   - tensors: Tensors of any shape by name; stored as `F32`.
    ///   - metadata: Free-form strings stored under `"__metadata__"` (omitted when empty).
    ///   - url: Destination file URL. Its directory must exist.
    /// - Throws: ``CheckpointError/reservedName(_:)`` for a tensor named `"__metadata__"`,
    ///   ``CheckpointError/writeFailed(path:reason:)`` when the file system refuses.
    public static func save(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = try serialize(tensors, metadata: metadata)
        try AtomicFile.write(data, to: url)
    }

    /// Encodes `tensors` and `metadata` as the bytes of a safetensors file.
    /// - Throws: ``CheckpointError/reservedName(_:)`` for a tensor named `"__metadata__"`.
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        if tensors[metadataKey] != nil { throw CheckpointError.reservedName(metadataKey) }
        let names = tensors.keys.sorted()
        var header = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(JSONValue.quoted($0)):\(JSONValue.quoted(metadata[$0] ?? ""))" }
            members.append("\(JSONValue.quoted(metadataKey)):{\(entries.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let end = offset + tensor.count * DType.f32.byteWidth
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append("\(JSONValue.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += members.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            appendLittleEndian(tensor, to: &data)
        }
        return data
    }

    private static func appendLittleEndian(_ tensor: Tensor, to data: inout Data) {
        tensor.withUnsafeBufferPointer { buffer in
            #if _endian(little)
            data.append(UnsafeBufferPointer(start: buffer.baseAddress, count: buffer.count))
            #else
            for value in buffer {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            #endif
        }
    }

    // MARK: Loading

    /// Reads a safetensors file.
    /// - Parameter url: A file URL.
    /// - Returns: Every tensor by name, converted to `Float` with its stored shape, and the metadata map
    ///   (empty when the file has none).
    /// - Throws: ``CheckpointError/fileNotFound(path:)`` or ``CheckpointError/readFailed(path:reason:)``,
    ///   then any error of ``loadData(_:)``.
    public static func load(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url)  // read, not mapped: a file truncated under a mapping would fault
        } catch {
            if !FileManager.default.fileExists(atPath: url.path) { throw CheckpointError.fileNotFound(path: url.path) }
            throw CheckpointError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        return try loadData(data)
    }

    /// Decodes the bytes of a safetensors file.
    /// - Parameter data: The whole file.
    /// - Returns: Every tensor by name, converted to `Float`, and the metadata map.
    /// - Throws: A ``CheckpointError`` naming the problem: a short file, an oversized or non-JSON header,
    ///   a bad entry or dtype, a shape that disagrees with its byte range, overlapping or uncovered bytes,
    ///   or a truncated data section.
    public static func loadData(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try data.withUnsafeBytes { try decode($0) }
    }

    private static func decode(_ raw: UnsafeRawBufferPointer) throws(CheckpointError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        let layout = try FileLayout(parsing: raw)
        let body = UnsafeRawBufferPointer(rebasing: raw[layout.bodyStart...])
        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(layout.entries.count)
        for entry in layout.entries {
            let bytes = UnsafeRawBufferPointer(rebasing: body[entry.begin..<entry.end])
            tensors[entry.name] = Tensor(shape: entry.shape, scalars: entry.dtype.decode(bytes))
        }
        return (tensors, layout.metadata)
    }
}

// MARK: - Checked access

extension Dictionary where Key == String, Value == Tensor {
    /// The tensor called `name`, checked to have `shape`.
    ///
    /// ```swift
    /// let (tensors, _) = try SafeTensors.load(from: url)
    /// let weight = try tensors.require("encoder.0.weight", shape: [256, 24])
    /// ```
    /// - Parameters:
    ///   - name: The tensor's name in the checkpoint.
    ///   - shape: The expected shape, or nil to accept any shape.
    /// - Returns: The tensor.
    /// - Throws: ``CheckpointError/missingTensor(name:)`` ('checkpoint has no tensor "x"') or
    ///   ``CheckpointError/shapeMismatch(name:actual:expected:)`` ('tensor "x" has shape [2,3], expected [3,2]').
    public func require(_ name: String, shape: [Int]?) throws -> Tensor {
        guard let tensor = self[name] else { throw CheckpointError.missingTensor(name: name) }
        if let shape, tensor.shape != shape {
            throw CheckpointError.shapeMismatch(name: name, actual: tensor.shape, expected: shape)
        }
        return tensor
    }
}
