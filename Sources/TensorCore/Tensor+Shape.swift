// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Reshape and transpose

extension Tensor {
    /// The same elements with a new shape. One extent may be `-1` and is then inferred.
    /// - Precondition: the element count is unchanged.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        precondition(target.reduce(1, *) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let oldShape = shape
        return Tensor.record(Tensor(shape: target, scalars: scalars), inputs: [self]) { g in
            [Tensor(shape: oldShape, scalars: g.scalars)]
        }
    }

    /// Inserts an axis of extent 1 at `axis`.
    public func expandingShape(at axis: Int) -> Tensor {
        var s = shape
        s.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(to: s)
    }

    /// Removes axes of extent 1 at the given positions.
    public func squeezingShape(at axes: [Int]) -> Tensor {
        let normalized = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
        for a in normalized { precondition(shape[a] == 1, "cannot squeeze axis \(a) of shape \(shape)") }
        return reshaped(to: shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
    }

    /// The transpose of a rank-2 tensor.
    public var transposed2D: Tensor { transposed(permutation: [1, 0]) }

    /// Axes permuted: result axis `i` is input axis `permutation[i]`.
    public func transposed(permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "invalid permutation \(permutation) for rank \(rank)")
        let outShape = permutation.map { shape[$0] }
        let inStrides = Tensor.strides(shape)
        let permutedStrides = permutation.map { inStrides[$0] }
        let out = stridedCopy(shape: outShape, strides: permutedStrides)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [self]) { g in
            [g.transposed(permutation: inverse)]
        }
    }

    /// The elements read in row-major order of `shape`, where stepping along axis `i` moves
    /// `strides[i]` elements in this tensor's storage (0 repeats an element: broadcasting).
    func stridedCopy(shape outShape: [Int], strides: [Int]) -> [Float] {
        let n = outShape.reduce(1, *), r = outShape.count
        var out = [Float](uninitializedCount: n)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var index = [Int](repeating: 0, count: r)
                var offset = 0
                for i in 0..<n {
                    dst[i] = src[offset]
                    var axis = r - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += strides[axis]
                        if index[axis] < outShape[axis] { break }
                        offset -= strides[axis] * outShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return out
    }

    /// Row-major strides of a shape.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = acc
            acc *= shape[i]
        }
        return strides
    }
}

// MARK: - Slicing, gathering, concatenation

extension Tensor {
    /// Elements `range` along `axis` (all other axes kept).
    public func slice(along axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for rank \(rank)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) out of bounds for axis \(axis) of shape \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        let n = shape[axis], m = range.count
        var outShape = shape
        outShape[axis] = m
        var out = [Float](uninitializedCount: outer * m * inner)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for o in 0..<outer {
                    let s = src.baseAddress! + (o * n + range.lowerBound) * inner
                    (dst.baseAddress! + o * m * inner).update(from: s, count: m * inner)
                }
            }
        }
        let inShape = shape
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [self]) { g in
            var grad = [Float](repeating: 0, count: inShape.reduce(1, *))
            g.withUnsafeBufferPointer { gp in
                grad.withUnsafeMutableBufferPointer { dst in
                    for o in 0..<outer {
                        (dst.baseAddress! + (o * n + range.lowerBound) * inner).update(from: gp.baseAddress! + o * m * inner, count: m * inner)
                    }
                }
            }
            return [Tensor(shape: inShape, scalars: grad)]
        }
    }

    /// Rows `range` of the leading axis.
    public subscript(rows range: Range<Int>) -> Tensor { slice(along: 0, range) }

    /// Row `index` of the leading axis, with that axis removed.
    public subscript(row index: Int) -> Tensor {
        slice(along: 0, index..<(index + 1)).reshaped(to: Array(shape.dropFirst()))
    }

    /// Splits `axis` into `parts` equal pieces (PyTorch `chunk`).
    public func chunked(into parts: Int, along axis: Int = -1) -> [Tensor] {
        let a = axis < 0 ? axis + rank : axis
        precondition(shape[a] % parts == 0, "cannot split axis \(a) of \(shape) into \(parts) equal parts")
        let size = shape[a] / parts
        return (0..<parts).map { slice(along: a, ($0 * size)..<(($0 + 1) * size)) }
    }

    /// Rows of the leading axis picked by `indices` (repeats allowed; gradients add up).
    public func gathering(_ indices: [Int]) -> Tensor {
        let rowSize = shape.dropFirst().reduce(1, *)
        let rows = shape.first ?? 0
        var outShape = shape
        outShape[0] = indices.count
        var out = [Float](uninitializedCount: indices.count * rowSize)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in indices { precondition(r >= 0 && r < rows, "gather index \(r) out of range 0..<\(rows)") }
                guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                // Large rows (a Q ensemble's member weights) are copied on several threads.
                Parallel.forEachRange(indices.count, parts: Parallel.partCount(indices.count, itemSize: rowSize)) { range, _ in
                    for i in range { (d + i * rowSize).update(from: s + indices[i] * rowSize, count: rowSize) }
                }
            }
        }
        let inShape = shape
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [self]) { g in
            var grad = [Float](repeating: 0, count: inShape.reduce(1, *))
            g.withUnsafeBufferPointer { gp in
                grad.withUnsafeMutableBufferPointer { dst in
                    for (i, r) in indices.enumerated() {
                        for j in 0..<rowSize { dst[r * rowSize + j] += gp[i * rowSize + j] }
                    }
                }
            }
            return [Tensor(shape: inShape, scalars: grad)]
        }
    }

    /// Joins tensors along `axis`; all other extents must agree.
    public static func concatenate(_ tensors: [Tensor], along axis: Int = -1) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let a = axis < 0 ? axis + first.rank : axis
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == a || $0.element == first.shape[$0.offset] },
                         "cannot concatenate shapes \(tensors.map(\.shape)) along axis \(a)")
        }
        let outer = first.shape[..<a].reduce(1, *)
        let inner = first.shape[(a + 1)...].reduce(1, *)
        let sizes = tensors.map { $0.shape[a] }
        let total = sizes.reduce(0, +)
        var outShape = first.shape
        outShape[a] = total
        var out = [Float](uninitializedCount: outer * total * inner)
        // Megabytes for the update's latents: split between threads, by outer rows when there are
        // enough of them, else each block by elements (a copy, so the same bytes either way).
        let parts = Parallel.partCount(outer * total * inner, itemSize: 1)
        let byRows = outer >= parts
        var offsets: [Int] = [], offset = 0
        for size in sizes { offsets.append(offset); offset += size }
        Tensor.withElementPointers(tensors) { sources in
        out.withUnsafeMutableBufferPointer { dst in
            guard let base = dst.baseAddress else { return }
            Parallel.forEachPart(parts) { part in
                let rows = byRows ? Parallel.range(of: part, parts: parts, in: 0..<outer) : 0..<outer
                for o in rows {
                    for (t, size) in sizes.enumerated() {
                        let block = size * inner
                        let span = byRows ? 0..<block : Parallel.range(of: part, parts: parts, in: 0..<block)
                        guard !span.isEmpty, let source = sources[t] else { continue }
                        (base + (o * total + offsets[t]) * inner + span.lowerBound).update(from: source + o * block + span.lowerBound, count: span.count)
                    }
                }
            }
        } }
        return record(Tensor(shape: outShape, scalars: out), inputs: tensors) { g in
            var start = 0
            return zip(tensors, sizes).map { t, size in
                defer { start += size }
                return t.needsGradient ? g.slice(along: a, start..<(start + size)).detached() : nil
            }
        }
    }
}

extension Tensor {
    /// Calls `body` with the element pointers of `tensors` (nil for an empty one), all valid for the call.
    static func withElementPointers<R>(_ tensors: [Tensor], _ body: ([UnsafePointer<Float>?]) -> R) -> R {
        var pointers: [UnsafePointer<Float>?] = []
        pointers.reserveCapacity(tensors.count)
        func nest(_ i: Int) -> R {
            if i == tensors.count { return body(pointers) }
            return tensors[i].withUnsafeBufferPointer { p in
                pointers.append(p.count > 0 ? p.baseAddress : nil)
                return nest(i + 1)
            }
        }
        return nest(0)
    }
}
