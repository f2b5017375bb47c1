// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Discrete

/// The integers `start ..< start + count`, Gymnasium's `Discrete(n, start)`.
public struct Discrete: Space, Equatable, Hashable {
    /// The number of values (Gymnasium's `n`).
    public let count: Int
    /// The smallest value.
    public let start: Int

    /// Creates the space `start ..< start + count`.
    /// - Precondition: `count > 0`.
    public init(_ count: Int, start: Int = 0) {
        precondition(count > 0, "Discrete count has to be positive, actual value: \(count)")
        self.count = count
        self.start = start
    }

    /// The values of the space, in increasing order.
    public var values: Range<Int> { start ..< start + count }

    public func contains(_ element: Int) -> Bool { values.contains(element) }

    /// A uniform draw from ``values``.
    public func sample(using generator: inout some RandomNumberGenerator) -> Int {
        start + Int(generator.next(upperBound: UInt64(count)))
    }

    /// `Discrete(2)` or `Discrete(3, start: -1)`.
    public var description: String {
        start == 0 ? "Discrete(\(count))" : "Discrete(\(count), start: \(start))"
    }
}

// MARK: - IndexSpace

/// A ``Discrete`` space presented as tensors: each element is a one-element tensor of shape `[1]`
/// holding the integer value as a `Float` (for example `[1.0]` for action 1).
///
/// This is how discrete actions cross the type-erased `any Environment<Tensor, Tensor>` boundary
/// (see ``DiscreteAsTensor``).
public struct IndexSpace: Space, Equatable, Hashable {
    /// The underlying integer space.
    public let discrete: Discrete

    /// Presents `discrete` as one-element tensors.
    public init(_ discrete: Discrete) { self.discrete = discrete }

    /// The integer held by `element`, if it is a shape-`[1]` tensor holding an integral value of ``discrete``.
    public func index(of element: Tensor) -> Int? {
        guard element.shape == [1] else { return nil }
        let value = element.scalars[0]
        guard value.isFinite, value == value.rounded(), abs(value) < 16_777_216 else { return nil }
        let index = Int(value)
        return discrete.contains(index) ? index : nil
    }

    /// The tensor `[Float(index)]` of shape `[1]`.
    public func tensor(for index: Int) -> Tensor { Tensor(shape: [1], scalars: [Float(index)]) }

    public func contains(_ element: Tensor) -> Bool { index(of: element) != nil }

    public func sample(using generator: inout some RandomNumberGenerator) -> Tensor {
        tensor(for: discrete.sample(using: &generator))
    }

    /// For example `Discrete(2) as index tensor [1]`.
    public var description: String { "\(discrete) as index tensor [1]" }
}
