// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - SyncVectorEnvironment

/// `N` environments stepped one after another on the calling thread: Gymnasium's `SyncVectorEnv`.
///
/// ```swift
/// var envs = try SyncVectorEnvironment((0..<4).map { _ in try registry.make("CartPole-v1") }, autoresetMode: .sameStep)
/// ```
/// A value: copying it copies the sub-environments (a snapshot, when they are structs).
public struct SyncVectorEnvironment: VectorEnvironment {
    var core: VectorCore

    /// Vectorises `environments` (all with equal spaces).
    /// - Throws: ``VectorEnvironmentError/invalidCount(_:)`` for an empty list,
    ///   ``VectorEnvironmentError/mismatchedSpaces(index:_:)`` when the spaces differ.
    public init(_ environments: [any Environment<Tensor, Tensor>], autoresetMode: AutoresetMode = .nextStep) throws {
        core = try VectorCore(environments, autoresetMode: autoresetMode)
    }

    public var count: Int { core.count }
    public var autoresetMode: AutoresetMode { core.autoresetMode }
    public var singleObservationSpace: AnySpace<Tensor> { core.singleObservationSpace }
    public var singleActionSpace: AnySpace<Tensor> { core.singleActionSpace }
    /// The sub-environments, in order.
    public var environments: [any Environment<Tensor, Tensor>] { core.environments }

    public mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?) throws -> VectorReset {
        try core.reset(seeds: seeds, options: options, mask: mask, run: Self.sequential)
    }

    public mutating func step(_ actions: Tensor) throws -> VectorStep {
        try core.step(actions, run: Self.sequential)
    }

    public mutating func close() { core.close() }

    static func sequential(_ count: Int, _ body: (Int) -> Void) {
        for i in 0..<count { body(i) }
    }
}
