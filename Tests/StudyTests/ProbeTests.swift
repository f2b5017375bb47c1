// Foresight — StudyTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Study

/// Linear probes and pixel features on data with known answers.
@Suite struct ProbeTests {
    /// Features that encode `label` linearly (a random direction per class) plus noise, in 12 dimensions.
    static func encoded(labels: [Int], classes: Int, noise: Double, seed: UInt64) -> FeatureMatrix {
        var g = SeededGenerator(seed: seed)
        let directions = (0..<classes).map { _ in (0..<12).map { _ in Double(g.nextNormal()) } }
        return FeatureMatrix(rows: labels.map { l in directions[l].map { $0 + noise * Double(g.nextNormal()) } })
    }

    @Test func probeRecoversALinearlyEncodedLabel() {
        let train = (0..<400).map { $0 % 4 }, test = (0..<200).map { ($0 * 7) % 4 }
        let accuracy = LinearProbe.accuracy(train: (Self.encoded(labels: train, classes: 4, noise: 0.05, seed: 1), train),
                                            test: (Self.encoded(labels: test, classes: 4, noise: 0.05, seed: 1), test), classCount: 4)
        #expect(accuracy == 1)
    }

    @Test func probeIsNearChanceOnUnrelatedFeatures() {
        var g = SeededGenerator(seed: 2)
        let noise = { (n: Int) in FeatureMatrix(rows: (0..<n).map { _ in (0..<12).map { _ in Double(g.nextNormal()) } }) }
        let train = (0..<600).map { $0 % 4 }, test = (0..<400).map { $0 % 4 }
        let accuracy = LinearProbe.accuracy(train: (noise(600), train), test: (noise(400), test), classCount: 4)
        #expect(accuracy > 0.15 && accuracy < 0.35)
    }

    @Test func regressionR2IsOneForALinearTargetAndNearZeroForNoise() {
        var g = SeededGenerator(seed: 3)
        let make = { (n: Int) -> (FeatureMatrix, FeatureMatrix) in
            let x = FeatureMatrix(rows: (0..<n).map { _ in (0..<6).map { _ in Double(g.nextNormal()) } })
            let y = FeatureMatrix(rows: (0..<n).map { i in [2 * x[i, 0] - x[i, 3] + 0.5, x[i, 1]] })
            return (x, y)
        }
        let (trainX, trainY) = make(300), (testX, testY) = make(200)
        #expect(LinearProbe.rSquared(train: (trainX, trainY), test: (testX, testY)) > 0.999)
        let noise = FeatureMatrix(rows: (0..<300).map { _ in [Double(g.nextNormal())] })
        let testNoise = FeatureMatrix(rows: (0..<200).map { _ in [Double(g.nextNormal())] })
        #expect(LinearProbe.rSquared(train: (trainX, noise), test: (testX, testNoise)) < 0.05)
    }

    @Test func penaltySelectionPrefersStrongPenaltiesForNoisyFeatures() {
        var g = SeededGenerator(seed: 4)
        // 200 pure-noise features and 250 rows (200 fitted, 50 validated): a weak penalty nearly interpolates the
        // noise and predicts badly, a strong one predicts the mean. A second, linear target needs a weak one.
        let x = FeatureMatrix(rows: (0..<250).map { _ in (0..<200).map { _ in Double(g.nextNormal()) } })
        let y = FeatureMatrix(rows: (0..<250).map { i in [Double(g.nextNormal()), x[i, 0] + 0.01 * Double(g.nextNormal())] })
        let (_, penalties) = RidgeRegression.selectingPenalty(features: x, targets: y)
        #expect(penalties[0] >= 1)
        #expect(penalties[1] <= 1e-2)
    }

    @Test func pixelFeaturesRecoverShapeColourAndPosition() throws {
        let train = try ProbeSet.generate(count: 360, seed: 11), test = try ProbeSet.generate(count: 180, seed: 12)
        let scores = ProbeScores.measure(train: PixelFeatures.extract(train.observations), trainSet: train,
                                         test: PixelFeatures.extract(test.observations), testSet: test)
        #expect(scores.shapeAccuracy > 0.9)
        #expect(scores.colourR2 > 0.95)
        #expect(scores.positionR2 > 0.95)
        #expect(scores.colourAccuracy > 0.3)
    }

    @Test func probeSetLabels() throws {
        let set = try ProbeSet.generate(count: 18, seed: 5)
        #expect(set.counts == (0..<18).map { $0 % 9 })
        #expect(set.nonEmptyIndices.count == 16)
        #expect(set.colorBins.allSatisfy { (0..<8).contains($0) })
        let c = set.centroids
        for i in set.nonEmptyIndices {
            let s = set.scenes[i]
            #expect(abs(c[i, 0] * 64 - Double(s.positions.map(\.x).reduce(0, +)) / Double(s.count)) < 1e-9)
        }
    }
}
