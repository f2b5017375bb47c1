// Foresight — Checkpoint
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - DType

extension SafeTensors {
    /// The element types the loader converts to `Float`. Others in the format (`F8_E4M3`, `F8_E5M2`, ...)
    /// are rejected with ``CheckpointError/unsupportedDType(name:dtype:)``.
    ///
    /// Conversions: `F64` and the 64-bit integers round to the nearest `Float`; `F16` and `BF16` are exact;
    /// `BOOL` becomes 0 or 1.
    public enum DType: String, CaseIterable, Sendable {
        case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
        case bool = "BOOL"

        /// Bytes per element.
        public var byteWidth: Int {
            switch self {
            case .f64, .i64, .u64: 8
            case .f32, .i32, .u32: 4
            case .f16, .bf16, .i16, .u16: 2
            case .i8, .u8, .bool: 1
            }
        }

        /// Converts little-endian elements to `Float`. `bytes.count` must be a multiple of ``byteWidth``.
        func decode(_ bytes: UnsafeRawBufferPointer) -> [Float] {
            let n = bytes.count / byteWidth
            func word<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                T(littleEndian: bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            }
            switch self {
            case .f32:
                #if _endian(little)
                return [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
                    if n > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes) }
                    initialized = n
                }
                #else
                return (0..<n).map { Float(bitPattern: word($0, UInt32.self)) }
                #endif
            case .f64: return (0..<n).map { Float(Double(bitPattern: word($0, UInt64.self))) }
            case .f16: return (0..<n).map { halfToFloat(word($0, UInt16.self)) }
            case .bf16: return (0..<n).map { Float(bitPattern: UInt32(word($0, UInt16.self)) << 16) }
            case .i64: return (0..<n).map { Float(word($0, Int64.self)) }
            case .i32: return (0..<n).map { Float(word($0, Int32.self)) }
            case .i16: return (0..<n).map { Float(word($0, Int16.self)) }
            case .i8: return (0..<n).map { Float(Int8(bitPattern: bytes[$0])) }
            case .u64: return (0..<n).map { Float(word($0, UInt64.self)) }
            case .u32: return (0..<n).map { Float(word($0, UInt32.self)) }
            case .u16: return (0..<n).map { Float(word($0, UInt16.self)) }
            case .u8: return (0..<n).map { Float(bytes[$0]) }
            case .bool: return (0..<n).map { bytes[$0] == 0 ? 0 : 1 }
            }
        }
    }
}

/// IEEE 754 binary16 to binary32 (exact), without relying on `Float16` availability.
func halfToFloat(_ h: UInt16) -> Float {
    let sign: UInt32 = UInt32(h >> 15) << 31
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0:  // zero or subnormal: mantissa * 2^-24
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:  // infinity or NaN
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }
}

// MARK: - File layout

/// A validated view of a safetensors file: every entry's byte range lies inside the data section, the
/// ranges tile it exactly, and each range matches its shape and dtype.
struct FileLayout {
    struct Entry {
        var name: String
        var dtype: SafeTensors.DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Offset of the data section from the start of the file.
    let bodyStart: Int
    let entries: [Entry]
    let metadata: [String: String]

    init(parsing raw: UnsafeRawBufferPointer) throws(CheckpointError) {
        guard raw.count >= 8 else { throw .fileTooShort(byteCount: raw.count) }
        let declared = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(SafeTensors.maximumHeaderLength) else {
            throw .headerTooLarge(length: declared, limit: SafeTensors.maximumHeaderLength)
        }
        let headerLength = Int(declared)  // <= 100 MB, so it fits
        guard headerLength <= raw.count - 8 else { throw .headerExceedsFile(length: declared, available: raw.count - 8) }
        bodyStart = 8 + headerLength
        let headerBytes = Array(raw[8..<bodyStart])
        (entries, metadata) = try Self.parseHeader(headerBytes)
        try Self.checkTiling(entries, bodySize: raw.count - bodyStart)
    }

    private static func parseHeader(_ bytes: [UInt8]) throws(CheckpointError) -> ([Entry], [String: String]) {
        guard bytes.first == UInt8(ascii: "{") else {
            throw .invalidHeader(reason: bytes.isEmpty ? "the header is empty" : "the header does not start with '{'")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidHeader(reason: "the header is not valid UTF-8") }
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .invalidHeader(reason: "not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let members) = root else { throw .invalidHeader(reason: "expected a JSON object, found \(root.kindName)") }

        var entries: [Entry] = []
        var seen = Set<String>()
        var metadata: [String: String]?
        for member in members {
            let (name, value) = (member.key, member.value)
            if name == SafeTensors.metadataKey {
                guard metadata == nil else { throw .invalidMetadata(reason: "the key appears twice") }
                metadata = try parseMetadata(value)
                continue
            }
            guard seen.insert(name).inserted else { throw .duplicateTensor(name: name) }
            entries.append(try parseEntry(name: name, value))
        }
        return (entries, metadata ?? [:])
    }

    private static func parseMetadata(_ value: JSONValue) throws(CheckpointError) -> [String: String] {
        guard case .object(let members) = value else { throw .invalidMetadata(reason: "expected an object, found \(value.kindName)") }
        var result: [String: String] = [:]
        for member in members {
            let (key, item) = (member.key, member.value)
            guard case .string(let text) = item else {
                throw .invalidMetadata(reason: "value of \"\(key)\" must be a string, found \(item.kindName)")
            }
            guard result.updateValue(text, forKey: key) == nil else { throw .invalidMetadata(reason: "key \"\(key)\" appears twice") }
        }
        return result
    }

    private static func parseEntry(name: String, _ value: JSONValue) throws(CheckpointError) -> Entry {
        guard case .object(let fields) = value else {
            throw .invalidTensorEntry(name: name, reason: "expected an object, found \(value.kindName)")
        }
        func field(_ key: String) throws(CheckpointError) -> JSONValue {
            let matches = fields.filter { $0.key == key }
            guard matches.count == 1 else {
                throw .invalidTensorEntry(name: name, reason: matches.isEmpty ? "missing \"\(key)\"" : "\"\(key)\" appears twice")
            }
            return matches[0].value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw .invalidTensorEntry(name: name, reason: "\"dtype\" must be a string")
        }
        guard case .array(let shapeValues) = try field("shape") else {
            throw .invalidTensorEntry(name: name, reason: "\"shape\" must be an array of non-negative integers")
        }
        var shape: [Int] = []
        for extent in shapeValues {
            guard let n = extent.nonNegativeInt else {
                throw .invalidTensorEntry(name: name, reason: "\"shape\" must be an array of non-negative integers")
            }
            shape.append(n)
        }
        guard case .array(let offsetValues) = try field("data_offsets"), offsetValues.count == 2,
              let begin = offsetValues[0].nonNegativeInt, let end = offsetValues[1].nonNegativeInt else {
            throw .invalidTensorEntry(name: name, reason: "\"data_offsets\" must be [begin, end] with non-negative integers")
        }
        guard let dtype = SafeTensors.DType(rawValue: dtypeName) else { throw .unsupportedDType(name: name, dtype: dtypeName) }
        guard begin <= end else { throw .invalidOffsets(name: name, begin: begin, end: end) }

        var expectedBytes: Int? = dtype.byteWidth
        for extent in shape {
            guard let bytes = expectedBytes else { break }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
            expectedBytes = overflow ? nil : product
        }
        guard expectedBytes == end - begin else {
            throw .shapeOffsetMismatch(name: name, dtype: dtypeName, shape: shape, expectedBytes: expectedBytes, actualBytes: end - begin)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// Checks that the byte ranges lie inside the data section and cover it without overlaps or holes.
    private static func checkTiling(_ entries: [Entry], bodySize: Int) throws(CheckpointError) {
        let declaredEnd = entries.map(\.end).max() ?? 0
        guard declaredEnd <= bodySize else { throw .truncatedBody(expectedBytes: declaredEnd, actualBytes: bodySize) }
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        var previous: String?
        for entry in ordered {
            if entry.begin < cursor, let previous { throw .overlappingTensors(first: previous, second: entry.name) }
            if entry.begin > cursor { throw .unindexedBytes(offset: cursor, count: entry.begin - cursor) }
            cursor = entry.end
            previous = entry.name
        }
        if cursor < bodySize { throw .unindexedBytes(offset: cursor, count: bodySize - cursor) }
    }
}
