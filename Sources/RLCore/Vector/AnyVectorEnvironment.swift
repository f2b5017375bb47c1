// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - AnyVectorEnvironment

/// A concrete vector environment type around an existential `any VectorEnvironment`, so that generic vector
/// wrappers apply to what ``EnvironmentRegistry/make(_:count:options:maxEpisodeSteps:autoresetMode:execution:)``
/// returns:
/// ```swift
/// var envs = AnyVectorEnvironment(try registry.make("Pendulum-v1", count: 8)).recordingEpisodeStatistics()
/// ```
public struct AnyVectorEnvironment: VectorEnvironment {
    /// The wrapped vector environment.
    public var wrapped: any VectorEnvironment

    /// Wraps `environment`; an `AnyVectorEnvironment` passed in is unwrapped rather than nested.
    public init(_ environment: any VectorEnvironment) {
        wrapped = (environment as? AnyVectorEnvironment)?.wrapped ?? environment
    }

    public var count: Int { wrapped.count }
    public var autoresetMode: AutoresetMode { wrapped.autoresetMode }
    public var singleObservationSpace: AnySpace<Tensor> { wrapped.singleObservationSpace }
    public var singleActionSpace: AnySpace<Tensor> { wrapped.singleActionSpace }

    public mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?) throws -> VectorReset {
        try wrapped.reset(seeds: seeds, options: options, mask: mask)
    }

    public mutating func step(_ actions: Tensor) throws -> VectorStep { try wrapped.step(actions) }

    public mutating func close() { wrapped.close() }
}
