// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Tensor

/// A dense, row-major array of `Float` with any rank and value semantics.
///
/// Storage is a Swift `Array`, so copies are cheap and copy-on-write. A tensor produced while a
/// gradient tape is recording (see ``valueWithGradients(at:of:)``) also carries the tape node that
/// made it; ``detached()`` drops it.
///
/// Shapes are `[Int]`; a scalar has shape `[]` and one element.
public struct Tensor: @unchecked Sendable {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order. `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float] {
        @inlinable get { storage }
    }
    /// The elements (stored under this name so that the in-place writers below can be inlined into callers).
    @usableFromInline var storage: [Float]
    /// The tape node that produced this value, when recorded for differentiation.
    @usableFromInline var node: TapeNode?

    /// Creates a tensor from row-major elements.
    /// - Precondition: `scalars.count` equals the product of `shape`, and no extent is negative.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        let n = shape.reduce(1, *)
        precondition(n == scalars.count, "Tensor shape \(shape) needs \(n) elements, got \(scalars.count)")
        self.shape = shape
        self.storage = scalars
        self.node = nil
    }

    init(shape: [Int], scalars: [Float], node: TapeNode?) {
        self.shape = shape
        self.storage = scalars
        self.node = node
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-0 tensor holding `value`.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// A rank-1 tensor holding `values`.
    public init(_ values: [Float]) { self.init(shape: [values.count], scalars: values) }

    /// A rank-2 tensor from rows of equal length.
    /// - Precondition: every row has the same length.
    public init(_ rows: [[Float]]) {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "Tensor rows have unequal lengths")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// Zeros of the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// Ones of the given shape.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }
    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(repeating: value, shape: shape) }

    // MARK: Properties

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }
    /// The single element of a one-element tensor.
    /// - Precondition: `count == 1`.
    public var scalar: Float {
        precondition(scalars.count == 1, "scalar needs a one-element tensor, shape is \(shape)")
        return scalars[0]
    }
    /// Whether this value is being tracked by a recording gradient tape.
    public var isTracked: Bool { node != nil }

    /// The same values with no gradient history: gradients do not flow through the result.
    public func detached() -> Tensor { Tensor(shape: shape, scalars: scalars, node: nil) }

    /// Reads the element at a multi-dimensional index.
    public subscript(index: Int...) -> Float {
        precondition(index.count == shape.count, "index \(index) does not match rank \(shape.count)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) is out of bounds for shape \(shape)")
            flat = flat * extent + i
        }
        return scalars[flat]
    }

    /// Calls `body` with the elements for reading.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements for writing. The result is no longer tracked by a tape.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if node != nil { node = nil }
        return try storage.withUnsafeMutableBufferPointer(body)
    }

    /// Replaces the elements in place, keeping the shape. The result is not tracked.
    /// - Precondition: `newScalars.count == count`.
    public mutating func assign(_ newScalars: [Float]) {
        precondition(newScalars.count == scalars.count, "assign needs \(scalars.count) elements, got \(newScalars.count)")
        storage = newScalars
        node = nil
    }

    /// Sets one element by flat index. The result is not tracked.
    @inlinable
    public mutating func setScalar(_ value: Float, at flatIndex: Int) {
        if node != nil { node = nil }
        storage[flatIndex] = value
    }
}

// MARK: - Equatable, description

extension Tensor: Equatable {
    /// Equal shapes and elements (gradient history is ignored).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(scalars.count > 8 ? ", ..." : "")])"
    }
}

// MARK: - Storage

extension Array where Element == Float {
    /// `count` elements that the caller overwrites completely (no zero fill, so large outputs cost
    /// no memset before a GEMM or a kernel writes them).
    @inline(__always)
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
