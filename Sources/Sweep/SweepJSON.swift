// Foresight — Sweep
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - JSON values of a sweep description

/// A JSON value as a sweep description holds it: axis values, the base run configuration, study settings.
/// Objects keep their keys sorted when encoded, so a configuration written twice is byte-for-byte the same.
public enum SweepJSON: Codable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([SweepJSON])
    case object([String: SweepJSON])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) { self = .double(d) } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([SweepJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: SweepJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The value as JSON text (keys sorted), as a `--set NAME=VALUE` or an error message shows it.
    public var description: String {
        if case .string(let s) = self { return s }
        return jsonText
    }

    /// Compact JSON text with sorted keys.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "?" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A short name of the kind of value, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a Boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// This object with `value` stored at the dotted `path` (`"agent.horizon"`); intermediate objects are created.
    /// - Throws: ``SweepError/invalid(_:value:expected:)`` when a step of the path holds something other than an object.
    func setting(_ path: [String], to value: SweepJSON, fullKey: String) throws -> SweepJSON {
        guard let head = path.first else { return value }
        guard case .object(var members) = self else {
            throw SweepError.invalid(fullKey, value: jsonText, expected: "an object to hold \"\(head)\"")
        }
        members[head] = try (members[head] ?? .object([:])).setting(Array(path.dropFirst()), to: value, fullKey: fullKey)
        return .object(members)
    }
}

// MARK: - Errors

/// A sweep description, sweep directory or run directory that cannot be used, naming the key or file and the value.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    /// `key` holds `value`, which is not what was expected.
    case invalid(String, value: String, expected: String)
    /// A file of the sweep that is missing or unreadable.
    case file(String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(key, value, expected): "\(key) is \(value): expected \(expected)"
        case let .file(path, reason): "\(path): \(reason)"
        }
    }
}
