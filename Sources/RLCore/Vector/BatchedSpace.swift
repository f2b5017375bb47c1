// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - BatchedSpace

/// `count` copies of a tensor space stacked along a new leading axis, Gymnasium's `batch_space`: an element is
/// a tensor `[count] + single shape` whose every row lies in ``single``.
///
/// A ``Box`` batches to a box with tiled bounds (``box``), as in Gymnasium; an ``IndexSpace`` (a `Discrete`
/// space as `[1]` tensors) batches to `[count, 1]` index tensors, Gymnasium's `MultiDiscrete`.
public struct BatchedSpace: Space {
    /// The space of one row.
    public let single: AnySpace<Tensor>
    /// The number of rows.
    public let count: Int

    /// Stacks `count` copies of `single`.
    /// - Precondition: `count >= 1`.
    public init(_ single: some Space<Tensor>, count: Int) {
        precondition(count >= 1, "BatchedSpace needs count >= 1, got \(count)")
        self.single = AnySpace(single)
        self.count = count
    }

    /// Whether `element` has `count` rows and every row lies in ``single``.
    public func contains(_ element: Tensor) -> Bool {
        guard element.rank >= 1, element.shape[0] == count, element.count % count == 0 else { return false }
        let rowShape = Array(element.shape.dropFirst()), width = element.count / count
        let scalars = element.scalars
        for i in 0..<count where !single.contains(Tensor(shape: rowShape, scalars: Array(scalars[(i * width)..<((i + 1) * width)]))) {
            return false
        }
        return true
    }

    /// `count` draws from ``single``, row 0 first, stacked.
    public func sample(using generator: inout some RandomNumberGenerator) -> Tensor {
        let rows = (0..<count).map { _ in single.sample(using: &generator) }
        return Tensor(shape: [count] + rows[0].shape, scalars: rows.flatMap(\.scalars))
    }

    /// The batched space as a ``Box`` with tiled bounds, when ``single`` is a box.
    public var box: Box? {
        guard let box = single.base as? Box else { return nil }
        return Box(low: Tensor(shape: [count] + box.shape, scalars: Array([[Float]](repeating: box.low.scalars, count: count).joined())),
                   high: Tensor(shape: [count] + box.shape, scalars: Array([[Float]](repeating: box.high.scalars, count: count).joined())))
    }

    /// For example `Batched(4 × Box(low: -2.0, high: 2.0, shape: [1]))`.
    public var description: String { "Batched(\(count) × \(single))" }
}
