// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TensorCore

// MARK: - FeatureMatrix

/// A dense row-major matrix of `Double`s, `[rowCount, columnCount]`: one row per observation (a latent, a
/// probe feature vector or a target). The study's metrics run in double precision on the CPU.
public struct FeatureMatrix: Sendable, Equatable {
    /// `N`, the number of rows.
    public let rowCount: Int
    /// `D`, the number of columns.
    public let columnCount: Int
    /// `rowCount * columnCount` values, row after row.
    public var values: [Double]

    /// - Precondition: `values.count == rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, values: [Double]) {
        precondition(rowCount >= 0 && columnCount >= 0 && values.count == rowCount * columnCount,
                     "FeatureMatrix: \(values.count) values do not fill [\(rowCount), \(columnCount)]")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// Rows given as arrays of equal length.
    /// - Precondition: every row has the same length.
    public init(rows: [[Double]]) {
        let d = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == d }, "FeatureMatrix: rows have different lengths")
        self.init(rowCount: rows.count, columnCount: d, values: rows.flatMap { $0 })
    }

    /// A matrix from a tensor `[N, D]` (or `[N, ...]`, flattened per row).
    /// - Precondition: the tensor has rank at least 1.
    public init(_ tensor: Tensor) {
        precondition(tensor.rank >= 1, "FeatureMatrix needs a tensor of rank >= 1, got \(tensor.shape)")
        let n = tensor.shape[0]
        self.init(rowCount: n, columnCount: n == 0 ? 0 : tensor.count / n, values: tensor.scalars.map(Double.init))
    }

    /// Zeros `[rowCount, columnCount]`.
    public static func zeros(rowCount: Int, columnCount: Int) -> FeatureMatrix {
        FeatureMatrix(rowCount: rowCount, columnCount: columnCount, values: [Double](repeating: 0, count: rowCount * columnCount))
    }

    /// Element `(i, j)`.
    public subscript(i: Int, j: Int) -> Double {
        get { values[i * columnCount + j] }
        set { values[i * columnCount + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(values[(i * columnCount)..<((i + 1) * columnCount)]) }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columnCount)
        for i in indices { out += values[(i * columnCount)..<((i + 1) * columnCount)] }
        return FeatureMatrix(rowCount: indices.count, columnCount: columnCount, values: out)
    }

    /// The column means, `[D]`.
    public var columnMeans: [Double] {
        var mean = [Double](repeating: 0, count: columnCount)
        guard rowCount > 0 else { return mean }
        for i in 0..<rowCount { for j in 0..<columnCount { mean[j] += values[i * columnCount + j] } }
        return mean.map { $0 / Double(rowCount) }
    }

    /// The matrix with its column means subtracted.
    public var centered: FeatureMatrix {
        let mean = columnMeans
        var out = self
        for i in 0..<rowCount { for j in 0..<columnCount { out.values[i * columnCount + j] -= mean[j] } }
        return out
    }

    /// `X^T X`, `[D, D]` (row-major, symmetric).
    public var gram: [Double] {
        let d = columnCount
        var g = [Double](repeating: 0, count: d * d)
        values.withUnsafeBufferPointer { x in
            g.withUnsafeMutableBufferPointer { out in
                for i in 0..<rowCount {
                    let r = x.baseAddress! + i * d
                    for a in 0..<d {
                        let va = r[a]
                        if va == 0 { continue }
                        let o = out.baseAddress! + a * d
                        for b in a..<d { o[b] += va * r[b] }
                    }
                }
            }
        }
        for a in 0..<d { for b in 0..<a { g[a * d + b] = g[b * d + a] } }
        return g
    }

    /// Whether every value is finite.
    public var isFinite: Bool { values.allSatisfy(\.isFinite) }
}

// MARK: - Dense linear algebra (small symmetric systems)

enum LinearAlgebra {
    /// Solves `A X = B` for a symmetric positive-definite `A` `[n, n]` and `B` `[n, m]` by Cholesky
    /// factorisation. Returns nil when `A` is not positive definite.
    static func choleskySolve(_ a: [Double], n: Int, _ b: [Double], m: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var x = b
        for c in 0..<m {
            // Forward: L y = b.
            for i in 0..<n {
                var s = x[i * m + c]
                for k in 0..<i { s -= l[i * n + k] * x[k * m + c] }
                x[i * m + c] = s / l[i * n + i]
            }
            // Backward: L^T x = y.
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i * m + c]
                for k in (i + 1)..<n { s -= l[k * n + i] * x[k * m + c] }
                x[i * m + c] = s / l[i * n + i]
            }
        }
        return x
    }

    /// Eigen-decomposition of a symmetric matrix `[n, n]` by cyclic Jacobi rotations.
    /// - Returns: eigenvalues in descending order and the matching unit eigenvectors (as rows).
    static func symmetricEigen(_ matrix: [Double], n: Int, sweeps: Int = 60) -> (values: [Double], vectors: [[Double]]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<sweeps {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += a[p * n + q] * a[p * n + q] } }
            if off <= 1e-22 * max(total, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        return (order.map { a[$0 * n + $0] }, order.map { j in (0..<n).map { v[$0 * n + j] } })
    }
}
