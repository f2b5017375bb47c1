// Foresight — Checkpoint
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Errors

/// Why a checkpoint could not be written, read or used. Every case names the problem, and its
/// ``description`` is a sentence fit for a user: the file, tensor or byte range at fault and what was expected.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be read.
    case readFailed(path: String, reason: String)
    /// The file (or its temporary sibling) could not be written, synced or renamed.
    case writeFailed(path: String, reason: String)
    /// Fewer than the 8 bytes that hold the header length.
    case fileTooShort(byteCount: Int)
    /// The header length field exceeds the loader's cap (``SafeTensors/maximumHeaderLength``).
    case headerTooLarge(length: UInt64, limit: Int)
    /// The header length field points past the end of the file.
    case headerExceedsFile(length: UInt64, available: Int)
    /// The header is not UTF-8, not valid JSON, or not a JSON object.
    case invalidHeader(reason: String)
    /// The `"__metadata__"` entry is not an object of strings.
    case invalidMetadata(reason: String)
    /// A tensor's header entry lacks a field or has one of the wrong type.
    case invalidTensorEntry(name: String, reason: String)
    /// The same tensor name appears twice in the header.
    case duplicateTensor(name: String)
    /// A dtype this loader cannot convert to `Float` (or does not know).
    case unsupportedDType(name: String, dtype: String)
    /// The byte range `data_offsets` does not match the shape and dtype. `expectedBytes` is nil when
    /// the shape's size overflows.
    case shapeOffsetMismatch(name: String, dtype: String, shape: [Int], expectedBytes: Int?, actualBytes: Int)
    /// `data_offsets` is not a pair `[begin, end]` of integers with `begin <= end`.
    case invalidOffsets(name: String, begin: Int, end: Int)
    /// The header describes more data bytes than the file holds.
    case truncatedBody(expectedBytes: Int, actualBytes: Int)
    /// Two tensors claim overlapping byte ranges.
    case overlappingTensors(first: String, second: String)
    /// Data bytes that no tensor covers (a hole between tensors or trailing bytes); the format forbids them.
    case unindexedBytes(offset: Int, count: Int)
    /// A tensor name the format reserves (`"__metadata__"`), passed to save.
    case reservedName(String)
    /// ``Swift/Dictionary/require(_:shape:)`` did not find the tensor.
    case missingTensor(name: String)
    /// ``Swift/Dictionary/require(_:shape:)`` found the tensor with another shape.
    case shapeMismatch(name: String, actual: [Int], expected: [Int])

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "checkpoint file not found: \(path)"
        case let .readFailed(path, reason):
            return "cannot read checkpoint \(path): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write checkpoint \(path): \(reason)"
        case let .fileTooShort(count):
            return "checkpoint is \(count) bytes long; a safetensors file starts with an 8-byte header length"
        case let .headerTooLarge(length, limit):
            return "header length \(length) bytes exceeds the \(limit)-byte limit (corrupt or not a safetensors file)"
        case let .headerExceedsFile(length, available):
            return "header length \(length) bytes is larger than the \(available) bytes that follow it in the file"
        case let .invalidHeader(reason):
            return "invalid safetensors header: \(reason)"
        case let .invalidMetadata(reason):
            return "invalid \"__metadata__\" in header: \(reason)"
        case let .invalidTensorEntry(name, reason):
            return "invalid header entry for tensor \(quoted(name)): \(reason)"
        case let .duplicateTensor(name):
            return "tensor \(quoted(name)) appears twice in the header"
        case let .unsupportedDType(name, dtype):
            return "tensor \(quoted(name)) has dtype \(quoted(dtype)), which cannot be loaded as Float "
                + "(supported: \(SafeTensors.DType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .shapeOffsetMismatch(name, dtype, shape, expected, actual):
            let need = expected.map { "\($0) bytes" } ?? "more bytes than can be addressed"
            return "tensor \(quoted(name)) with dtype \(dtype) and shape \(format(shape)) needs \(need), "
                + "but its data_offsets span \(actual) bytes"
        case let .invalidOffsets(name, begin, end):
            return "tensor \(quoted(name)) has data_offsets [\(begin),\(end)]; begin must not exceed end"
        case let .truncatedBody(expected, actual):
            return "data section is truncated: the header describes \(expected) bytes, the file holds \(actual)"
        case let .overlappingTensors(first, second):
            return "tensors \(quoted(first)) and \(quoted(second)) have overlapping data_offsets"
        case let .unindexedBytes(offset, count):
            return "data section has \(count) bytes at offset \(offset) that belong to no tensor"
        case let .reservedName(name):
            return "tensor name \(quoted(name)) is reserved by the safetensors format"
        case let .missingTensor(name):
            return "checkpoint has no tensor \(quoted(name))"
        case let .shapeMismatch(name, actual, expected):
            return "tensor \(quoted(name)) has shape \(format(actual)), expected \(format(expected))"
        }
    }
}

private func quoted(_ text: String) -> String { "\"\(text)\"" }

private func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ",") + "]" }
