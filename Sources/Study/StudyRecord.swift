// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Learning curves

/// One point of a learning curve: losses averaged over the updates since the previous point, and the
/// representation measured on the curve set after `update` updates.
public struct LearningCurvePoint: Codable, Equatable, Sendable {
    public var update: Int
    public var consistencyLoss: Double
    /// The encoder-shaping auxiliary loss: current reward (P-JEPA arms), random projection (`random`), or
    /// the Q loss (`q`, `reward+q`).
    public var auxiliaryLoss: Double
    public var rewardLoss: Double
    public var valueLoss: Double
    /// Nearest-centroid count accuracy on the curve set.
    public var countAccuracy: Double
    /// Mean pairwise latent distance on the curve set.
    public var meanPairwiseDistance: Double
}

// MARK: - Representation

/// The label-free and label-based metrics of one set of latents.
public struct RepresentationScores: Codable, Equatable, Sendable {
    /// Nearest-centroid count accuracy (the authors' metric).
    public var countAccuracy: Double
    /// Clusters found by ``ClusterCountRule``.
    public var clusters: Int
    public var clusteredFraction: Double
    /// The cut height `τ` of the cluster rule.
    public var clusterThreshold: Double
    /// Mean same-count distance over mean different-count distance.
    public var withinBetweenRatio: Double
    public var meanPairwiseDistance: Double
    /// Root-mean-square latent norm (the scale of the space).
    public var rmsNorm: Double
    public var rankme: Double

    /// Measures `latents` `[N, L]` against `counts` `[N]` (`distances`: their pairwise distances, computed when nil).
    public static func measure(_ latents: FeatureMatrix, counts: [Int], rule: ClusterCountRule,
                               distances: PairwiseDistances? = nil) -> RepresentationScores {
        let distances = distances ?? PairwiseDistances(latents)
        let clusters = rule.count(latents, distances: distances)
        let rms = (latents.values.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(latents.rowCount, 1))).squareRoot()
        return RepresentationScores(countAccuracy: RepresentationMetrics.nearestCentroidAccuracy(latents, labels: counts),
                                    clusters: clusters.clusters, clusteredFraction: clusters.clusteredFraction, clusterThreshold: clusters.threshold,
                                    withinBetweenRatio: distances.withinOverBetweenRatio(labels: counts),
                                    meanPairwiseDistance: distances.mean, rmsNorm: rms, rankme: RepresentationMetrics.rankMe(latents))
    }
}

// MARK: - One entry of metrics.json

/// One configuration and seed: every number the study reports. Encoded with snake-case keys
/// (`count_accuracy`, `shape_probe_accuracy`, ...); the README's "Study outputs" section documents each field.
public struct StudyRecord: Codable, Equatable, Sendable {
    public var config: String
    public var seed: Int
    // Representation on the held-out probe set.
    public var countAccuracy: Double
    public var clusters: Int
    public var clusteredFraction: Double
    public var clusterThreshold: Double
    public var withinBetweenRatio: Double
    public var meanPairwiseDistance: Double
    public var rmsNorm: Double
    public var rankme: Double
    /// Nearest-centroid accuracy of the images of each count `0...8` (index = count; absent in files from before
    /// session 17).
    public var countAccuracyByCount: [Double]?
    /// Entry `k`: the mean distance between the held-out latents of counts `k` and `k + 1` over the larger mean
    /// distance within either (``PairwiseDistances/adjacentLabelSeparation(labels:)``); above 1, the two counts are
    /// apart at their own scale. Absent in files from before session 18.
    public var adjacentSeparation: [Double]?
    // Linear probes on the latents.
    public var countProbeAccuracy: Double
    public var shapeProbeAccuracy: Double
    public var colourProbeAccuracy: Double
    public var colourProbeR2: Double
    public var positionProbeR2: Double
    // Decoder probe.
    public var decoderMse: Double
    public var decoderMeanImageMse: Double
    public var decoderCountAccuracy: Double
    public var decoderShapeAccuracy: Double
    public var decoderColourAccuracy: Double
    public var decoderColourR2: Double
    public var decoderPositionR2: Double
    // Closed loop on Counting-v0 (MPPI, evaluation mode) and the oracle.
    public var successRate: Double
    public var meanReturn: Double
    public var meanStepsToTarget: Double?
    public var oracleSuccessRate: Double
    public var oracleMeanReturn: Double
    public var oracleMeanStepsToTarget: Double?
    // With --closed-loop: CountingHold-v0 (an agent trained on random-action Hold data).
    public var holdSuccessRate: Double?
    public var holdMeanReturn: Double?
    public var holdMeanStepsToTarget: Double?
    public var holdOracleMeanReturn: Double?
    public var holdOracleMeanStepsToTarget: Double?
    // With --closed-loop: after training on the agent's own Counting-v0 experience.
    public var onlineCountAccuracy: Double?
    public var onlineClusters: Int?
    public var onlineMeanPairwiseDistance: Double?
    public var onlineShapeProbeAccuracy: Double?
    public var onlineSuccessRate: Double?
    public var onlineMeanReturn: Double?
    // Training.
    public var updates: Int
    public var finalConsistencyLoss: Double
    public var finalAuxiliaryLoss: Double
    public var trainSeconds: Double
    public var totalSeconds: Double
    public var curve: [LearningCurvePoint]

    /// The encoder used by `JSONEncoder`/`JSONDecoder` for metrics.json (snake-case keys, sorted, pretty).
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
