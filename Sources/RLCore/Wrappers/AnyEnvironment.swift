// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - AnyEnvironment

/// A concrete environment type around an existential `any Environment<Observation, Action>`, so that
/// generic wrappers can be applied to environments made by a registry:
/// ```swift
/// let env = try registry.make("Pendulum-v1")
/// var stats = RecordEpisodeStatistics(AnyEnvironment(env))
/// ```
public struct AnyEnvironment<Observation, Action>: Environment {
    /// The wrapped environment.
    public var wrapped: any Environment<Observation, Action>

    /// Wraps `environment`; an `AnyEnvironment` passed in is unwrapped rather than nested.
    public init(_ environment: any Environment<Observation, Action>) {
        if let erased = environment as? AnyEnvironment<Observation, Action> {
            wrapped = erased.wrapped
        } else {
            wrapped = environment
        }
    }

    public var observationSpace: AnySpace<Observation> { AnySpace(wrapped.observationSpace) }
    public var actionSpace: AnySpace<Action> { AnySpace(wrapped.actionSpace) }
    public var metadata: EnvironmentMetadata { wrapped.metadata }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try wrapped.reset(seed: seed, options: options)
    }

    public mutating func step(_ action: Action) throws -> Step<Observation> { try wrapped.step(action) }

    public mutating func render(_ mode: RenderMode) throws -> RenderOutput? { try wrapped.render(mode) }

    public mutating func close() { wrapped.close() }
}
