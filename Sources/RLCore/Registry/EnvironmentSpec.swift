// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - EnvironmentSpec

/// How to make one registered environment: its id, its episode step limit and a constructor.
///
/// ```swift
/// try registry.register(EnvironmentSpec(id: "PointMass-v0", maxEpisodeSteps: 200) { options in
///     try PointMass(options: options)
/// })
/// ```
public struct EnvironmentSpec: Sendable {
    /// `[namespace/]Name[-vN]`, for example `Pendulum-v1` or `mylab/PointMass-v0`.
    public let id: String
    /// The step limit ``EnvironmentRegistry/make(_:options:maxEpisodeSteps:)`` applies with ``TimeLimit`` (`nil`: none).
    public var maxEpisodeSteps: Int?
    /// The average return at which the task counts as solved, if known.
    public var rewardThreshold: Float?
    /// Whether the same state and action always give the same result.
    public var isDeterministic: Bool
    /// Builds an unwrapped instance from construction options.
    public let make: @Sendable (EnvironmentOptions) throws -> any Environment<Tensor, Tensor>

    /// Creates a spec.
    /// - Throws: ``RegistryError/invalidID(_:reason:)`` when `id` is not `[namespace/]Name[-vN]` (letters,
    ///   digits, `_`, `-`, `.`, `:`; at most one `/`), and ``RegistryError/invalidMaxEpisodeSteps(id:value:)``
    ///   when `maxEpisodeSteps` is not positive.
    public init(id: String, maxEpisodeSteps: Int? = nil, rewardThreshold: Float? = nil, isDeterministic: Bool = true,
                make: @escaping @Sendable (EnvironmentOptions) throws -> any Environment<Tensor, Tensor>) throws {
        try Self.validate(id: id)
        if let maxEpisodeSteps, maxEpisodeSteps <= 0 {
            throw RegistryError.invalidMaxEpisodeSteps(id: id, value: maxEpisodeSteps)
        }
        self.id = id
        self.maxEpisodeSteps = maxEpisodeSteps
        self.rewardThreshold = rewardThreshold
        self.isDeterministic = isDeterministic
        self.make = make
    }

    /// The id without its `-vN` suffix, for example `Pendulum` for `Pendulum-v1`.
    public var name: String {
        guard let dash = id.lastIndex(of: "-") else { return id }
        let suffix = id[id.index(after: dash)...]
        guard suffix.first == "v", suffix.count > 1, suffix.dropFirst().allSatisfy(\.isNumber) else { return id }
        return String(id[..<dash])
    }

    static func validate(id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/")
        guard !id.isEmpty else { throw RegistryError.invalidID(id, reason: "the id is empty") }
        if let bad = id.first(where: { !allowed.contains($0) }) {
            throw RegistryError.invalidID(id, reason: "character '\(bad)' is not allowed (use letters, digits, _ - . :)")
        }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw RegistryError.invalidID(id, reason: "more than one '/'") }
        guard parts.allSatisfy({ !$0.isEmpty }) else {
            throw RegistryError.invalidID(id, reason: "empty namespace or name around '/'")
        }
    }
}
