// Foresight — _TestSupport
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TensorCore

// MARK: - Golden-value fixtures

/// A JSON fixture of reference values exported from PyTorch by `scripts/fixtures/torch_golden.py`
/// (the script's docstring documents the layout): named input tensors, named expected outputs
/// computed in float64, and numeric hyperparameters.
///
/// ```swift
/// let url = try #require(Bundle.module.url(forResource: "golden_mish", withExtension: "json", subdirectory: "Fixtures"))
/// let fixture = try GoldenFixture(contentsOf: url)
/// let check = fixture.compare(try fixture.input("x").mish(), to: "y", absolute: 1e-5, relative: 1e-5)
/// #expect(check.passed, "\(check)")
/// ```
public struct GoldenFixture: Decodable, Sendable {
    /// One tensor as stored: shape and row-major values.
    public struct Entry: Decodable, Sendable {
        public var shape: [Int]
        public var data: [Double]
    }

    public var name: String
    public var comment: String
    public var generator: String
    public var parameters: [String: Double]
    public var inputs: [String: Entry]
    public var outputs: [String: Entry]

    /// Reads and decodes a fixture file.
    /// - Throws: file and decoding errors, or ``GoldenFixtureError/malformed(_:)`` when an entry's
    ///   element count does not match its shape.
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(GoldenFixture.self, from: Data(contentsOf: url))
        for (key, entry) in inputs.merging(outputs, uniquingKeysWith: { a, _ in a })
        where entry.shape.reduce(1, *) != entry.data.count || entry.shape.contains(where: { $0 < 0 }) {
            throw GoldenFixtureError.malformed("\(name): \(key) has shape \(entry.shape) but \(entry.data.count) values")
        }
    }

    /// The input called `key` as a `Float` tensor (inputs are exact float32 values).
    /// - Throws: ``GoldenFixtureError/missing(_:)``.
    public func input(_ key: String) throws -> Tensor {
        guard let entry = inputs[key] else { throw GoldenFixtureError.missing("\(name): no input \"\(key)\"") }
        return Tensor(shape: entry.shape, scalars: entry.data.map { Float($0) })
    }

    /// The expected output called `key`.
    /// - Throws: ``GoldenFixtureError/missing(_:)``.
    public func output(_ key: String) throws -> Entry {
        guard let entry = outputs[key] else { throw GoldenFixtureError.missing("\(name): no output \"\(key)\"") }
        return entry
    }

    /// The hyperparameter called `key`.
    /// - Throws: ``GoldenFixtureError/missing(_:)``.
    public func parameter(_ key: String) throws -> Double {
        guard let value = parameters[key] else { throw GoldenFixtureError.missing("\(name): no parameter \"\(key)\"") }
        return value
    }

    /// Compares `actual` with the expected output `key`: shapes must be equal and every element must
    /// satisfy `|actual - expected| <= absolute + relative * |expected|`.
    public func compare(_ actual: Tensor, to key: String, absolute: Double, relative: Double) -> GoldenComparison {
        guard let expected = outputs[key] else {
            return GoldenComparison(label: "\(name).\(key)", failure: "the fixture has no output \"\(key)\"")
        }
        return compare(actual, to: expected, label: "\(name).\(key)", absolute: absolute, relative: relative)
    }

    /// Compares `actual` with an expected entry (for instance some ``Entry/rows(_:)`` of an output).
    public func compare(_ actual: Tensor, to expected: Entry, label: String, absolute: Double, relative: Double) -> GoldenComparison {
        GoldenComparison(label: label, actual: actual, expected: expected, absolute: absolute, relative: relative)
    }
}

extension GoldenFixture.Entry {
    /// The rows `range` along the first axis.
    /// - Precondition: rank >= 1 and `range` lies within the first axis.
    public func rows(_ range: Range<Int>) -> Self {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0], "rows \(range) out of bounds for \(shape)")
        let width = shape.dropFirst().reduce(1, *)
        return Self(shape: [range.count] + shape.dropFirst(), data: Array(data[range.lowerBound * width..<range.upperBound * width]))
    }
}

/// Why a fixture could not be used.
public enum GoldenFixtureError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(String)
    public var description: String {
        switch self {
        case .missing(let message), .malformed(let message): message
        }
    }
}

// MARK: - Comparison

/// The result of comparing a tensor with golden values; its description names the worst element.
public struct GoldenComparison: CustomStringConvertible, Sendable {
    /// Whether the shapes match and every element is within tolerance.
    public private(set) var passed: Bool
    /// The largest `|actual - expected| / (absolute + relative * |expected|)`; at most 1 when passing.
    public private(set) var worstRatio: Double
    public private(set) var description: String

    private init(passed: Bool, worstRatio: Double, description: String) {
        self.passed = passed
        self.worstRatio = worstRatio
        self.description = description
    }

    init(label: String, failure: String) {
        self.init(passed: false, worstRatio: .infinity, description: "\(label): \(failure)")
    }

    init(label: String, actual: Tensor, expected: GoldenFixture.Entry, absolute: Double, relative: Double) {
        guard actual.shape == expected.shape else {
            self.init(label: label, failure: "shape \(actual.shape), expected \(expected.shape)")
            return
        }
        var worst = (ratio: 0.0, index: 0)
        for (i, (a, e)) in zip(actual.scalars, expected.data).enumerated() {
            let ratio = Swift.abs(Double(a) - e) / (absolute + relative * Swift.abs(e))
            if !(ratio <= worst.ratio) { worst = (ratio.isNaN ? .infinity : ratio, i) }  // NaN counts as a failure
        }
        let a = actual.scalars.isEmpty ? 0 : Double(actual.scalars[worst.index])
        let e = expected.data.isEmpty ? 0 : expected.data[worst.index]
        self.init(passed: worst.ratio <= 1, worstRatio: worst.ratio,
                  description: "\(label): worst element \(worst.index) of \(expected.data.count) is \(a), expected \(e) "
                      + "(\(String(format: "%.3g", worst.ratio))x the tolerance \(absolute) + \(relative)·|expected|)")
    }
}
