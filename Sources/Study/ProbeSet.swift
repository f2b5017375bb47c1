// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Counting
import Foundation
import TensorCore

// MARK: - ProbeSet

/// Labelled counting observations with their ground truth, as the probes read it.
///
/// Labels (documented in the README, "Study outputs"):
/// - count: `0...8` (9 classes, chance 1/9);
/// - shape: ``CountingShape/rawValue`` (4 classes, chance 1/4);
/// - colour bin: one bit per channel, `red >= 128`, `green >= 128`, `blue >= 128` (8 classes, chance 1/8;
///   channels are uniform in `[30, 226)`, so each bit is balanced);
/// - colour: the RGB bytes divided by 255 (`[N, 3]`), for R²;
/// - position: the centroid of the object centres divided by 64 (`[N, 2]`), for R², defined for count >= 1.
public struct ProbeSet: Sendable {
    /// `[N, 3, 64, 64]`, values `0...255`.
    public var observations: Tensor
    /// Ground truth per observation.
    public var scenes: [CountingScene]

    /// Generates `count` observations with the counting dataset generator (balanced counts, random shape and
    /// colour per image).
    /// - Throws: ``EnvironmentError`` from the generator for an invalid size.
    public static func generate(count: Int, seed: UInt64) throws -> ProbeSet {
        let data = try CountingDataset.generate(sampleCount: count, seed: seed)
        return ProbeSet(observations: data.observations, scenes: data.scenes)
    }

    public init(observations: Tensor, scenes: [CountingScene]) {
        precondition(observations.shape.first == scenes.count, "ProbeSet: \(observations.shape) for \(scenes.count) scenes")
        self.observations = observations
        self.scenes = scenes
    }

    /// `N`.
    public var count: Int { scenes.count }
    /// `[N]` object counts.
    public var counts: [Int] { scenes.map(\.count) }
    /// `[N]` shape indices.
    public var shapes: [Int] { scenes.map(\.shape.rawValue) }
    /// `[N]` colour bins in `0..<8`.
    public var colorBins: [Int] {
        scenes.map { s in (s.color.red >= 128 ? 4 : 0) + (s.color.green >= 128 ? 2 : 0) + (s.color.blue >= 128 ? 1 : 0) }
    }
    /// `[N, 3]` colours in `[0, 1]`.
    public var colors: FeatureMatrix {
        FeatureMatrix(rows: scenes.map { s in s.color.channels.map { Double($0) / 255 } })
    }
    /// Indices of observations with at least one object (where position is defined).
    public var nonEmptyIndices: [Int] { scenes.indices.filter { scenes[$0].count > 0 } }
    /// `[N, 2]` object-centroid `(x, y) / 64` (`(0.5, 0.5)` for an empty image; use ``nonEmptyIndices``).
    public var centroids: FeatureMatrix {
        FeatureMatrix(rows: scenes.map { s in
            guard s.count > 0 else { return [0.5, 0.5] }
            let x = Double(s.positions.map(\.x).reduce(0, +)) / Double(s.count)
            let y = Double(s.positions.map(\.y).reduce(0, +)) / Double(s.count)
            return [x / 64, y / 64]
        })
    }

    /// The observations at `indices`.
    public func subset(_ indices: [Int]) -> ProbeSet {
        ProbeSet(observations: observations.gathering(indices), scenes: indices.map { scenes[$0] })
    }
}

// MARK: - Probe results

/// Linear-probe scores on one kind of features (latents, decoded images or raw pixels).
public struct ProbeScores: Sendable, Codable, Equatable {
    /// Count classification accuracy (chance 1/9).
    public var countAccuracy: Double
    /// Shape classification accuracy (chance 1/4).
    public var shapeAccuracy: Double
    /// Colour-bin classification accuracy (chance 1/8).
    public var colourAccuracy: Double
    /// R² of the RGB colour regression.
    public var colourR2: Double
    /// R² of the object-centroid regression (images with at least one object).
    public var positionR2: Double

    /// Fits every probe on `train` features and scores it on `test` features. Two ridge fits share the work:
    /// one on all rows (count), one on the rows with objects (shape, colour bin, colour, position; shape and
    /// colour are undefined for an empty image) with all their targets as columns.
    /// - Parameters:
    ///   - train: features `[N₁, D]` of `trainSet`.
    ///   - test: features `[N₂, D]` of `testSet`.
    public static func measure(train: FeatureMatrix, trainSet: ProbeSet, test: FeatureMatrix, testSet: ProbeSet) -> ProbeScores {
        let count = LinearProbe.accuracy(train: (train, trainSet.counts), test: (test, testSet.counts), classCount: 9)
        let (ti, si) = (trainSet.nonEmptyIndices, testSet.nonEmptyIndices)
        guard !ti.isEmpty, !si.isEmpty else { return ProbeScores(countAccuracy: count, shapeAccuracy: .nan, colourAccuracy: .nan, colourR2: .nan, positionR2: .nan) }
        let (trainS, testS) = (trainSet.labels(ti), testSet.labels(si))
        // Targets: shape one-hot (4) | colour-bin one-hot (8) | RGB (3) | centroid (2).
        func targets(_ l: Labels) -> FeatureMatrix {
            FeatureMatrix(rows: l.shapes.indices.map { i in
                var row = [Double](repeating: 0, count: 12)
                row[l.shapes[i]] = 1
                row[4 + l.colorBins[i]] = 1
                return row + l.colors.row(i) + l.centroids.row(i)
            })
        }
        let model = RidgeRegression.selectingPenalty(features: train.rows(ti), targets: targets(trainS)).model
        let predicted = model.predict(test.rows(si))
        func argmaxAccuracy(_ columns: Range<Int>, _ labels: [Int]) -> Double {
            var correct = 0
            for i in 0..<predicted.rowCount {
                var best = columns.lowerBound
                for c in columns where predicted[i, c] > predicted[i, best] { best = c }
                if best - columns.lowerBound == labels[i] { correct += 1 }
            }
            return Double(correct) / Double(predicted.rowCount)
        }
        func columns(_ r: Range<Int>) -> FeatureMatrix {
            FeatureMatrix(rows: (0..<predicted.rowCount).map { i in r.map { predicted[i, $0] } })
        }
        return ProbeScores(countAccuracy: count, shapeAccuracy: argmaxAccuracy(0..<4, testS.shapes),
                           colourAccuracy: argmaxAccuracy(4..<12, testS.colorBins),
                           colourR2: LinearProbe.rSquared(predicted: columns(12..<15), actual: testS.colors),
                           positionR2: LinearProbe.rSquared(predicted: columns(15..<17), actual: testS.centroids))
    }
}

/// The probe labels of a subset of a probe set.
struct Labels {
    var shapes: [Int], colorBins: [Int]
    var colors: FeatureMatrix, centroids: FeatureMatrix
}

extension ProbeSet {
    /// The labels of the scenes at `indices`.
    func labels(_ indices: [Int]) -> Labels {
        let subset = ProbeSet(observations: Tensor.zeros([indices.count, 1]), scenes: indices.map { scenes[$0] })
        return Labels(shapes: subset.shapes, colorBins: subset.colorBins, colors: subset.colors, centroids: subset.centroids)
    }
}
