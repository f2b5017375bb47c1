// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TDMPC2
import TensorCore

// MARK: - The representation of a trained agent

/// What a trained agent's encoder makes of the counting images: the study's representation metrics and linear
/// probes, measured on the agent that plans (``TDMPC2Agent/averagedModel`` when the agent evaluates with it).
///
/// This is the closed-loop side of the study's question. The P-JEPA paper (arXiv 2509.12249) predicts that an
/// encoder trained on latent-transition consistency together with an auxiliary head keeps observations apart
/// that differ in their dynamics or auxiliary value: on the counting images, nine groups, one per count, with
/// shape, colour and position abstracted away. ``CountingStudy`` measures it after training on random-action
/// data; this measures it on any agent, for example the last checkpoint of a `foresight train` run.
public struct AgentRepresentation: Codable, Equatable, Sendable {
    /// `"averaged"` (the weight average the agent plans its evaluation actions with) or `"trained"`.
    public var weights: String
    /// Held-out images the metrics are measured on (balanced counts 0-8).
    public var probeImages: Int
    /// Images the linear probes are fitted on.
    public var probeTrainImages: Int
    /// Nearest-count-centroid accuracy, clusters, distances and rank of the held-out latents.
    public var representation: RepresentationScores
    /// Linear probes from the latents: count, shape, colour, position.
    public var probes: ProbeScores

    /// The probe sets' seeds: those of ``CountingStudy``, so the figures compare with the study's.
    public static let probeSeed: UInt64 = 70_001
    public static let probeTrainSeed: UInt64 = 70_002

    /// Encodes `probeCount` held-out and `probeTrainCount` probe-training counting images with `agent`'s
    /// encoder and measures them.
    /// - Parameters:
    ///   - agent: a pixel agent whose observations are the counting images `[3, 64, 64]`.
    ///   - probeCount: held-out images (at least 9); the study uses 1,080.
    ///   - probeTrainCount: probe-training images (at least 9); the study uses 1,800.
    ///   - rule: the cluster-count rule.
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` for an agent that does not read the
    ///   counting images or for too few images; errors of the image generator.
    public static func measure(agent: TDMPC2Agent, probeCount: Int = 1080, probeTrainCount: Int = 1800,
                               rule: ClusterCountRule = ClusterCountRule()) throws -> AgentRepresentation {
        try requireCountingImages(agent)
        guard probeCount >= 9 else { throw StudyError.invalidSetting(name: "probeCount", value: "\(probeCount)", expected: ">= 9") }
        guard probeTrainCount >= 9 else {
            throw StudyError.invalidSetting(name: "probeTrainCount", value: "\(probeTrainCount)", expected: ">= 9")
        }
        return try measure(agent: agent, probeSet: ProbeSet.generate(count: probeCount, seed: probeSeed),
                           trainSet: ProbeSet.generate(count: probeTrainCount, seed: probeTrainSeed), rule: rule)
    }

    /// Measures `agent` on given probe sets (held-out `probeSet`, probe-fitting `trainSet`, at least 9 images each).
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` as above.
    public static func measure(agent: TDMPC2Agent, probeSet: ProbeSet, trainSet: ProbeSet,
                               rule: ClusterCountRule = ClusterCountRule()) throws -> AgentRepresentation {
        try requireCountingImages(agent)
        guard probeSet.count >= 9 else { throw StudyError.invalidSetting(name: "probeCount", value: "\(probeSet.count)", expected: ">= 9") }
        guard trainSet.count >= 9 else {
            throw StudyError.invalidSetting(name: "probeTrainCount", value: "\(trainSet.count)", expected: ">= 9")
        }
        let (probeCount, probeTrainCount) = (probeSet.count, trainSet.count)
        let model = agent.evaluationModel
        let latents = FeatureMatrix(encode(model, probeSet.observations))
        let trainLatents = FeatureMatrix(encode(model, trainSet.observations))
        return AgentRepresentation(
            weights: model === agent.model ? "trained" : "averaged", probeImages: probeCount, probeTrainImages: probeTrainCount,
            representation: RepresentationScores.measure(latents, counts: probeSet.counts, rule: rule),
            probes: ProbeScores.measure(train: trainLatents, trainSet: trainSet, test: latents, testSet: probeSet))
    }

    /// The columns of ``values``, as the trainer's representation log (`representation.csv`) names them.
    public static let columns = ["count_accuracy", "clusters", "clustered_fraction", "within_between_ratio", "mean_pairwise_distance",
                                 "rankme", "count_probe_accuracy", "shape_probe_accuracy", "colour_probe_accuracy", "colour_probe_r2",
                                 "position_probe_r2"]

    /// The scores in the order of ``columns``.
    public var values: [Double] {
        let (m, p) = (representation, probes)
        return [m.countAccuracy, Double(m.clusters), m.clusteredFraction, m.withinBetweenRatio, m.meanPairwiseDistance, m.rankme,
                p.countAccuracy, p.shapeAccuracy, p.colourAccuracy, p.colourR2, p.positionR2]
    }

    static func requireCountingImages(_ agent: TDMPC2Agent) throws {
        let shape = agent.configuration.observationShape
        guard shape == [3, 64, 64] else {
            throw StudyError.invalidSetting(name: "observation shape", value: "\(shape)", expected: "[3, 64, 64] (the counting images)")
        }
    }

    /// `[N, L]` latents of `observations` `[N, 3, 64, 64]`, without augmentation, in chunks.
    static func encode(_ model: WorldModel, _ observations: Tensor, chunk: Int = 128) -> Tensor {
        withoutGradients {
            var parts: [Tensor] = []
            var start = 0
            while start < observations.shape[0] {
                let end = Swift.min(start + chunk, observations.shape[0])
                parts.append(model.encoder(observations.slice(along: 0, start..<end)))
                start = end
            }
            return Tensor.concatenate(parts, along: 0)
        }
    }
}
