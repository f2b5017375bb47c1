// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - EnvironmentWrapper

/// An environment that wraps another and changes one thing about it.
///
/// Default implementations forward ``Environment/metadata``, ``Environment/render(_:)`` and
/// ``Environment/close()`` to ``base``; a wrapper writes only what it changes.
public protocol EnvironmentWrapper: Environment {
    /// The wrapped environment's type.
    associatedtype Base: Environment
    /// The wrapped environment.
    var base: Base { get set }
}

// MARK: - Default implementations

extension EnvironmentWrapper {
    public var metadata: EnvironmentMetadata { base.metadata }

    public mutating func render(_ mode: RenderMode) throws -> RenderOutput? { try base.render(mode) }

    public mutating func close() { base.close() }
}
