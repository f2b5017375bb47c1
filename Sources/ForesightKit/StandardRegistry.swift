// Foresight — ForesightKit
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - The standard registry

extension EnvironmentRegistry {
    /// Every environment family that ships with Foresight. The umbrella is the only target that imports
    /// every family, so the standard registry lives here. Copy it and register your own environments:
    /// ```swift
    /// var registry = EnvironmentRegistry.standard
    /// try registry.register(EnvironmentSpec(id: "PointMass-v0", maxEpisodeSteps: 200) { _ in PointMass() })
    /// ```
    public static let standard: EnvironmentRegistry = {
        var registry = EnvironmentRegistry()
        do {
            try ClassicControlFamily.register(into: &registry)
            try CountingFamily.register(into: &registry)
            try GymMuJoCoFamily.register(into: &registry)
            // Further families register here, one line each.
        } catch {
            // The families' ids are fixed and distinct; a duplicate is a programming error.
            preconditionFailure("EnvironmentRegistry.standard: \(error)")
        }
        return registry
    }()
}
