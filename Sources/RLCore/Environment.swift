// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Environment

/// A Gymnasium-style environment: `reset` starts an episode, `step` advances it by one action.
///
/// Environment authors write a typed conformance (usually a struct, so a copy is a snapshot):
/// ```swift
/// struct PointMass: Environment {
///     var observationSpace: Box { ... }      // Observation == Tensor
///     var actionSpace: Box { ... }           // Action == Tensor
///     mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double])
///     mutating func step(_ action: Tensor) throws -> Step<Tensor>
/// }
/// ```
/// Agents, the registry and the CLI meet at the type-erased boundary `any Environment<Tensor, Tensor>`;
/// an environment with ``Discrete`` actions crosses it through ``DiscreteAsTensor`` (one-element index tensors).
///
/// Contract (checked by ``checkEnvironment(seed:requiresNormalizedActions:_:)``):
/// - `reset(seed:options:)` reseeds the environment's generator only when `seed` is non-nil; with `nil` it
///   keeps drawing from the current generator. The returned observation lies in ``observationSpace``.
/// - `step(_:)` is only valid between a `reset` and the first step whose ``Step/isLast`` is `true`
///   (``OrderEnforcing`` turns violations into ``EnvironmentError`` values).
/// - `close()` may be called more than once.
public protocol Environment<Observation, Action> {
    /// The type of observations, for example `Tensor` (`[O]` vectors or `[C, H, W]` images).
    associatedtype Observation
    /// The type of actions, for example `Tensor` (`[A]`) or `Int`.
    associatedtype Action
    /// The type of ``observationSpace``.
    associatedtype ObservationSpace: Space<Observation>
    /// The type of ``actionSpace``.
    associatedtype ActionSpace: Space<Action>

    /// The set every observation belongs to.
    var observationSpace: ObservationSpace { get }
    /// The set of valid actions.
    var actionSpace: ActionSpace { get }
    /// Render modes, frame rate and determinism. Default: no render modes, deterministic.
    var metadata: EnvironmentMetadata { get }

    /// Starts a new episode.
    /// - Parameters:
    ///   - seed: reseeds the environment's generator when non-nil (Gymnasium semantics); `nil` keeps it.
    ///   - options: environment-specific options, e.g. ``OptionKey/initialState``.
    /// - Returns: the first observation and numeric diagnostics.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for a malformed option.
    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double])

    /// Applies `action` and advances the environment by one step.
    /// - Throws: ``EnvironmentError/invalidAction(_:)`` for an action outside what the environment accepts,
    ///   and (through ``OrderEnforcing``) ``EnvironmentError/stepBeforeReset`` or ``EnvironmentError/stepAfterEpisodeEnd``.
    mutating func step(_ action: Action) throws -> Step<Observation>

    /// Renders the current state. Default: throws ``EnvironmentError/unsupportedRenderMode(_:)``.
    mutating func render(_ mode: RenderMode) throws -> RenderOutput?

    /// Releases resources. Default: does nothing. Must be safe to call more than once.
    mutating func close()
}

// MARK: - Default implementations

extension Environment {
    public var metadata: EnvironmentMetadata { EnvironmentMetadata() }

    public mutating func render(_ mode: RenderMode) throws -> RenderOutput? {
        throw EnvironmentError.unsupportedRenderMode(mode)
    }

    public mutating func close() {}

    /// Starts a new episode without reseeding and without options.
    public mutating func reset() throws -> (observation: Observation, info: [String: Double]) {
        try reset(seed: nil, options: [:])
    }

    /// Starts a new episode, reseeding when `seed` is non-nil, without options.
    public mutating func reset(seed: UInt64?) throws -> (observation: Observation, info: [String: Double]) {
        try reset(seed: seed, options: [:])
    }

    /// Starts a new episode with options, without reseeding.
    public mutating func reset(options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        try reset(seed: nil, options: options)
    }
}

// MARK: - Metadata and rendering

/// What an environment declares about itself.
public struct EnvironmentMetadata: Sendable, Equatable {
    /// The modes ``Environment/render(_:)`` supports.
    public var renderModes: [RenderMode]
    /// Frames per second of a real-time rendering, if any.
    public var renderFPS: Int?
    /// Whether the same state and action always give the same result.
    public var isDeterministic: Bool

    public init(renderModes: [RenderMode] = [], renderFPS: Int? = nil, isDeterministic: Bool = true) {
        self.renderModes = renderModes
        self.renderFPS = renderFPS
        self.isDeterministic = isDeterministic
    }
}

/// How to render an environment.
public enum RenderMode: String, Sendable, Hashable, CaseIterable {
    /// An image: ``RenderOutput/image(_:)``.
    case rgbArray = "rgb_array"
    /// Text: ``RenderOutput/text(_:)``.
    case ansi
    /// Shown to a person by the environment itself (returns `nil`).
    case human
}

/// A rendered frame.
public enum RenderOutput {
    /// An RGB image, channels-first `[3, H, W]`, values in `0...255`.
    case image(Tensor)
    /// A text rendering.
    case text(String)
}

// MARK: - Errors

/// Errors an environment or wrapper throws for a recoverable misuse.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    /// `step` was called before the first `reset`.
    case stepBeforeReset
    /// `step` was called after a step that terminated or truncated the episode, without a `reset` in between.
    case stepAfterEpisodeEnd
    /// The action is not accepted (wrong shape, outside the space, non-finite); the message names it.
    case invalidAction(String)
    /// A constructor or reset option is malformed.
    case invalidOption(key: String, message: String)
    /// The environment does not support this render mode.
    case unsupportedRenderMode(RenderMode)

    public var description: String {
        switch self {
        case .stepBeforeReset:
            "Cannot call step() before calling reset()"
        case .stepAfterEpisodeEnd:
            "Cannot call step() after the episode terminated or was truncated; call reset() first"
        case .invalidAction(let message):
            "Invalid action: \(message)"
        case .invalidOption(let key, let message):
            "Invalid option '\(key)': \(message)"
        case .unsupportedRenderMode(let mode):
            "Render mode '\(mode.rawValue)' is not supported"
        }
    }
}
