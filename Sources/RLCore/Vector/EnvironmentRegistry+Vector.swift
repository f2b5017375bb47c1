// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Making vector environments

/// How a vector environment runs its sub-environments.
public enum VectorExecution: Sendable, Hashable {
    /// One after another on the calling thread (``SyncVectorEnvironment``).
    case synchronous
    /// On worker threads (``ThreadedVectorEnvironment``).
    case threads(Int)
}

extension EnvironmentRegistry {
    /// Makes `count` instances of the environment registered under `id`, each wrapped as
    /// ``make(_:options:maxEpisodeSteps:)`` wraps it, in a vector environment (Gymnasium's
    /// `gymnasium.make_vec(id, num_envs=count)`).
    /// - Parameters:
    ///   - id: a registered id, e.g. `"Pendulum-v1"`.
    ///   - count: the number of sub-environments, at least 1.
    ///   - options: construction options for every sub-environment.
    ///   - maxEpisodeSteps: overrides the spec's step limit when non-nil.
    ///   - autoresetMode: when ended sub-environments are reset (default next-step, as in Gymnasium).
    ///   - execution: ``VectorExecution/synchronous`` (default) or ``VectorExecution/threads(_:)``.
    /// - Throws: ``RegistryError`` and constructor errors as ``make(_:options:maxEpisodeSteps:)``, and
    ///   ``VectorEnvironmentError/invalidCount(_:)`` for `count < 1` or a thread count below 1.
    public func make(_ id: String, count: Int, options: EnvironmentOptions = [:], maxEpisodeSteps: Int? = nil,
                     autoresetMode: AutoresetMode = .nextStep, execution: VectorExecution = .synchronous) throws
        -> any VectorEnvironment
    {
        guard count >= 1 else {
            throw VectorEnvironmentError.invalidCount("\(count) sub-environments of '\(id)'; expected at least 1")
        }
        let environments = try (0..<count).map { _ in try make(id, options: options, maxEpisodeSteps: maxEpisodeSteps) }
        switch execution {
        case .synchronous:
            return try SyncVectorEnvironment(environments, autoresetMode: autoresetMode)
        case .threads(let threads):
            return try ThreadedVectorEnvironment(environments, autoresetMode: autoresetMode, threadCount: threads)
        }
    }
}
