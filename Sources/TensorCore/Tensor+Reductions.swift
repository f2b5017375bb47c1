// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Reductions

extension Tensor {
    /// (outer, n, inner) for reducing over `axis`.
    func reductionGeometry(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func normalizedAxes(_ axes: [Int]) -> [Int] {
        let a = axes.map { $0 < 0 ? $0 + rank : $0 }
        for x in a { precondition(x >= 0 && x < rank, "axis \(x) out of range for shape \(shape)") }
        return Array(Set(a)).sorted()
    }

    /// Sums over one axis keeping it with extent 1 (untracked kernel).
    func sumKeeping(axis: Int) -> Tensor {
        let (outer, n, inner) = reductionGeometry(axis)
        var out = [Float](repeating: 0, count: outer * inner)
        withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
            for a in 0..<outer {
                for k in 0..<n {
                    let base = (a * n + k) * inner
                    for b in 0..<inner { o[a * inner + b] += x[base + b] }
                }
            }
        } }
        var s = shape
        s[axis] = 1
        return Tensor(shape: s, scalars: out)
    }

    /// Sum over `axes`, which are kept with extent 1.
    public func sum(alongAxes axes: [Int]) -> Tensor {
        let axes = normalizedAxes(axes)
        var r = detached()
        for a in axes { r = r.sumKeeping(axis: a) }
        let inShape = shape
        return Tensor.record(r, inputs: [self]) { g in
            [Tensor(shape: inShape, scalars: g.expandedScalars(to: inShape))]
        }
    }

    /// Sum over `axes`, which are removed.
    public func sum(squeezingAxes axes: [Int]) -> Tensor {
        let kept = sum(alongAxes: axes)
        let removed = Set(normalizedAxes(axes))
        return kept.reshaped(to: shape.enumerated().filter { !removed.contains($0.offset) }.map(\.element))
    }

    /// Sum of all elements (rank 0).
    public func sum() -> Tensor { sum(alongAxes: Array(0..<rank)).reshaped(to: []) }

    /// Mean over `axes`, kept with extent 1.
    public func mean(alongAxes axes: [Int]) -> Tensor {
        let n = normalizedAxes(axes).map { shape[$0] }.reduce(1, *)
        return sum(alongAxes: axes) * (1 / Float(n))
    }

    /// Mean over `axes`, which are removed.
    public func mean(squeezingAxes axes: [Int]) -> Tensor {
        let n = normalizedAxes(axes).map { shape[$0] }.reduce(1, *)
        return sum(squeezingAxes: axes) * (1 / Float(n))
    }

    /// Mean of all elements (rank 0).
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Index of the extreme element along `axis`, `better(a, b)` meaning a beats b (first wins ties).
    func argExtreme(axis: Int, _ better: (Float, Float) -> Bool) -> [Int] {
        let (outer, n, inner) = reductionGeometry(axis)
        precondition(n > 0, "cannot reduce an empty axis of shape \(shape)")
        var idx = [Int](repeating: 0, count: outer * inner)
        withUnsafeBufferPointer { x in
            for a in 0..<outer {
                for b in 0..<inner {
                    var best = x[a * n * inner + b], bi = 0
                    for k in 1..<n {
                        let v = x[(a * n + k) * inner + b]
                        if better(v, best) { best = v; bi = k }
                    }
                    idx[a * inner + b] = bi
                }
            }
        }
        return idx
    }

    func extreme(axis: Int, keep: Bool, _ better: @escaping (Float, Float) -> Bool) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        let (outer, n, inner) = reductionGeometry(a)
        let idx = argExtreme(axis: a, better)
        var out = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer { for b in 0..<inner { out[o * inner + b] = scalars[(o * n + idx[o * inner + b]) * inner + b] } }
        var s = shape
        if keep { s[a] = 1 } else { s.remove(at: a) }
        let inShape = shape
        return Tensor.record(Tensor(shape: s, scalars: out), inputs: [self]) { g in
            var grad = [Float](repeating: 0, count: inShape.reduce(1, *))
            for o in 0..<outer { for b in 0..<inner { grad[(o * n + idx[o * inner + b]) * inner + b] = g.scalars[o * inner + b] } }
            return [Tensor(shape: inShape, scalars: grad)]
        }
    }

    /// Maximum along `axis` (kept with extent 1); the gradient goes to the first maximal element.
    public func max(alongAxis axis: Int) -> Tensor { extreme(axis: axis, keep: true, >) }
    /// Maximum along `axis` (removed).
    public func max(squeezingAxis axis: Int) -> Tensor { extreme(axis: axis, keep: false, >) }
    /// Minimum along `axis` (kept with extent 1).
    public func min(alongAxis axis: Int) -> Tensor { extreme(axis: axis, keep: true, <) }
    /// Minimum along `axis` (removed).
    public func min(squeezingAxis axis: Int) -> Tensor { extreme(axis: axis, keep: false, <) }
    /// Largest element.
    public func max() -> Tensor { reshaped(to: [count]).max(squeezingAxis: 0) }
    /// Smallest element.
    public func min() -> Tensor { reshaped(to: [count]).min(squeezingAxis: 0) }

    /// Index of the largest element along `axis` (first on ties), that axis removed.
    public func argmax(alongAxis axis: Int) -> [Int] { argExtreme(axis: axis < 0 ? axis + rank : axis, >) }
    /// Index of the smallest element along `axis`, that axis removed.
    public func argmin(alongAxis axis: Int) -> [Int] { argExtreme(axis: axis < 0 ? axis + rank : axis, <) }

    /// Elementwise maximum of two tensors, broadcasting (gradient to the larger; ties to `self`).
    public func maximum(_ other: Tensor) -> Tensor {
        let r = Tensor.elementwise(self, other, Swift.max)
        return Tensor.record(r, inputs: [self, other]) { [self] g in
            let mask = Tensor.elementwise(self, other) { $0 >= $1 ? 1 : 0 }
            return [Tensor.elementwise(g, mask, *).summed(toShape: self.shape), Tensor.elementwise(g, mask) { $0 * (1 - $1) }.summed(toShape: other.shape)]
        }
    }

    /// Elementwise minimum of two tensors, broadcasting (gradient to the smaller; ties to `self`).
    public func minimum(_ other: Tensor) -> Tensor {
        let r = Tensor.elementwise(self, other, Swift.min)
        return Tensor.record(r, inputs: [self, other]) { [self] g in
            let mask = Tensor.elementwise(self, other) { $0 <= $1 ? 1 : 0 }
            return [Tensor.elementwise(g, mask, *).summed(toShape: self.shape), Tensor.elementwise(g, mask) { $0 * (1 - $1) }.summed(toShape: other.shape)]
        }
    }
}
