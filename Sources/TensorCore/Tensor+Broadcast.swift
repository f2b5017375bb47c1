// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Broadcasting

extension Tensor {
    /// The NumPy broadcast of two shapes.
    /// - Precondition: the shapes are compatible (each trailing pair of extents equal or one of them 1).
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        let r = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let x = i < r - a.count ? 1 : a[i - (r - a.count)]
            let y = i < r - b.count ? 1 : b[i - (r - b.count)]
            precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// This tensor's elements repeated to `target` shape (broadcasting), untracked.
    func expandedScalars(to target: [Int]) -> [Float] {
        if shape == target { return scalars }
        let n = target.reduce(1, *)
        if count == 1 {
            return [Float](repeating: scalars[0], count: n)
        }
        // Suffix broadcast: self's shape equals the trailing axes of target (a repeated row block).
        if shape.count <= target.count && Array(target.suffix(shape.count)) == shape {
            var out = [Float](repeating: 0, count: n)
            let block = count
            scalars.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for start in stride(from: 0, to: n, by: block) {
                        (dst.baseAddress! + start).update(from: src.baseAddress!, count: block)
                    }
                }
            }
            return out
        }
        // General case: strides with zeros on broadcast axes.
        let r = target.count
        let padded = [Int](repeating: 1, count: r - rank) + shape
        let s = Tensor.strides(padded)
        let strides = (0..<r).map { padded[$0] == 1 ? 0 : s[$0] }
        return stridedCopy(shape: target, strides: strides)
    }

    /// Sums a broadcast gradient back down to `target` shape (the adjoint of broadcasting).
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let total = target.reduce(1, *)
        if total == 1 {
            var s: Float = 0
            withUnsafeBufferPointer { p in for v in p { s += v } }
            return Tensor(shape: target, scalars: [s])
        }
        if target.count <= rank && Array(shape.suffix(target.count)) == target {
            var out = [Float](repeating: 0, count: total)
            withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for start in stride(from: 0, to: count, by: total) {
                        for j in 0..<total { dst[j] += src[start + j] }
                    }
                }
            }
            return Tensor(shape: target, scalars: out)
        }
        let padded = [Int](repeating: 1, count: rank - target.count) + target
        var result = self.detached()
        for axis in 0..<rank where padded[axis] == 1 && shape[axis] != 1 {
            result = result.sum(alongAxes: [axis])
        }
        return Tensor(shape: target, scalars: result.scalars)
    }
}

// MARK: - Binary arithmetic

extension Tensor {
    @inline(__always)
    static func elementwise(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let outShape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
        let n = outShape.reduce(1, *)
        var out = [Float](uninitializedCount: n)
        if a.shape == b.shape {
            a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n { o[i] = f(x[i], y[i]) }
            } } }
        } else if b.count == 1 {
            let s = b.scalars[0]
            a.expandedScalars(to: outShape).withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n { o[i] = f(x[i], s) }
            } }
        } else if a.count == 1 {
            let s = a.scalars[0]
            b.expandedScalars(to: outShape).withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n { o[i] = f(s, y[i]) }
            } }
        } else {
            let xa = a.expandedScalars(to: outShape), yb = b.expandedScalars(to: outShape)
            xa.withUnsafeBufferPointer { x in yb.withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n { o[i] = f(x[i], y[i]) }
            } } }
        }
        return Tensor(shape: outShape, scalars: out)
    }

    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let r = elementwise(a, b, +)
        return record(r, inputs: [a, b]) { g in
            [a.needsGradient ? g.summed(toShape: a.shape) : nil, b.needsGradient ? g.summed(toShape: b.shape) : nil]
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let r = elementwise(a, b, -)
        return record(r, inputs: [a, b]) { g in
            [a.needsGradient ? g.summed(toShape: a.shape) : nil, b.needsGradient ? (-g.detached()).summed(toShape: b.shape) : nil]
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let r = elementwise(a, b, *)
        return record(r, inputs: [a, b]) { g in
            [a.needsGradient ? elementwise(g, b, *).summed(toShape: a.shape) : nil,
             b.needsGradient ? elementwise(g, a, *).summed(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let r = elementwise(a, b, /)
        return record(r, inputs: [a, b]) { g in
            [a.needsGradient ? elementwise(g, b, /).summed(toShape: a.shape) : nil,
             b.needsGradient ? elementwise(elementwise(g, r, *), b, { -$0 / $1 }).summed(toShape: b.shape) : nil]
        }
    }

    /// Elementwise negation.
    public static prefix func - (a: Tensor) -> Tensor {
        let r = a.mapScalars { -$0 }
        return record(r, inputs: [a]) { g in [g.mapScalars { -$0 }] }
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a + Tensor(s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a - Tensor(s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a * Tensor(s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a / Tensor(s) }
    public static func + (s: Float, a: Tensor) -> Tensor { Tensor(s) + a }
    public static func - (s: Float, a: Tensor) -> Tensor { Tensor(s) - a }
    public static func * (s: Float, a: Tensor) -> Tensor { Tensor(s) * a }
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }

    /// Applies `f` to every element (untracked).
    @inline(__always)
    public func mapScalars(_ f: (Float) -> Float) -> Tensor {
        var out = [Float](uninitializedCount: count)
        withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
            for i in 0..<x.count { o[i] = f(x[i]) }
        } }
        return Tensor(shape: shape, scalars: out)
    }

    /// Combines two equal-shape tensors elementwise (untracked).
    @inline(__always)
    public func zipScalars(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipScalars needs equal shapes, got \(shape) and \(other.shape)")
        return Tensor.elementwise(self, other, f)
    }
}
