// Foresight — StudyTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Study

/// Synthetic data with known answers for every representation metric.
@Suite struct MetricTests {
    /// `perCluster` points around each of `centers`, Gaussian noise of `spread`.
    static func blobs(_ centers: [[Double]], perCluster: Int, spread: Double, seed: UInt64) -> (FeatureMatrix, [Int]) {
        var g = SeededGenerator(seed: seed)
        var rows: [[Double]] = [], labels: [Int] = []
        for (k, c) in centers.enumerated() {
            for _ in 0..<perCluster {
                rows.append(c.map { $0 + spread * Double(g.nextNormal()) })
                labels.append(k)
            }
        }
        return (FeatureMatrix(rows: rows), labels)
    }

    /// Nine centres in 16 dimensions, well apart (random, scaled to distance ~5).
    static func nineCenters(seed: UInt64) -> [[Double]] {
        var g = SeededGenerator(seed: seed)
        return (0..<9).map { _ in (0..<16).map { _ in 3 * Double(g.nextNormal()) } }
    }

    @Test func perfectClustersGiveAccuracyOneAndNineClusters() {
        let (x, labels) = Self.blobs(Self.nineCenters(seed: 1), perCluster: 40, spread: 0.05, seed: 2)
        #expect(RepresentationMetrics.nearestCentroidAccuracy(x, labels: labels) == 1)
        let count = ClusterCountRule().count(x)
        #expect(count.clusters == 9)
        #expect(count.clusteredFraction == 1)
        let d = PairwiseDistances(x)
        #expect(d.withinOverBetweenRatio(labels: labels) < 0.05)
        // The found clusters are exactly the labels (up to renaming).
        var mapping: [Int: Int] = [:]
        for (found, truth) in zip(count.labels, labels) {
            #expect(mapping[found, default: truth] == truth)
            mapping[found] = truth
        }
    }

    @Test func collapsedPointsAreOneClusterWithNearZeroDistance() {
        let center = (0..<16).map { Double($0 % 3) * 0.2 + 0.1 }
        let (x, labels) = Self.blobs(Array(repeating: center, count: 9), perCluster: 30, spread: 1e-7, seed: 3)
        let d = PairwiseDistances(x)
        #expect(d.mean < 1e-5)
        #expect(ClusterCountRule().count(x).clusters == 1)
        #expect(d.withinOverBetweenRatio(labels: labels) > 0.8)   // labels do not organise noise
        let exact = FeatureMatrix(rows: Array(repeating: center, count: 20))
        #expect(ClusterCountRule().count(exact).clusters == 1)
        #expect(PairwiseDistances(exact).mean == 0)
    }

    @Test func nineGroupsOnALineAreSeparatedByTheDocumentedRule() {
        // Neighbours are 0.3 D̄ apart; the rule cuts at 0.2 D̄.
        let centers = (0..<9).map { k in [Double(k), 0, 0, 0] }
        let (x, labels) = Self.blobs(centers, perCluster: 30, spread: 0.03, seed: 4)
        #expect(ClusterCountRule().count(x).clusters == 9)
        #expect(RepresentationMetrics.nearestCentroidAccuracy(x, labels: labels) == 1)
        // Three coarse groups (0-2, 3-5, 6-8), as reward-only is expected to give.
        let coarse: [[Double]] = (0..<9).map { (k: Int) -> [Double] in
            let group = Double(k / 3) * 10, offset = Double(k % 3) * 0.05
            return [group + offset, 0]
        }
        let (y, ylabels) = Self.blobs(coarse, perCluster: 30, spread: 0.05, seed: 5)
        #expect(ClusterCountRule().count(y).clusters == 3)
        #expect(RepresentationMetrics.nearestCentroidAccuracy(y, labels: ylabels) < 0.8)
    }

    /// Nine groups on a line whose spacing shrinks by a factor 2.5 per step away from group 4 (the geometry of the
    /// counting study's joint encoder): every pair of neighbours is apart at its own scale, which the separation
    /// measure reports, while the documented global cut merges the tightly spaced outer groups.
    @Test func adjacentSeparationSeesGroupsAGlobalCutMerges() {
        var position = [Double](repeating: 0, count: 9)
        for k in 5...8 { position[k] = position[k - 1] + 2 * Foundation.pow(0.4, Double(k - 5)) }
        for k in stride(from: 3, through: 0, by: -1) { position[k] = position[k + 1] - 2 * Foundation.pow(0.4, Double(3 - k)) }
        // Each group's spread is a tenth of its distance to its nearer neighbour.
        var g = SeededGenerator(seed: 7)
        var rows: [[Double]] = [], labels: [Int] = []
        for k in 0..<9 {
            let gaps = [k > 0 ? position[k] - position[k - 1] : .infinity, k < 8 ? position[k + 1] - position[k] : .infinity]
            let spread = 0.1 * gaps.min()!
            for _ in 0..<30 {
                rows.append([position[k] + spread * Double(g.nextNormal()), spread * Double(g.nextNormal()), spread * Double(g.nextNormal())])
                labels.append(k)
            }
        }
        let x = FeatureMatrix(rows: rows)
        let separation = PairwiseDistances(x).adjacentLabelSeparation(labels: labels)
        #expect(separation.count == 8)
        #expect(separation.allSatisfy { $0 > 2 })
        #expect(RepresentationMetrics.nearestCentroidAccuracy(x, labels: labels) == 1)
        #expect(ClusterCountRule().count(x).clusters < 9)

        // Two groups on top of each other are not apart: the ratio is about 1 (between ≈ within).
        let (mixed, mixedLabels) = Self.blobs([[0, 0, 0], [0, 0, 0], [5, 0, 0]], perCluster: 40, spread: 0.3, seed: 3)
        let overlap = PairwiseDistances(mixed).adjacentLabelSeparation(labels: mixedLabels)
        #expect(abs(overlap[0] - 1) < 0.15)
        #expect(overlap[1] > 5)
        // A collapsed set: every distance 0, so no pair is apart.
        let collapsed = FeatureMatrix(rows: Array(repeating: [1, 2], count: 18))
        #expect(PairwiseDistances(collapsed).adjacentLabelSeparation(labels: (0..<18).map { $0 % 9 }) == Array(repeating: 0, count: 8))
        // A missing label gives NaN for both of its pairs.
        let gap = PairwiseDistances(mixed).adjacentLabelSeparation(labels: mixedLabels.map { $0 == 1 ? 2 : ($0 == 2 ? 3 : 0) })
        #expect(gap.count == 3 && gap[0].isNaN && gap[1].isNaN && gap[2] > 5)
    }

    @Test func accuracyByLabelShowsWhichLabelsAreConfused() {
        // Labels 0 and 1 sit next to each other, label 2 far away.
        let rows: [[Double]] = [[0, 0], [2, 0], [1, 0], [3, 0], [100, 0], [101, 0]]   // exact sums: ties are ties
        let labels = [0, 1, 0, 1, 2, 2]
        // Centroids: 0 at 0.5, 1 at 2.5, 2 at 100.5. Points 0 and 1 go to 0; 2 and 3 go to 1.
        let byLabel = RepresentationMetrics.nearestCentroidAccuracyByLabel(FeatureMatrix(rows: rows), labels: labels)
        #expect(byLabel == [0: 1, 1: 1, 2: 1])
        let swapped = [1, 0, 1, 0, 2, 2]   // the names of the two groups swapped: still every point on its own centroid
        let bySwapped = RepresentationMetrics.nearestCentroidAccuracyByLabel(FeatureMatrix(rows: rows), labels: swapped)
        #expect(bySwapped == [0: 1, 1: 1, 2: 1])
        // Interleaved: 0 at 0 and 3, 1 at 2 and 1 share the centroid 1.5; ties go to the smaller label.
        let interleaved = [0, 1, 1, 0, 2, 2]
        let byInterleaved = RepresentationMetrics.nearestCentroidAccuracyByLabel(FeatureMatrix(rows: rows), labels: interleaved)
        #expect(byInterleaved == [0: 1, 1: 0, 2: 1])
        let overall = RepresentationMetrics.nearestCentroidAccuracy(FeatureMatrix(rows: rows), labels: interleaved)
        #expect(abs(overall - 4.0 / 6.0) < 1e-12)
    }

    @Test func smallClustersAreOutliers() {
        var (x, _) = Self.blobs([[0, 0], [10, 0]], perCluster: 100, spread: 0.1, seed: 6)
        x = FeatureMatrix(rows: (0..<x.rowCount).map { x.row($0) } + [[50, 50]])
        let count = ClusterCountRule().count(x)
        #expect(count.clusters == 2)
        #expect(abs(count.clusteredFraction - 200.0 / 201.0) < 1e-12)
    }

    @Test func averageLinkageMatchesTheNaiveAlgorithm() {
        var g = SeededGenerator(seed: 7)
        let x = FeatureMatrix(rows: (0..<25).map { _ in (0..<3).map { _ in Double(g.nextNormal()) } })
        let d = PairwiseDistances(x)
        let fast = AverageLinkage(d).merges.map(\.height).sorted()
        // Naive: repeatedly merge the closest pair of clusters by mean member distance.
        var clusters = (0..<25).map { [$0] }
        var naive: [Double] = []
        while clusters.count > 1 {
            var best = (0, 1, Double.infinity)
            for a in 0..<clusters.count {
                for b in (a + 1)..<clusters.count {
                    var s = 0.0
                    for i in clusters[a] { for j in clusters[b] { s += d[i, j] } }
                    let v = s / Double(clusters[a].count * clusters[b].count)
                    if v < best.2 { best = (a, b, v) }
                }
            }
            naive.append(best.2)
            clusters[best.0] += clusters[best.1]
            clusters.remove(at: best.1)
        }
        #expect(fast.count == naive.count)
        for (a, b) in zip(fast, naive.sorted()) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func rankMeOfIdentityAndRankOneData() {
        let identity = FeatureMatrix(rows: (0..<16).map { i in (0..<16).map { $0 == i ? 1.0 : 0 } })
        #expect(abs(RepresentationMetrics.rankMe(identity) - 16) < 1e-3)
        var g = SeededGenerator(seed: 8)
        let direction = (0..<16).map { _ in Double(g.nextNormal()) }
        let rankOne = FeatureMatrix(rows: (0..<50).map { _ in let s = Double(g.nextNormal()); return direction.map { $0 * s } })
        #expect(abs(RepresentationMetrics.rankMe(rankOne) - 1) < 0.01)
        let collapsed = FeatureMatrix(rows: Array(repeating: direction, count: 30))
        #expect(abs(RepresentationMetrics.rankMe(collapsed) - 1) < 0.01)
        #expect(RepresentationMetrics.rankMe(FeatureMatrix.zeros(rowCount: 5, columnCount: 4)) == 0)
    }

    @Test func principalComponentsFindTheDominantDirection() {
        var g = SeededGenerator(seed: 9)
        let x = FeatureMatrix(rows: (0..<200).map { _ in [10 * Double(g.nextNormal()), 0.1 * Double(g.nextNormal()), 5] })
        let (coordinates, explained) = RepresentationMetrics.principalComponents(x, components: 2)
        #expect(explained[0] > 0.99)
        #expect(coordinates.columnCount == 2)
        // PC1 coordinates are the (centred) first feature up to sign and a rotation of order 0.1 / 10.
        let mean = x.columnMeans[0]
        let sign = coordinates[0, 0] * (x[0, 0] - mean) >= 0 ? 1.0 : -1.0
        for i in 0..<200 { #expect(abs(sign * coordinates[i, 0] - (x[i, 0] - mean)) < 1e-2) }
        // Eigenvalues of a known symmetric matrix.
        let eigen = LinearAlgebra.symmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], n: 3)
        for (a, b) in zip(eigen.values, [5.0, 3, 1]) { #expect(abs(a - b) < 1e-12) }
    }
}
