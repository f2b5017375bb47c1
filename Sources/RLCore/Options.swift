// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Option values

/// A value passed to an environment's constructor or to `reset`: a number, a string, a Boolean or an array.
///
/// Literals work directly: `["initialState": [0.1, 0, -0.05, 0], "gravity": 9.8, "mode": "hard"]`.
public enum OptionValue: Sendable, Hashable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case array([OptionValue])

    /// The value as a `Double`, when it is a number.
    public var number: Double? { if case .number(let v) = self { v } else { nil } }
    /// The value as a `String`, when it is a string.
    public var string: String? { if case .string(let v) = self { v } else { nil } }
    /// The value as a `Bool`, when it is a Boolean.
    public var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    /// The elements, when the value is an array.
    public var array: [OptionValue]? { if case .array(let v) = self { v } else { nil } }
    /// The elements as numbers, when the value is an array of numbers.
    public var numbers: [Double]? {
        guard let array else { return nil }
        var result: [Double] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let v = element.number else { return nil }
            result.append(v)
        }
        return result
    }
}

extension OptionValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: OptionValue...) { self = .array(elements) }
    /// An array of numbers.
    public init(_ numbers: [Double]) { self = .array(numbers.map(OptionValue.number)) }
}

extension OptionValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .bool(let v): "\(v)"
        case .array(let v): "[" + v.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

extension OptionValue: Codable {
    /// Decodes from the matching JSON value (number, string, Boolean or array).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let v = try? container.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? container.decode(Double.self) {
            self = .number(v)
        } else if let v = try? container.decode(String.self) {
            self = .string(v)
        } else if let v = try? container.decode([OptionValue].self) {
            self = .array(v)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number, string, Boolean or array")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        }
    }
}

// MARK: - Option dictionaries

/// Options for constructing an environment (`EnvironmentRegistry.make(_:options:)`).
public typealias EnvironmentOptions = [String: OptionValue]

/// Options for `Environment.reset(seed:options:)`; Gymnasium's `options` dict.
public typealias ResetOptions = [String: OptionValue]

/// Well-known option keys.
public enum OptionKey {
    /// `reset` option: the full internal state to start from, as an array of numbers. For the classic-control
    /// environments it is the vector Gymnasium keeps in `env.unwrapped.state`.
    public static let initialState = "initialState"
}

extension Dictionary where Key == String, Value == OptionValue {
    /// The number stored under `key`, or `nil` when the key is absent.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` when the value is not a number, or not a finite
    ///   number within Float32's range (the environments compute in Float32: `-1e39` would become `-inf`).
    public func number(_ key: String) throws -> Double? {
        guard let value = self[key] else { return nil }
        guard let v = value.number else {
            throw EnvironmentError.invalidOption(key: key, message: "expected a number, got \(value)")
        }
        guard Self.isFiniteFloat(v) else {
            throw EnvironmentError.invalidOption(key: key, message: "expected a finite number within ±\(Float.greatestFiniteMagnitude) (Float32), got \(v)")
        }
        return v
    }

    /// Whether `v` is finite and stays finite as a Float32.
    static func isFiniteFloat(_ v: Double) -> Bool { v.isFinite && Swift.abs(v) <= Double(Float.greatestFiniteMagnitude) }

    /// The numbers stored under `key` as an array, or `nil` when the key is absent.
    /// - Parameter count: the required length, if any.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` when the value is not an array of
    ///   numbers, has the wrong length, or holds a number that is not finite as a Float32.
    public func numbers(_ key: String, count: Int? = nil) throws -> [Double]? {
        guard let value = self[key] else { return nil }
        guard let v = value.numbers else {
            throw EnvironmentError.invalidOption(key: key, message: "expected an array of numbers, got \(value)")
        }
        if let count, v.count != count {
            throw EnvironmentError.invalidOption(key: key, message: "expected \(count) numbers, got \(v.count): \(value)")
        }
        if let bad = v.first(where: { !Self.isFiniteFloat($0) }) {
            throw EnvironmentError.invalidOption(key: key, message: "expected finite numbers within ±\(Float.greatestFiniteMagnitude) (Float32), got \(bad)")
        }
        return v
    }

    /// The string stored under `key`, or `nil` when the key is absent.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` when the value is not a string.
    public func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard let v = value.string else {
            throw EnvironmentError.invalidOption(key: key, message: "expected a string, got \(value)")
        }
        return v
    }

    /// The Boolean stored under `key`, or `nil` when the key is absent.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` when the value is not a Boolean.
    public func bool(_ key: String) throws -> Bool? {
        guard let value = self[key] else { return nil }
        guard let v = value.bool else {
            throw EnvironmentError.invalidOption(key: key, message: "expected a Boolean, got \(value)")
        }
        return v
    }
}
