// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - EnvironmentRegistry

/// A set of environment specs keyed by id: a value, not a global mutable dictionary.
///
/// Each environment family exposes `register(into: &registry)`; the umbrella target defines
/// `EnvironmentRegistry.standard` with every family. A user registers their own environments the same way:
/// ```swift
/// var registry = EnvironmentRegistry.standard
/// try registry.register(EnvironmentSpec(id: "PointMass-v0", maxEpisodeSteps: 200) { _ in PointMass() })
/// var env = try registry.make("PointMass-v0")
/// ```
public struct EnvironmentRegistry: Sendable {
    private var specsByID: [String: EnvironmentSpec] = [:]

    /// An empty registry.
    public init() {}

    /// Adds `spec`.
    /// - Throws: ``RegistryError/duplicateID(_:)`` when the id is already registered.
    public mutating func register(_ spec: EnvironmentSpec) throws {
        guard specsByID[spec.id] == nil else { throw RegistryError.duplicateID(spec.id) }
        specsByID[spec.id] = spec
    }

    /// Every registered id, sorted.
    public var ids: [String] { specsByID.keys.sorted() }

    /// Every registered spec, sorted by id.
    public var specs: [EnvironmentSpec] { ids.compactMap { specsByID[$0] } }

    /// Whether `id` is registered.
    public func contains(_ id: String) -> Bool { specsByID[id] != nil }

    /// The spec registered under `id`.
    /// - Throws: ``RegistryError/unknownID(_:suggestions:)`` with the closest registered ids.
    public func spec(_ id: String) throws -> EnvironmentSpec {
        guard let spec = specsByID[id] else {
            throw RegistryError.unknownID(id, suggestions: suggestions(for: id))
        }
        return spec
    }

    /// Makes the environment registered under `id`, wrapped as
    /// `OrderEnforcing<TimeLimit<Environment>>` (the time limit only when there is a step limit).
    /// - Parameters:
    ///   - id: a registered id, e.g. `"Pendulum-v1"`.
    ///   - options: construction options passed to the spec's constructor.
    ///   - maxEpisodeSteps: overrides the spec's step limit when non-nil.
    /// - Throws: ``RegistryError/unknownID(_:suggestions:)``, ``RegistryError/invalidMaxEpisodeSteps(id:value:)``,
    ///   or whatever the constructor throws for bad options.
    public func make(_ id: String, options: EnvironmentOptions = [:], maxEpisodeSteps: Int? = nil) throws
        -> any Environment<Tensor, Tensor>
    {
        let spec = try spec(id)
        if let maxEpisodeSteps, maxEpisodeSteps <= 0 {
            throw RegistryError.invalidMaxEpisodeSteps(id: id, value: maxEpisodeSteps)
        }
        let environment = try spec.make(options)
        return Self.standardWrapping(environment, maxEpisodeSteps: maxEpisodeSteps ?? spec.maxEpisodeSteps)
    }

    private static func standardWrapping<E: Environment<Tensor, Tensor>>(_ environment: E, maxEpisodeSteps: Int?)
        -> any Environment<Tensor, Tensor>
    {
        if let maxEpisodeSteps {
            return OrderEnforcing(TimeLimit(environment, maxEpisodeSteps: maxEpisodeSteps))
        }
        return OrderEnforcing(environment)
    }

    // MARK: Suggestions

    /// Up to three registered ids closest to `id` by case-insensitive edit distance (only reasonably close ones).
    public func suggestions(for id: String) -> [String] {
        let query = id.lowercased()
        return closestNames(to: id, among: specsByID.keys) { candidate in
            // "cartpole" should find "CartPole-v1": compare with the name without its version too.
            let full = editDistance(query, candidate.lowercased())
            return specsByID[candidate].map { Swift.min(full, editDistance(query, $0.name.lowercased()) + 1) } ?? full
        }
    }
}

/// Up to `count` of `candidates` closest to `query`, nearest first (ties by name), keeping only reasonably close
/// ones: at most `max(3, query.count / 3)` edits. `distance` scores a candidate (default: case-insensitive
/// edit distance to `query`). Suggestions for a misspelt id or key.
public func closestNames(to query: String, among candidates: some Sequence<String>, count: Int = 3,
                         distance: ((String) -> Int)? = nil) -> [String] {
    let lowered = query.lowercased(), limit = Swift.max(3, lowered.count / 3)
    let scored = candidates.map { (distance: distance?($0) ?? editDistance(lowered, $0.lowercased()), name: $0) }
        .filter { $0.distance <= limit }
        .sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
    return scored.prefix(count).map(\.name)
}

/// Levenshtein distance between two strings (insertions, deletions and substitutions of characters).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = Swift.min(substitution, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

// MARK: - Errors

/// Errors from registering or making environments.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    /// No spec has this id; `suggestions` are the closest registered ids (possibly empty).
    case unknownID(String, suggestions: [String])
    /// A spec with this id is already registered.
    case duplicateID(String)
    /// The id is not of the form `[namespace/]Name[-vN]`.
    case invalidID(String, reason: String)
    /// A step limit that is not positive.
    case invalidMaxEpisodeSteps(id: String, value: Int)

    public var description: String {
        switch self {
        case .unknownID(let id, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean: \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
            return "No environment registered with id '\(id)'.\(hint)"
        case .duplicateID(let id):
            return "An environment with id '\(id)' is already registered"
        case .invalidID(let id, let reason):
            return "Invalid environment id '\(id)': \(reason); expected [namespace/]Name[-vN]"
        case .invalidMaxEpisodeSteps(let id, let value):
            return "Invalid maxEpisodeSteps \(value) for '\(id)': expected a positive number of steps"
        }
    }
}
