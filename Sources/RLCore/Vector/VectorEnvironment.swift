// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - VectorEnvironment

/// `N` environments stepped together, with Gymnasium 1.x's vector semantics (`gymnasium.vector.VectorEnv`):
/// observations are batched along a leading axis (`[N, ...]`), actions likewise, and each sub-environment whose
/// episode ends is reset according to ``autoresetMode``.
///
/// ```swift
/// var envs = try registry.make("Pendulum-v1", count: 8)          // SyncVectorEnvironment, next-step autoreset
/// var (observations, _) = try envs.reset(seed: 42)                // env i gets seed 42 + i
/// let step = try envs.step(envs.actionSpace.sample(using: &generator))   // actions [8, 1]
/// ```
/// Implementations: ``SyncVectorEnvironment`` (one thread, Gymnasium's `SyncVectorEnv`) and
/// ``ThreadedVectorEnvironment`` (worker threads; the same results). ``checkVectorEnvironment(seed:steps:_:)``
/// checks the contract.
public protocol VectorEnvironment {
    /// The number of sub-environments, `N` (Gymnasium's `num_envs`).
    var count: Int { get }
    /// When a sub-environment whose episode ended is reset.
    var autoresetMode: AutoresetMode { get }
    /// The observation space of one sub-environment.
    var singleObservationSpace: AnySpace<Tensor> { get }
    /// The action space of one sub-environment.
    var singleActionSpace: AnySpace<Tensor> { get }

    /// Resets the sub-environments selected by `mask` (all when `nil`).
    /// - Parameters:
    ///   - seeds: one seed (or `nil`: keep the generator) per sub-environment, `count` of them.
    ///   - options: passed to every reset sub-environment.
    ///   - mask: Gymnasium's `options["reset_mask"]`: which sub-environments to reset (`count` flags, at least
    ///     one `true`); the others keep their episode and their current observation.
    /// - Returns: observations `[N, ...]` (the current one for sub-environments not reset) and one info per
    ///   sub-environment (empty for those not reset).
    /// - Throws: ``VectorEnvironmentError`` for a malformed seed list or mask, or what a sub-environment throws.
    mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?) throws -> VectorReset

    /// Steps every sub-environment with its row of `actions` (`[N, ...]`), resetting according to ``autoresetMode``.
    /// - Throws: ``VectorEnvironmentError`` for actions of the wrong shape, a step before `reset`, or (disabled
    ///   autoreset) a step of a sub-environment whose episode ended and was not reset; otherwise what a
    ///   sub-environment throws (then every sub-environment needs a `reset` before the next step).
    mutating func step(_ actions: Tensor) throws -> VectorStep

    /// Closes every sub-environment. Safe to call more than once.
    mutating func close()
}

// MARK: - Default implementations

extension VectorEnvironment {
    /// The batched observation space: `[N] + single shape`.
    public var observationSpace: BatchedSpace { BatchedSpace(singleObservationSpace, count: count) }
    /// The batched action space: `[N] + single shape`.
    public var actionSpace: BatchedSpace { BatchedSpace(singleActionSpace, count: count) }

    /// Resets every sub-environment; with a seed `s`, sub-environment `i` gets `s + i` (Gymnasium's integer seed).
    /// - Throws: ``VectorEnvironmentError/invalidSeeds(_:)`` when `s + count - 1` does not fit in `UInt64`.
    public mutating func reset(seed: UInt64? = nil, options: ResetOptions = [:]) throws -> VectorReset {
        try reset(seeds: try Self.seeds(from: seed, count: count), options: options, mask: nil)
    }

    /// Resets the sub-environments selected by `mask` (Gymnasium's `reset(options={"reset_mask": mask})`);
    /// with a seed `s`, a reset sub-environment `i` gets `s + i`.
    public mutating func reset(mask: [Bool], seed: UInt64? = nil, options: ResetOptions = [:]) throws -> VectorReset {
        try reset(seeds: try Self.seeds(from: seed, count: count), options: options, mask: mask)
    }

    static func seeds(from seed: UInt64?, count: Int) throws -> [UInt64?] {
        guard let seed else { return Array(repeating: nil, count: count) }
        guard count == 0 || seed <= UInt64.max - UInt64(count - 1) else {
            throw VectorEnvironmentError.invalidSeeds("seed \(seed) + \(count - 1) does not fit in UInt64; expected a seed at most \(UInt64.max - UInt64(count - 1))")
        }
        return (0..<count).map { seed + UInt64($0) }
    }
}

// MARK: - Autoreset

/// When a vector environment resets a sub-environment whose episode ended, with the meaning of Gymnasium's
/// `gymnasium.vector.AutoresetMode`.
public enum AutoresetMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// `NEXT_STEP` (the default): the step after the one that ended the episode resets the sub-environment
    /// instead of stepping it (its action is ignored) and returns the new episode's first observation, a
    /// reward of 0, both flags `false` and the reset's info.
    case nextStep = "next_step"
    /// `SAME_STEP`: the step that ends the episode also resets the sub-environment and returns the new episode's
    /// first observation; the ended episode's last observation and info are in ``VectorStep/finalObservations``
    /// and ``VectorStep/finalInfos`` (Gymnasium's `final_obs` and `final_info`), its reward and flags as usual.
    case sameStep = "same_step"
    /// `DISABLED`: nothing is reset automatically; the caller resets ended sub-environments with
    /// ``VectorEnvironment/reset(mask:seed:options:)`` before stepping them again.
    case disabled
}

// MARK: - Results

/// What ``VectorEnvironment/reset(seeds:options:mask:)`` returns.
public struct VectorReset {
    /// `[N, ...]`: the first observation of each reset sub-environment, the current one of the others.
    public var observations: Tensor
    /// One info per sub-environment (empty for those not reset).
    public var infos: [[String: Double]]

    public init(observations: Tensor, infos: [[String: Double]]) {
        self.observations = observations
        self.infos = infos
    }
}

/// The result of one vector step: Gymnasium's `(obs, rewards, terminations, truncations, infos)` with the
/// per-sub-environment infos as an array instead of a dictionary of masked arrays.
public struct VectorStep {
    /// `[N, ...]`.
    public var observations: Tensor
    /// One reward per sub-environment (0 for a next-step autoreset).
    public var rewards: [Float]
    /// Whether each sub-environment's step reached a terminal state.
    public var terminated: [Bool]
    /// Whether each sub-environment's episode was cut (time limit).
    public var truncated: [Bool]
    /// One info per sub-environment: the step's, or the reset's where the sub-environment was reset.
    public var infos: [[String: Double]]
    /// Same-step autoreset: the last observation of each episode that ended in this step (`nil` elsewhere,
    /// and always `nil` in the other modes).
    public var finalObservations: [Tensor?]
    /// Same-step autoreset: the last step's info of each episode that ended in this step.
    public var finalInfos: [[String: Double]?]

    public init(observations: Tensor, rewards: [Float], terminated: [Bool], truncated: [Bool], infos: [[String: Double]],
                finalObservations: [Tensor?], finalInfos: [[String: Double]?]) {
        self.observations = observations
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.infos = infos
        self.finalObservations = finalObservations
        self.finalInfos = finalInfos
    }

    /// Whether each sub-environment's episode ended in this step (terminated or truncated).
    public var ended: [Bool] { zip(terminated, truncated).map { $0 || $1 } }
}

// MARK: - Errors

/// Misuse of a vector environment.
public enum VectorEnvironmentError: Error, Equatable, CustomStringConvertible {
    /// `step` before the first `reset` (or after a sub-environment threw).
    case stepBeforeReset
    /// Disabled autoreset: sub-environment `index` ended its episode and was not reset.
    case stepAfterEpisodeEnd(index: Int)
    /// The actions tensor does not have `count` rows.
    case invalidActions(String)
    /// The seed list does not have `count` entries, or a seed overflows.
    case invalidSeeds(String)
    /// The reset mask does not have `count` flags, or selects none.
    case invalidResetMask(String)
    /// A sub-environment returned an observation whose shape differs from the first one's.
    case observationShapeMismatch(index: Int, shape: [Int], expected: [Int])
    /// A vector environment needs at least one sub-environment, and a thread count of at least 1.
    case invalidCount(String)
    /// Sub-environment `index` has other spaces than sub-environment 0 (all must be equal, as in Gymnasium).
    case mismatchedSpaces(index: Int, String)

    public var description: String {
        switch self {
        case .stepBeforeReset:
            "Cannot call step() before calling reset() (or after a sub-environment threw)"
        case .stepAfterEpisodeEnd(let index):
            "Sub-environment \(index) ended its episode and autoreset is disabled: reset it with reset(mask:) before stepping it"
        case .invalidActions(let message):
            "Invalid actions: \(message)"
        case .invalidSeeds(let message):
            "Invalid seeds: \(message)"
        case .invalidResetMask(let message):
            "Invalid reset mask: \(message)"
        case .observationShapeMismatch(let index, let shape, let expected):
            "Sub-environment \(index) returned an observation of shape \(shape), expected \(expected) like sub-environment 0"
        case .invalidCount(let message):
            "Invalid vector environment: \(message)"
        case .mismatchedSpaces(let index, let message):
            "Sub-environment \(index) has other spaces than sub-environment 0: \(message)"
        }
    }
}
