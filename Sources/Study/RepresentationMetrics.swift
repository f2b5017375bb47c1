// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Pairwise distances

/// Euclidean distances between all rows of a matrix, `[N, N]` (symmetric, zero diagonal).
public struct PairwiseDistances: Sendable {
    /// `N`.
    public let count: Int
    /// `N * N` distances, row-major.
    public let values: [Double]

    /// Computes `‖x_i − x_j‖` for every pair of rows of `points` `[N, D]`.
    public init(_ points: FeatureMatrix) {
        let (n, d) = (points.rowCount, points.columnCount)
        var out = [Double](repeating: 0, count: n * n)
        points.values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    let xi = x.baseAddress! + i * d
                    for j in (i + 1)..<n {
                        let xj = x.baseAddress! + j * d
                        var s = 0.0
                        for k in 0..<d { let t = xi[k] - xj[k]; s += t * t }
                        let r = s.squareRoot()
                        o[i * n + j] = r
                        o[j * n + i] = r
                    }
                }
            }
        }
        count = n
        values = out
    }

    /// Distance between rows `i` and `j`.
    public subscript(i: Int, j: Int) -> Double { values[i * count + j] }

    /// The mean over distinct pairs `i < j` (0 for fewer than two points): the collapse indicator.
    public var mean: Double {
        guard count > 1 else { return 0 }
        var s = 0.0
        for i in 0..<count { for j in (i + 1)..<count { s += values[i * count + j] } }
        return s / Double(count * (count - 1) / 2)
    }

    /// Mean distance between pairs with the same label over the mean distance between pairs with different
    /// labels. Near 0 when points sit on their label's cluster, near 1 when the labels do not organise the
    /// space; `nan` when either kind of pair is missing or all points coincide.
    /// - Precondition: `labels.count == count`.
    public func withinOverBetweenRatio(labels: [Int]) -> Double {
        precondition(labels.count == count, "withinOverBetweenRatio: \(labels.count) labels for \(count) points")
        var (within, between) = (0.0, 0.0)
        var (nw, nb) = (0, 0)
        for i in 0..<count {
            for j in (i + 1)..<count {
                if labels[i] == labels[j] { within += values[i * count + j]; nw += 1 } else { between += values[i * count + j]; nb += 1 }
            }
        }
        guard nw > 0, nb > 0, between > 0 else { return .nan }
        return (within / Double(nw)) / (between / Double(nb))
    }

    /// How far apart the groups of consecutive labels `k` and `k + 1` are at their own scale: the mean distance between
    /// a point of `k` and a point of `k + 1`, over the larger of the two groups' mean within-group distances. Above 1,
    /// the two groups are farther from each other than the points inside either are from one another, whatever the
    /// scale of that part of the space. (A global cut of the cluster tree misses such groups when their scales differ
    /// by more than the cut's factor: the counting study's joint encoder spaces the counts far from the rewarded one
    /// twenty times closer than its neighbours.)
    /// - Parameter labels: `[N]`, integers `0...K`.
    /// - Returns: `[K]` ratios, entry `k` for the pair `(k, k + 1)`: 0 when the two groups coincide, infinity when both
    ///   are single points apart (or each sits on one point), NaN where a group is missing.
    public func adjacentLabelSeparation(labels: [Int]) -> [Double] {
        precondition(labels.count == count, "adjacentLabelSeparation: \(labels.count) labels for \(count) points")
        guard let top = labels.max(), top >= 1, labels.allSatisfy({ $0 >= 0 }) else { return [] }
        let members = (0...top).map { k in labels.indices.filter { labels[$0] == k } }
        func mean(_ a: [Int], _ b: [Int]) -> Double {
            var (sum, n) = (0.0, 0)
            for i in a { for j in b where i != j { sum += values[i * count + j]; n += 1 } }
            return n > 0 ? sum / Double(n) : .nan
        }
        let within = members.map { mean($0, $0) }
        return (0..<top).map { k in
            guard !members[k].isEmpty, !members[k + 1].isEmpty else { return .nan }
            let scale = [within[k], within[k + 1]].filter(\.isFinite).max() ?? .nan
            let between = mean(members[k], members[k + 1])
            if between == 0 { return 0 }                       // the two groups sit on the same point(s)
            return scale > 0 ? between / scale : (scale == 0 ? .infinity : .nan)
        }
    }
}

// MARK: - Label-based metrics

/// Representation metrics that compare latents with ground-truth labels, and label-free ones.
public enum RepresentationMetrics {
    /// The authors' cluster accuracy (`simple_encoding_space_monitor.py`): each label's centroid is the mean of
    /// its points, and a point is correct when its nearest centroid (Euclidean) is its own label's. Centroids
    /// are computed on the same points that are classified, as the authors do. Ties go to the smaller label.
    /// - Parameters:
    ///   - points: `[N, D]`.
    ///   - labels: `[N]` integer labels.
    /// - Returns: the fraction of points classified correctly, in `[0, 1]` (0 for an empty set).
    public static func nearestCentroidAccuracy(_ points: FeatureMatrix, labels: [Int]) -> Double {
        precondition(labels.count == points.rowCount, "nearestCentroidAccuracy: \(labels.count) labels for \(points.rowCount) points")
        guard points.rowCount > 0 else { return 0 }
        let predicted = nearestCentroidPredictions(points, labels: labels)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(points.rowCount)
    }

    /// ``nearestCentroidAccuracy(_:labels:)`` per label: for each label, the fraction of its points whose nearest
    /// centroid is their own label's. Shows which counts a representation confuses.
    /// - Returns: `label → accuracy in [0, 1]`, one entry per label present.
    public static func nearestCentroidAccuracyByLabel(_ points: FeatureMatrix, labels: [Int]) -> [Int: Double] {
        precondition(labels.count == points.rowCount, "nearestCentroidAccuracyByLabel: \(labels.count) labels for \(points.rowCount) points")
        let predicted = nearestCentroidPredictions(points, labels: labels)
        var (correct, total) = ([Int: Int](), [Int: Int]())
        for (p, l) in zip(predicted, labels) {
            total[l, default: 0] += 1
            if p == l { correct[l, default: 0] += 1 }
        }
        return Dictionary(uniqueKeysWithValues: total.map { ($0.key, Double(correct[$0.key, default: 0]) / Double($0.value)) })
    }

    /// The label of each point's nearest centroid (centroids: the mean of each label's points; ties go to the
    /// smaller label).
    static func nearestCentroidPredictions(_ points: FeatureMatrix, labels: [Int]) -> [Int] {
        let classes = Array(Set(labels)).sorted()
        let d = points.columnCount
        var centroids = [[Double]](repeating: [Double](repeating: 0, count: d), count: classes.count)
        var sizes = [Int](repeating: 0, count: classes.count)
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        for i in 0..<points.rowCount {
            guard let c = index[labels[i]] else { continue }
            sizes[c] += 1
            for k in 0..<d { centroids[c][k] += points[i, k] }
        }
        for c in classes.indices { centroids[c] = centroids[c].map { $0 / Double(sizes[c]) } }
        return (0..<points.rowCount).map { i in
            var best = 0, bestDistance = Double.infinity
            for c in classes.indices {
                var s = 0.0
                for k in 0..<d { let t = points[i, k] - centroids[c][k]; s += t * t }
                if s < bestDistance { best = c; bestDistance = s }
            }
            return classes[best]
        }
    }

    /// RankMe (Garrido et al., 2023), the effective rank of the (uncentred) latents:
    /// ```
    /// p_k = σ_k / Σ_j σ_j + ε,   RankMe = exp(−Σ_k p_k log p_k)
    /// ```
    /// with `σ_k` the singular values of `points` `[N, D]`. It is `min(N, D)` for orthogonal directions of equal
    /// size and 1 for rank-1 data (all points on one line through the origin, including collapse to one point).
    /// Returns 0 for an all-zero matrix.
    public static func rankMe(_ points: FeatureMatrix, epsilon: Double = 1e-7) -> Double {
        let singular = singularValues(points)
        let total = singular.reduce(0, +)
        guard total > 0 else { return 0 }
        var entropy = 0.0
        for s in singular {
            let p = s / total + epsilon
            entropy -= p * Foundation.log(p)
        }
        return Foundation.exp(entropy)
    }

    /// Singular values of `[N, D]`, descending (square roots of the eigenvalues of `X^T X`).
    public static func singularValues(_ points: FeatureMatrix) -> [Double] {
        LinearAlgebra.symmetricEigen(points.gram, n: points.columnCount).values.map { Swift.max($0, 0).squareRoot() }
    }

    /// Projects the centred points on their top principal directions.
    /// - Parameters:
    ///   - points: `[N, D]`.
    ///   - components: the number of directions `K <= D`.
    /// - Returns: the coordinates `[N, K]` and the fraction of variance each direction explains `[K]`.
    public static func principalComponents(_ points: FeatureMatrix, components: Int = 2) -> (coordinates: FeatureMatrix, explainedVariance: [Double]) {
        let k = Swift.min(components, points.columnCount)
        let x = points.centered
        let eigen = LinearAlgebra.symmetricEigen(x.gram, n: x.columnCount)
        let total = eigen.values.reduce(0) { $0 + Swift.max($1, 0) }
        var out = FeatureMatrix.zeros(rowCount: x.rowCount, columnCount: k)
        for i in 0..<x.rowCount {
            for c in 0..<k {
                var s = 0.0
                for j in 0..<x.columnCount { s += x[i, j] * eigen.vectors[c][j] }
                out[i, c] = s
            }
        }
        return (out, (0..<k).map { total > 0 ? Swift.max(eigen.values[$0], 0) / total : 0 })
    }
}
