// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Ridge regression

/// A linear map fitted by ridge regression on standardised features:
/// ```
/// x̃ = (x − μ) / s,   W = (X̃ᵀX̃ + λ N I)⁻¹ X̃ᵀ (Y − ȳ),   ŷ = x̃ W + ȳ
/// ```
/// with `μ`, `s` the training columns' mean and standard deviation (constant columns get `s = 1`) and the
/// penalty `λ` scaled by the number of training rows `N`.
public struct RidgeRegression: Sendable {
    /// `[D]`.
    public let featureMean: [Double], featureScale: [Double]
    /// `[D, M]`, row-major.
    public let weights: [Double]
    /// `[M]`.
    public let targetMean: [Double]
    public let featureCount: Int, targetCount: Int

    /// Fits `targets` `[N, M]` from `features` `[N, D]` with a fixed penalty.
    /// - Parameter penalty: `λ`, relative to `N`.
    /// - Precondition: the row counts agree and are positive.
    public init(features: FeatureMatrix, targets: FeatureMatrix, penalty: Double = 1e-3) {
        precondition(features.rowCount == targets.rowCount && features.rowCount > 0,
                     "RidgeRegression: \(features.rowCount) feature rows for \(targets.rowCount) target rows")
        let prepared = Prepared(features: features, targets: targets)
        self.init(prepared, weights: prepared.solve(penalty: penalty))
    }

    /// Fits with, for each target column, the penalty from `penalties` that gives the smallest squared error on
    /// a held-out tail of the training rows (the last `validationFraction` of them); then refits on all rows.
    /// - Returns: the model and the chosen penalty of each target column.
    public static func selectingPenalty(features: FeatureMatrix, targets: FeatureMatrix,
                                        penalties: [Double] = RidgeRegression.defaultPenalties,
                                        validationFraction: Double = 0.2) -> (model: RidgeRegression, penalties: [Double]) {
        precondition(!penalties.isEmpty, "selectingPenalty needs at least one penalty")
        let (n, m) = (features.rowCount, targets.columnCount)
        let holdout = Int(Double(n) * validationFraction)
        var best = [Double](repeating: penalties[0], count: m)
        if holdout >= 1 && n - holdout >= 2 && penalties.count > 1 {
            let fitRows = Array(0..<(n - holdout)), valRows = Array((n - holdout)..<n)
            let prepared = Prepared(features: features.rows(fitRows), targets: targets.rows(fitRows))
            let (valX, valY) = (features.rows(valRows), targets.rows(valRows))
            var bestError = [Double](repeating: .infinity, count: m)
            for penalty in penalties {
                let predicted = RidgeRegression(prepared, weights: prepared.solve(penalty: penalty)).predict(valX)
                for c in 0..<m {
                    var error = 0.0
                    for i in 0..<predicted.rowCount { let d = predicted[i, c] - valY[i, c]; error += d * d }
                    if error < bestError[c] { bestError[c] = error; best[c] = penalty }
                }
            }
        }
        let prepared = Prepared(features: features, targets: targets)
        var weights = [Double](repeating: 0, count: prepared.d * m)
        for penalty in Set(best) {
            let w = prepared.solve(penalty: penalty)
            for c in 0..<m where best[c] == penalty { for j in 0..<prepared.d { weights[j * m + c] = w[j * m + c] } }
        }
        return (RidgeRegression(prepared, weights: weights), best)
    }

    /// The penalty grid of the probes: `λ ∈ {1e-4, 1e-3, 1e-2, 1e-1, 1, 10}` (relative to `N`).
    public static let defaultPenalties: [Double] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10]

    /// Standardised features, centred targets and the normal equations' parts.
    struct Prepared {
        var mean: [Double], scale: [Double], targetMean: [Double]
        var gram: [Double], xty: [Double]
        var n: Int, d: Int, m: Int

        init(features: FeatureMatrix, targets: FeatureMatrix) {
            (n, d, m) = (features.rowCount, features.columnCount, targets.columnCount)
            mean = features.columnMeans
            var sq = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { let t = features[i, j] - mean[j]; sq[j] += t * t } }
            let count = Double(n)
            scale = sq.map { v in let s = (v / count).squareRoot(); return s > 1e-12 ? s : 1 }
            targetMean = targets.columnMeans
            var x = features
            for i in 0..<n { for j in 0..<d { x[i, j] = (x[i, j] - mean[j]) / scale[j] } }
            gram = x.gram
            var xty = [Double](repeating: 0, count: d * m)
            for i in 0..<n {
                for j in 0..<d {
                    let v = x[i, j]
                    if v == 0 { continue }
                    for c in 0..<m { xty[j * m + c] += v * (targets[i, c] - targetMean[c]) }
                }
            }
            self.xty = xty
        }

        func solve(penalty: Double) -> [Double] {
            var a = gram
            for j in 0..<d { a[j * d + j] += penalty * Double(n) + 1e-9 }
            return LinearAlgebra.choleskySolve(a, n: d, xty, m: m) ?? [Double](repeating: 0, count: d * m)
        }
    }

    init(_ p: Prepared, weights: [Double]) {
        featureMean = p.mean
        featureScale = p.scale
        targetMean = p.targetMean
        self.weights = weights
        featureCount = p.d
        targetCount = p.m
    }

    /// Predictions `[N, M]` for `features` `[N, D]`.
    public func predict(_ features: FeatureMatrix) -> FeatureMatrix {
        precondition(features.columnCount == featureCount, "RidgeRegression.predict: \(features.columnCount) features, fitted on \(featureCount)")
        var out = FeatureMatrix.zeros(rowCount: features.rowCount, columnCount: targetCount)
        for i in 0..<features.rowCount {
            for c in 0..<targetCount { out[i, c] = targetMean[c] }
            for j in 0..<featureCount {
                let v = (features[i, j] - featureMean[j]) / featureScale[j]
                if v == 0 { continue }
                for c in 0..<targetCount { out[i, c] += v * weights[j * targetCount + c] }
            }
        }
        return out
    }
}

// MARK: - Probes

/// Linear probes: a ridge classifier (least squares on one-hot targets, argmax) and a ridge regressor scored
/// by R², both fitted on one split and scored on another. The penalty is chosen on a held-out fifth of the
/// training split (``RidgeRegression/selectingPenalty(features:targets:penalties:validationFraction:)``).
public enum LinearProbe {
    /// Classification accuracy of a ridge classifier on the test split.
    /// - Parameters:
    ///   - train: features `[N₁, D]` and labels `[N₁]` in `0..<classCount`.
    ///   - test: features `[N₂, D]` and labels `[N₂]`.
    /// - Returns: the fraction of test rows classified correctly (ties go to the smaller class).
    public static func accuracy(train: (features: FeatureMatrix, labels: [Int]), test: (features: FeatureMatrix, labels: [Int]),
                                classCount: Int) -> Double {
        precondition(train.labels.allSatisfy { (0..<classCount).contains($0) } && test.labels.allSatisfy { (0..<classCount).contains($0) },
                     "LinearProbe.accuracy: labels outside 0..<\(classCount)")
        guard !test.labels.isEmpty, !train.labels.isEmpty else { return 0 }
        var oneHot = FeatureMatrix.zeros(rowCount: train.labels.count, columnCount: classCount)
        for (i, l) in train.labels.enumerated() { oneHot[i, l] = 1 }
        let scores = RidgeRegression.selectingPenalty(features: train.features, targets: oneHot).model.predict(test.features)
        var correct = 0
        for i in 0..<scores.rowCount {
            var best = 0
            for c in 1..<classCount where scores[i, c] > scores[i, best] { best = c }
            if best == test.labels[i] { correct += 1 }
        }
        return Double(correct) / Double(scores.rowCount)
    }

    /// The coefficient of determination on the test split, averaged over target columns:
    /// `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ_test)²` per column (a column with no test variance is skipped).
    /// 1 is perfect, 0 is as good as predicting the mean, negative is worse.
    public static func rSquared(train: (features: FeatureMatrix, targets: FeatureMatrix), test: (features: FeatureMatrix, targets: FeatureMatrix)) -> Double {
        guard train.features.rowCount > 0, test.features.rowCount > 0 else { return .nan }
        let model = RidgeRegression.selectingPenalty(features: train.features, targets: train.targets).model
        return rSquared(predicted: model.predict(test.features), actual: test.targets)
    }

    /// Mean R² of `predicted` against `actual`, both `[N, M]`.
    public static func rSquared(predicted: FeatureMatrix, actual: FeatureMatrix) -> Double {
        precondition(predicted.rowCount == actual.rowCount && predicted.columnCount == actual.columnCount,
                     "rSquared: shapes [\(predicted.rowCount), \(predicted.columnCount)] and [\(actual.rowCount), \(actual.columnCount)] differ")
        let mean = actual.columnMeans
        var scores: [Double] = []
        for c in 0..<actual.columnCount {
            var (residual, total) = (0.0, 0.0)
            for i in 0..<actual.rowCount {
                residual += (actual[i, c] - predicted[i, c]) * (actual[i, c] - predicted[i, c])
                total += (actual[i, c] - mean[c]) * (actual[i, c] - mean[c])
            }
            if total > 0 { scores.append(1 - residual / total) }
        }
        return scores.isEmpty ? .nan : scores.reduce(0, +) / Double(scores.count)
    }
}
