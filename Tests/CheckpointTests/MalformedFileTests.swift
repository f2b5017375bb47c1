// Foresight — CheckpointTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Checkpoint

// MARK: - One case per error

/// A hand-made bad file, the exact error it must raise and a fragment its message must contain.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var label: String
    var data: Data
    var expected: CheckpointError?
    var messageFragment: String
    var testDescription: String { label }
}

private func entry(_ name: String, _ dtype: String = "F32", shape: String, offsets: String) -> String {
    #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
}

private let malformedCases: [MalformedCase] = [
    MalformedCase(label: "empty file", data: Data(), expected: .fileTooShort(byteCount: 0),
                  messageFragment: "8-byte header length"),
    MalformedCase(label: "header length UInt64.max", data: makeFile(header: "{}", declaredLength: .max),
                  expected: .headerTooLarge(length: .max, limit: 100_000_000), messageFragment: "exceeds the 100000000-byte limit"),
    MalformedCase(label: "header length just over the cap", data: makeFile(header: "{}", declaredLength: 100_000_001),
                  expected: .headerTooLarge(length: 100_000_001, limit: 100_000_000), messageFragment: "limit"),
    MalformedCase(label: "header length past end of file", data: makeFile(header: "{}", declaredLength: 3),
                  expected: .headerExceedsFile(length: 3, available: 2), messageFragment: "larger than the 2 bytes"),
    MalformedCase(label: "empty header", data: makeFile(header: ""),
                  expected: .invalidHeader(reason: "the header is empty"), messageFragment: "empty"),
    MalformedCase(label: "array header", data: makeFile(header: "[]"),
                  expected: .invalidHeader(reason: "the header does not start with '{'"), messageFragment: "'{'"),
    MalformedCase(label: "unterminated JSON", data: makeFile(header: #"{"a":"#), expected: nil,
                  messageFragment: "not valid JSON: unexpected end of input"),
    MalformedCase(label: "trailing garbage after JSON", data: makeFile(header: "{} x"), expected: nil,
                  messageFragment: "unexpected data after the JSON value at byte 3"),
    MalformedCase(label: "invalid UTF-8", data: makeFile(headerBytes: Array(#"{""#.utf8) + [0xFF] + Array(#"":1}"#.utf8)),
                  expected: .invalidHeader(reason: "the header is not valid UTF-8"), messageFragment: "UTF-8"),
    MalformedCase(label: "deep nesting", data: makeFile(header: #"{"a":"# + String(repeating: "[", count: 100_000)),
                  expected: nil, messageFragment: "nesting deeper than"),
    MalformedCase(label: "entry is a number", data: makeFile(header: #"{"a":3}"#),
                  expected: .invalidTensorEntry(name: "a", reason: "expected an object, found a number"), messageFragment: #"tensor "a""#),
    MalformedCase(label: "missing dtype", data: makeFile(header: #"{"a":{"shape":[],"data_offsets":[0,4]}}"#, body: [0, 0, 0, 0]),
                  expected: .invalidTensorEntry(name: "a", reason: "missing \"dtype\""), messageFragment: "missing \"dtype\""),
    MalformedCase(label: "negative extent", data: makeFile(header: "{" + entry("a", shape: "[-1]", offsets: "[0,4]") + "}"),
                  expected: nil, messageFragment: "non-negative integers"),
    MalformedCase(label: "fractional extent", data: makeFile(header: "{" + entry("a", shape: "[1.0]", offsets: "[0,4]") + "}"),
                  expected: nil, messageFragment: "\"shape\" must be"),
    MalformedCase(label: "three offsets", data: makeFile(header: "{" + entry("a", shape: "[1]", offsets: "[0,4,8]") + "}"),
                  expected: nil, messageFragment: "\"data_offsets\" must be [begin, end]"),
    MalformedCase(label: "offset beyond Int", data: makeFile(header: "{" + entry("a", shape: "[1]", offsets: "[0,18446744073709551616]") + "}"),
                  expected: nil, messageFragment: "\"data_offsets\" must be"),
    MalformedCase(label: "shape disagrees with offsets",
                  data: makeFile(header: "{" + entry("w", shape: "[2,3]", offsets: "[0,20]") + "}", body: Array(repeating: 0, count: 20)),
                  expected: .shapeOffsetMismatch(name: "w", dtype: "F32", shape: [2, 3], expectedBytes: 24, actualBytes: 20),
                  messageFragment: #"tensor "w" with dtype F32 and shape [2,3] needs 24 bytes, but its data_offsets span 20 bytes"#),
    MalformedCase(label: "shape size overflows",
                  data: makeFile(header: "{" + entry("w", shape: "[4611686018427387904,4]", offsets: "[0,4]") + "}", body: [0, 0, 0, 0]),
                  expected: .shapeOffsetMismatch(name: "w", dtype: "F32", shape: [4_611_686_018_427_387_904, 4], expectedBytes: nil, actualBytes: 4),
                  messageFragment: "more bytes than can be addressed"),
    MalformedCase(label: "begin after end", data: makeFile(header: "{" + entry("w", shape: "[1]", offsets: "[8,4]") + "}"),
                  expected: .invalidOffsets(name: "w", begin: 8, end: 4), messageFragment: "begin must not exceed end"),
    MalformedCase(label: "huge tensor in a tiny file",
                  data: makeFile(header: "{" + entry("w", shape: "[1099511627776]", offsets: "[0,4398046511104]") + "}"),
                  expected: .truncatedBody(expectedBytes: 4_398_046_511_104, actualBytes: 0), messageFragment: "truncated"),
    MalformedCase(label: "truncated body",
                  data: makeFile(header: "{" + entry("w", shape: "[6]", offsets: "[0,24]") + "}", body: Array(repeating: 0, count: 20)),
                  expected: .truncatedBody(expectedBytes: 24, actualBytes: 20),
                  messageFragment: "the header describes 24 bytes, the file holds 20"),
    MalformedCase(label: "overlapping tensors",
                  data: makeFile(header: "{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", shape: "[2]", offsets: "[4,12]") + "}",
                                 body: Array(repeating: 0, count: 12)),
                  expected: .overlappingTensors(first: "a", second: "b"), messageFragment: "overlapping"),
    MalformedCase(label: "hole between tensors",
                  data: makeFile(header: "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[8,12]") + "}",
                                 body: Array(repeating: 0, count: 12)),
                  expected: .unindexedBytes(offset: 4, count: 4), messageFragment: "4 bytes at offset 4 that belong to no tensor"),
    MalformedCase(label: "trailing bytes",
                  data: makeFile(header: "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "}", body: Array(repeating: 0, count: 8)),
                  expected: .unindexedBytes(offset: 4, count: 4), messageFragment: "belong to no tensor"),
    MalformedCase(label: "duplicate tensor",
                  data: makeFile(header: "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("a", shape: "[1]", offsets: "[4,8]") + "}",
                                 body: Array(repeating: 0, count: 8)),
                  expected: .duplicateTensor(name: "a"), messageFragment: "appears twice"),
    MalformedCase(label: "metadata not an object", data: makeFile(header: #"{"__metadata__":[]}"#),
                  expected: .invalidMetadata(reason: "expected an object, found an array"), messageFragment: "__metadata__"),
    MalformedCase(label: "metadata value not a string", data: makeFile(header: #"{"__metadata__":{"step":3}}"#),
                  expected: .invalidMetadata(reason: "value of \"step\" must be a string, found a number"), messageFragment: "\"step\""),
]

@Suite struct MalformedFileTests {
    @Test(arguments: malformedCases)
    func malformedFileThrowsTheNamedError(_ testCase: MalformedCase) throws {
        let error = try #require(loadError(testCase.data), "\(testCase.label) loaded without error")
        if let expected = testCase.expected { #expect(error == expected) }
        #expect(error.description.contains(testCase.messageFragment), "message was: \(error.description)")
    }

    @Test func emptyTensorListIsAValidFile() throws {
        let loaded = try SafeTensors.loadData(makeFile(header: "{}      "))
        #expect(loaded.tensors.isEmpty && loaded.metadata.isEmpty)
    }

    @Test func zeroSizedTensorsMayShareAnOffset() throws {
        let header = "{" + entry("a", shape: "[0]", offsets: "[4,4]") + "," + entry("b", shape: "[1]", offsets: "[0,4]") + ","
            + entry("c", shape: "[0,7]", offsets: "[4,4]") + "}"
        let loaded = try SafeTensors.loadData(makeFile(header: header, body: float32Bytes([2.5])))
        #expect(loaded.tensors["b"] == Tensor([2.5]))
        #expect(loaded.tensors["c"]?.shape == [0, 7])
    }

    @Test func jsonEscapesAndWhitespaceAreAccepted() throws {
        let header = "{ \"w\\u00e9\\\"\" : { \"data_offsets\" : [ 0 , 4 ] , \"shape\" : [ 1 ] , \"dtype\" : \"F32\", \"extra\": null } ,"
            + " \"__metadata__\": {\"emoji\": \"\\ud83d\\ude00\"} }\n\t  "
        let loaded = try SafeTensors.loadData(makeFile(header: header, body: float32Bytes([7])))
        #expect(loaded.tensors["wé\""] == Tensor([7]))
        #expect(loaded.metadata == ["emoji": "😀"])
    }

    @Test(arguments: [#""\ud800""#, #""\udc00x""#, #""\x""#, "\"a\u{01}\"", #""\u12""#, "tru", "01", "-", "1.", "1e", "[1,]", "{\"a\" 1}"])
    func invalidJSONIsRejected(_ value: String) {
        let error = loadError(makeFile(header: #"{"__metadata__":{"k":"# + value + "}}"))
        guard case .invalidHeader(let reason)? = error else {
            Issue.record("expected invalidHeader for \(value), got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("not valid JSON: "))
    }
}
