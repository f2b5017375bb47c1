// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Average-linkage clustering

/// Agglomerative clustering with average linkage (UPGMA), computed exactly by the nearest-neighbour-chain
/// algorithm in `O(N²)` time and memory.
///
/// The distance between two clusters is the mean distance between their members. Average linkage is
/// monotone, so cutting the tree at a height `τ` gives the clusters whose merges all happened at or below `τ`.
public struct AverageLinkage: Sendable {
    /// One merge: two clusters (named by a member point) joined at `height`.
    public struct Merge: Sendable, Equatable {
        public var first: Int, second: Int
        public var height: Double
    }

    /// `N`.
    public let pointCount: Int
    /// The `N − 1` merges (not sorted by height).
    public let merges: [Merge]

    /// Builds the tree of `distances` (see ``PairwiseDistances``).
    public init(_ distances: PairwiseDistances) {
        let n = distances.count
        pointCount = n
        var d = distances.values
        var size = [Int](repeating: 1, count: n)
        var active = Array(0..<n)                       // active cluster ids (each a member point)
        var position = Array(0..<n)                     // index of an id in `active`, or -1
        var chain: [Int] = []
        var merges: [Merge] = []
        merges.reserveCapacity(Swift.max(n - 1, 0))
        while active.count > 1 {
            if chain.isEmpty { chain.append(active[0]) }
            let a = chain[chain.count - 1]
            let previous = chain.count >= 2 ? chain[chain.count - 2] : -1
            var best = previous, bestDistance = previous >= 0 ? d[a * n + previous] : Double.infinity
            for k in active where k != a {
                let v = d[a * n + k]
                if v < bestDistance { best = k; bestDistance = v }
            }
            if best == previous {
                chain.removeLast(2)
                // Merge `previous` into `a` (Lance–Williams update for average linkage).
                let (na, nb) = (Double(size[a]), Double(size[previous]))
                for k in active where k != a && k != previous {
                    let v = (na * d[a * n + k] + nb * d[previous * n + k]) / (na + nb)
                    d[a * n + k] = v
                    d[k * n + a] = v
                }
                size[a] += size[previous]
                merges.append(Merge(first: a, second: previous, height: bestDistance))
                let p = position[previous], last = active[active.count - 1]
                active[p] = last
                position[last] = p
                active.removeLast()
                position[previous] = -1
            } else {
                chain.append(best)
            }
        }
        self.merges = merges
    }

    /// The cluster of each point when the tree is cut at `height` (merges at or below it are kept).
    /// - Returns: `[N]` cluster labels numbered from 0 in order of first appearance.
    public func labels(cuttingAt height: Double) -> [Int] {
        var parent = Array(0..<pointCount)
        func find(_ x: Int) -> Int {
            var r = x
            while parent[r] != r { r = parent[r] }
            var y = x
            while parent[y] != r { let next = parent[y]; parent[y] = r; y = next }
            return r
        }
        for m in merges where m.height <= height {
            let (ra, rb) = (find(m.first), find(m.second))
            if ra != rb { parent[rb] = ra }
        }
        var numbering: [Int: Int] = [:]
        return (0..<pointCount).map { i in
            let r = find(i)
            if let k = numbering[r] { return k }
            numbering[r] = numbering.count
            return numbering[r]!
        }
    }
}

// MARK: - The study's cluster-count rule

/// The number of clusters found without labels, by a documented rule:
///
/// 1. Build the average-linkage tree of the Euclidean distances between latents.
/// 2. Cut it at `τ = max(relativeThreshold · D̄, scaleFloor · R)`, where `D̄` is the mean pairwise distance and
///    `R = sqrt(mean_i ‖z_i‖²)` is the root-mean-square norm of the latents. The first term makes the rule
///    invariant to the scale of the space; the floor keeps a collapsed set (pairwise distances tiny next to the
///    size of the vectors themselves) in one cluster instead of splitting its numerical noise.
/// 3. Count the clusters holding at least `minimumClusterFraction · N` points (at least 2 points); smaller
///    clusters are outliers, and ``ClusterCount/clusteredFraction`` reports how many points the counted
///    clusters cover.
///
/// The defaults (`0.2`, `0.05`, `0.01`) separate nine equally spaced groups on a line, whose neighbours are
/// `0.3 D̄` apart, as long as each group's spread is small against that spacing.
public struct ClusterCountRule: Sendable, Codable, Equatable {
    /// The cut height as a fraction of the mean pairwise distance.
    public var relativeThreshold = 0.2
    /// The lowest cut height as a fraction of the root-mean-square latent norm.
    public var scaleFloor = 0.05
    /// The smallest cluster counted, as a fraction of the points.
    public var minimumClusterFraction = 0.01

    public init() {}

    /// Applies the rule.
    /// - Parameters:
    ///   - points: the latents `[N, D]`.
    ///   - distances: their pairwise distances (computed when nil).
    public func count(_ points: FeatureMatrix, distances: PairwiseDistances? = nil) -> ClusterCount {
        let distances = distances ?? PairwiseDistances(points)
        let n = points.rowCount
        guard n > 0 else { return ClusterCount(clusters: 0, clusteredFraction: 0, threshold: 0, labels: []) }
        let rms = (points.values.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
        let threshold = Swift.max(relativeThreshold * distances.mean, scaleFloor * rms)
        let labels = AverageLinkage(distances).labels(cuttingAt: threshold)
        var sizes: [Int: Int] = [:]
        for l in labels { sizes[l, default: 0] += 1 }
        let minimum = Swift.max(2, Int((minimumClusterFraction * Double(n)).rounded(.up)))
        let kept = sizes.values.filter { $0 >= minimum }
        let covered = Double(kept.reduce(0, +)) / Double(n)
        // A single point, or all points identical, is one cluster.
        if kept.isEmpty && sizes.count == 1 { return ClusterCount(clusters: 1, clusteredFraction: 1, threshold: threshold, labels: labels) }
        return ClusterCount(clusters: kept.count, clusteredFraction: covered, threshold: threshold, labels: labels)
    }
}

/// The result of ``ClusterCountRule/count(_:distances:)``.
public struct ClusterCount: Sendable, Equatable {
    /// The number of clusters holding at least the minimum number of points.
    public var clusters: Int
    /// The fraction of points inside those clusters.
    public var clusteredFraction: Double
    /// The cut height `τ` used.
    public var threshold: Double
    /// The cluster label of each point (all clusters, including small ones).
    public var labels: [Int]
}
