// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Space

/// A set of values an environment observes or accepts, with membership and seeded sampling.
///
/// Spaces hold no generator: every draw takes one explicitly, so the same seed gives the same sample.
/// Concrete spaces: ``Box`` (a `Tensor` inside per-element bounds), ``Discrete`` (an `Int` in
/// `start ..< start + count`) and ``IndexSpace`` (a `Discrete` presented as a one-element `Tensor`).
public protocol Space<Element>: Sendable, CustomStringConvertible {
    /// The type of the values in the space.
    associatedtype Element

    /// Whether `element` belongs to the space (shape, bounds and, where relevant, integrality).
    func contains(_ element: Element) -> Bool

    /// Draws an element of the space.
    /// - Parameter generator: the source of randomness; the space keeps no generator of its own.
    /// - Returns: a value for which ``contains(_:)`` is `true`.
    func sample(using generator: inout some RandomNumberGenerator) -> Element
}

// MARK: - AnySpace

/// A type-erased space, for environments whose space type is only known at run time.
public struct AnySpace<Element>: Space {
    /// The wrapped space.
    public let base: any Space<Element>

    /// Wraps `base`; an `AnySpace` passed in is unwrapped rather than nested.
    public init(_ base: any Space<Element>) {
        if let erased = base as? AnySpace<Element> {
            self.base = erased.base
        } else {
            self.base = base
        }
    }

    public func contains(_ element: Element) -> Bool { base.contains(element) }

    public func sample(using generator: inout some RandomNumberGenerator) -> Element {
        base.sample(using: &generator)
    }

    public var description: String { base.description }
}
