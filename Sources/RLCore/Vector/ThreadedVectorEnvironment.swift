// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - ThreadedVectorEnvironment

/// `N` environments stepped on worker threads (the role of Gymnasium's `AsyncVectorEnv`, with threads instead
/// of processes): the sub-environments are split into ``threadCount`` contiguous ranges, each stepped on its
/// own thread (``Parallel/forEachPart(_:_:)``), and `step` returns when all are done.
///
/// Each sub-environment is touched by one thread only and the results are gathered in index order, so a
/// threaded vector environment returns exactly what a ``SyncVectorEnvironment`` over the same sub-environments
/// returns. Threads pay off when a sub-environment's step is expensive (rendering, physics); for the classic
/// control tasks the hand-off costs more than the step.
public struct ThreadedVectorEnvironment: VectorEnvironment {
    var core: VectorCore
    /// The number of threads the sub-environments are split over (at most ``count``).
    public let threadCount: Int

    /// Vectorises `environments` (all with equal spaces) over `threadCount` threads.
    /// - Throws: ``VectorEnvironmentError/invalidCount(_:)`` for an empty list or `threadCount < 1`,
    ///   ``VectorEnvironmentError/mismatchedSpaces(index:_:)`` when the spaces differ.
    public init(_ environments: [any Environment<Tensor, Tensor>], autoresetMode: AutoresetMode = .nextStep, threadCount: Int) throws {
        guard threadCount >= 1 else {
            throw VectorEnvironmentError.invalidCount("thread count \(threadCount); expected at least 1")
        }
        core = try VectorCore(environments, autoresetMode: autoresetMode)
        self.threadCount = Swift.min(threadCount, environments.count)
    }

    public var count: Int { core.count }
    public var autoresetMode: AutoresetMode { core.autoresetMode }
    public var singleObservationSpace: AnySpace<Tensor> { core.singleObservationSpace }
    public var singleActionSpace: AnySpace<Tensor> { core.singleActionSpace }
    /// The sub-environments, in order.
    public var environments: [any Environment<Tensor, Tensor>] { core.environments }

    public mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?) throws -> VectorReset {
        let parts = threadCount
        return try core.reset(seeds: seeds, options: options, mask: mask) { Self.split($0, parts: parts, $1) }
    }

    public mutating func step(_ actions: Tensor) throws -> VectorStep {
        let parts = threadCount
        return try core.step(actions) { Self.split($0, parts: parts, $1) }
    }

    public mutating func close() { core.close() }

    static func split(_ count: Int, parts: Int, _ body: (Int) -> Void) {
        Parallel.forEachPart(parts) { part in
            for i in Parallel.range(of: part, parts: parts, in: 0..<count) { body(i) }
        }
    }
}
