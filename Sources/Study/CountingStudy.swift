// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TDMPC2
import TensorCore

// MARK: - Progress

/// What a study run reports while it works (the CLI prints it; the library never does).
public enum StudyProgress: Sendable {
    /// A phase of one arm started (`"collect"`, `"train"`, `"metrics"`, `"decoder"`, `"control"`, ...).
    case phase(arm: StudyArm, seed: Int, name: String)
    /// A learning-curve point.
    case curve(arm: StudyArm, seed: Int, point: LearningCurvePoint)
    /// An arm finished.
    case finished(StudyRecord)
}

/// One arm and seed: the record for metrics.json and what the figures need.
public struct ArmRun: Sendable {
    public var record: StudyRecord
    /// Latents of the held-out probe set `[N, L]`.
    public var latents: FeatureMatrix
    /// Decoded held-out images `[K, 3, 64, 64]` (the first ``CountingStudy/gridSampleCount``), `0...255`.
    public var reconstructions: Tensor
}

// MARK: - Study

/// The counting-environment study of auxiliary heads: trains each arm on random-action Counting-v0 data and
/// measures the representation, the decoder probe and closed-loop control.
///
/// The probe sets are generated once (fixed seeds independent of the training seed), so every arm and seed is
/// measured on the same images. Training data are collected per seed and shared by the arms of that seed.
public final class CountingStudy {
    public let settings: StudySettings
    /// The held-out evaluation set (`probeCount` images, balanced counts).
    public let probeSet: ProbeSet
    /// The set the linear probes and the decoder are fitted on.
    public let probeTrainSet: ProbeSet
    /// The set the learning curves are measured on.
    public let curveSet: ProbeSet
    /// The pixel probes (``PixelFeatures``) on the original images: the ceiling of the decoder probe.
    public private(set) lazy var pixelReference: ProbeScores = ProbeScores.measure(
        train: PixelFeatures.extract(probeTrainSet.observations), trainSet: probeTrainSet,
        test: PixelFeatures.extract(probeSet.observations), testSet: probeSet)
    /// Indices of the held-out images shown in the reconstruction grid (one per count, twice).
    public var gridIndices: [Int] { Array(0..<Swift.min(Self.gridSampleCount, probeSet.count)) }
    public static let gridSampleCount = 18
    private var dataCache: [Int: EpisodeReplayBuffer] = [:]

    /// - Throws: ``StudyError`` for invalid settings, `EnvironmentError` from the dataset generator.
    public init(settings: StudySettings) throws {
        try settings.validate()
        self.settings = settings
        probeSet = try ProbeSet.generate(count: settings.probeCount, seed: 70_001)
        probeTrainSet = try ProbeSet.generate(count: settings.probeTrainCount, seed: 70_002)
        curveSet = try ProbeSet.generate(count: settings.curveProbeCount, seed: 70_003)
    }

    /// Encodes observations `[N, 3, 64, 64]` without augmentation, `[N, L]`, with the averaged weights when the agent
    /// keeps them (``StudySettings/evaluationAverageRate``), as its `.evaluate` actions do.
    public static func encode(_ agent: TDMPC2Agent, _ observations: Tensor, chunk: Int = 128) -> Tensor {
        AgentRepresentation.encode(agent.evaluationModel, observations, chunk: chunk)
    }

    /// Random-action Counting-v0 episodes for `seed` (collected once, shared by the arms).
    func randomData(seed: Int) throws -> EpisodeReplayBuffer {
        if let cached = dataCache[seed] { return cached }
        let buffer = try Rollout.randomEpisodes(task: .counting, count: settings.randomEpisodes, seed: UInt64(1000 + seed),
                                                reward: settings.trainingReward, episodeSteps: settings.trainingEpisodeSteps,
                                                terminatesOnSuccess: settings.trainingTerminatesOnSuccess)
        dataCache[seed] = buffer
        return buffer
    }

    /// Trains and measures one arm.
    /// - Throws: ``StudyError/trainingDiverged(arm:seed:update:)`` if a loss becomes non-finite; environment errors.
    public func run(arm: StudyArm, seed: Int, progress: (StudyProgress) -> Void = { _ in }) throws -> ArmRun {
        let start = Date()
        let s = settings
        progress(.phase(arm: arm, seed: seed, name: "collect"))
        var buffer = try randomData(seed: seed)
        let configuration = s.agentConfiguration(arm: arm, actionDimensions: 1, episodeLength: CountingTask.counting.maxEpisodeSteps, isEpisodic: true)
        let agent = try TDMPC2Agent(configuration: configuration, seed: UInt64(seed) &* 7919 &+ 17)
        initializeFromData(agent, buffer: buffer)
        var generator = SeededGenerator(seed: UInt64(seed) &+ 0xA11CE)

        progress(.phase(arm: arm, seed: seed, name: "train"))
        let trainStart = Date()
        let updates = arm == .untrained ? 0 : s.updates
        let curve = try train(agent: agent, arm: arm, seed: seed, buffer: buffer, updates: updates, generator: &generator, progress: progress)
        let trainSeconds = Date().timeIntervalSince(trainStart)

        progress(.phase(arm: arm, seed: seed, name: "metrics"))
        let latentTensor = Self.encode(agent, probeSet.observations), trainLatentTensor = Self.encode(agent, probeTrainSet.observations)
        let latents = FeatureMatrix(latentTensor)
        let distances = PairwiseDistances(latents)
        let representation = RepresentationScores.measure(latents, counts: probeSet.counts, rule: s.clusterRule, distances: distances)
        let probes = ProbeScores.measure(train: FeatureMatrix(trainLatentTensor), trainSet: probeTrainSet, test: latents, testSet: probeSet)

        progress(.phase(arm: arm, seed: seed, name: "decoder"))
        let decoder = DecoderProbe.run(trainLatents: trainLatentTensor, trainSet: probeTrainSet, testLatents: latentTensor, testSet: probeSet,
                                       hiddenDimensions: s.decoderHiddenDimensions, steps: s.decoderSteps, batchSize: s.decoderBatchSize,
                                       learningRate: s.decoderLearningRate, seed: UInt64(seed) &+ 0xDEC0DE)

        progress(.phase(arm: arm, seed: seed, name: "control Counting-v0"))
        let control = try ClosedLoop.evaluate(agent: agent, task: .counting, episodes: s.evaluationEpisodes, seed: UInt64(5000 + seed))

        let last = curve.last
        var record = StudyRecord(
            config: arm.rawValue, seed: seed,
            countAccuracy: representation.countAccuracy, clusters: representation.clusters, clusteredFraction: representation.clusteredFraction,
            clusterThreshold: representation.clusterThreshold, withinBetweenRatio: representation.withinBetweenRatio,
            meanPairwiseDistance: representation.meanPairwiseDistance, rmsNorm: representation.rmsNorm, rankme: representation.rankme,
            countProbeAccuracy: probes.countAccuracy, shapeProbeAccuracy: probes.shapeAccuracy, colourProbeAccuracy: probes.colourAccuracy,
            colourProbeR2: probes.colourR2, positionProbeR2: probes.positionR2,
            decoderMse: decoder.meanSquaredError, decoderMeanImageMse: decoder.meanImageError,
            decoderCountAccuracy: decoder.scores.countAccuracy, decoderShapeAccuracy: decoder.scores.shapeAccuracy,
            decoderColourAccuracy: decoder.scores.colourAccuracy, decoderColourR2: decoder.scores.colourR2,
            decoderPositionR2: decoder.scores.positionR2,
            successRate: control.successRate, meanReturn: control.meanReturn, meanStepsToTarget: control.meanStepsToTarget,
            oracleSuccessRate: control.oracleSuccessRate, oracleMeanReturn: control.oracleMeanReturn,
            oracleMeanStepsToTarget: control.oracleMeanStepsToTarget,
            updates: updates, finalConsistencyLoss: last?.consistencyLoss ?? .nan, finalAuxiliaryLoss: last?.auxiliaryLoss ?? .nan,
            trainSeconds: trainSeconds, totalSeconds: 0, curve: curve)
        let byCount = RepresentationMetrics.nearestCentroidAccuracyByLabel(latents, labels: probeSet.counts)
        record.countAccuracyByCount = (0...(byCount.keys.max() ?? 0)).map { byCount[$0] ?? .nan }
        record.adjacentSeparation = distances.adjacentLabelSeparation(labels: probeSet.counts)

        if s.closedLoop && arm != .untrained {
            progress(.phase(arm: arm, seed: seed, name: "control CountingHold-v0"))
            let hold = try holdControl(arm: arm, seed: seed)
            record.holdSuccessRate = hold.successRate
            record.holdMeanReturn = hold.meanReturn
            record.holdMeanStepsToTarget = hold.meanStepsToTarget
            record.holdOracleMeanReturn = hold.oracleMeanReturn
            record.holdOracleMeanStepsToTarget = hold.oracleMeanStepsToTarget

            progress(.phase(arm: arm, seed: seed, name: "online Counting-v0"))
            let online = try ClosedLoop.trainOnline(agent: agent, task: .counting, buffer: &buffer, episodes: s.onlineEpisodes,
                                                    seed: UInt64(9000 + seed), generator: &generator)
            if online.contains(where: { !$0.isFinite }) { throw StudyError.trainingDiverged(arm: arm.rawValue, seed: seed, update: s.updates) }
            let onlineLatents = FeatureMatrix(Self.encode(agent, probeSet.observations))
            let onlineScores = RepresentationScores.measure(onlineLatents, counts: probeSet.counts, rule: s.clusterRule)
            let onlineProbes = ProbeScores.measure(train: FeatureMatrix(Self.encode(agent, probeTrainSet.observations)), trainSet: probeTrainSet,
                                                   test: onlineLatents, testSet: probeSet)
            let onlineControl = try ClosedLoop.evaluate(agent: agent, task: .counting, episodes: s.evaluationEpisodes, seed: UInt64(5000 + seed))
            record.onlineCountAccuracy = onlineScores.countAccuracy
            record.onlineClusters = onlineScores.clusters
            record.onlineMeanPairwiseDistance = onlineScores.meanPairwiseDistance
            record.onlineShapeProbeAccuracy = onlineProbes.shapeAccuracy
            record.onlineSuccessRate = onlineControl.successRate
            record.onlineMeanReturn = onlineControl.meanReturn
        }
        record.totalSeconds = Date().timeIntervalSince(start)
        progress(.finished(record))
        return ArmRun(record: record, latents: latents, reconstructions: decoder.reconstructions.gathering(gridIndices))
    }

    /// The data-dependent initialisations: ``StudySettings/headPriorInitialized`` (from every target in the buffer)
    /// and ``StudySettings/readoutStandardizationImages`` (the first images of the buffer's episodes, in order).
    func initializeFromData(_ agent: TDMPC2Agent, buffer: EpisodeReplayBuffer) {
        let wanted = settings.readoutStandardizationImages
        if settings.headPriorInitialized {
            agent.initializePrior(of: .currentReward, values: buffer.episodes.flatMap(\.stateValues.scalars))
            agent.initializePrior(of: .reward, values: buffer.episodes.flatMap(\.rewards.scalars))
        }
        guard wanted > 0 else { return }
        var parts: [Tensor] = [], have = 0
        for episode in buffer.episodes where have < wanted {
            let take = Swift.min(episode.observations.shape[0], wanted - have)
            parts.append(episode.observations.slice(along: 0, 0..<take))
            have += take
        }
        guard have >= 2 else { return }
        agent.standardizePixelReadout(on: Tensor.concatenate(parts, along: 0))
    }

    /// `updates` updates on random-action data with learning-curve points every `curveInterval` updates.
    func train(agent: TDMPC2Agent, arm: StudyArm, seed: Int, buffer: EpisodeReplayBuffer, updates: Int,
               generator: inout SeededGenerator, progress: (StudyProgress) -> Void) throws -> [LearningCurvePoint] {
        var curve: [LearningCurvePoint] = []
        var window: [UpdateMetrics] = []
        func point(_ update: Int) -> LearningCurvePoint {
            let z = FeatureMatrix(Self.encode(agent, curveSet.observations))
            let n = Double(Swift.max(window.count, 1))
            let mean = { (f: (UpdateMetrics) -> Float) in window.reduce(0.0) { $0 + Double(f($1)) } / n }
            let auxiliary: (UpdateMetrics) -> Float = switch arm {
            case .random: { $0.randomProjectionLoss }
            case .reward: { $0.rewardLoss }
            case .q, .rewardQ, .none: { $0.valueLoss }
            default: { $0.currentRewardLoss }
            }
            return LearningCurvePoint(update: update, consistencyLoss: mean { $0.consistencyLoss }, auxiliaryLoss: mean(auxiliary),
                                      rewardLoss: mean { $0.rewardLoss }, valueLoss: mean { $0.valueLoss },
                                      countAccuracy: RepresentationMetrics.nearestCentroidAccuracy(z, labels: curveSet.counts),
                                      meanPairwiseDistance: PairwiseDistances(z).mean)
        }
        curve.append(point(0))
        progress(.curve(arm: arm, seed: seed, point: curve[0]))
        for u in stride(from: 1, through: updates, by: 1) {
            if settings.finalLearningRateFraction < 1 {
                let progress = updates > 1 ? Float(u - 1) / Float(updates - 1) : 1
                let rate = agent.configuration.learningRate * (1 - progress * (1 - settings.finalLearningRateFraction))
                agent.modelOptimizer.learningRate = rate
                agent.policyOptimizer.learningRate = rate
            }
            let batch = try buffer.sample(batchSize: agent.configuration.batchSize, horizon: agent.configuration.horizon, using: &generator)
            let m = agent.update(batch)
            guard m.isFinite else { throw StudyError.trainingDiverged(arm: arm.rawValue, seed: seed, update: u) }
            window.append(m)
            if u % settings.curveInterval == 0 || u == updates {
                curve.append(point(u))
                window.removeAll()
                progress(.curve(arm: arm, seed: seed, point: curve[curve.count - 1]))
            }
        }
        return curve
    }

    /// An agent of this arm trained on random-action CountingHold-v0 data, evaluated with MPPI.
    func holdControl(arm: StudyArm, seed: Int) throws -> ControlScores {
        let s = settings
        let task = CountingTask.hold
        let buffer = try Rollout.randomEpisodes(task: task, count: s.holdRandomEpisodes, seed: UInt64(3000 + seed))
        let configuration = s.agentConfiguration(arm: arm, actionDimensions: task.actionDimensions, episodeLength: task.maxEpisodeSteps, isEpisodic: false)
        let agent = try TDMPC2Agent(configuration: configuration, seed: UInt64(seed) &* 104_729 &+ 3)
        initializeFromData(agent, buffer: buffer)
        var generator = SeededGenerator(seed: UInt64(seed) &+ 0x401D)
        for u in 1...s.holdUpdates {
            let batch = try buffer.sample(batchSize: configuration.batchSize, horizon: configuration.horizon, using: &generator)
            guard agent.update(batch).isFinite else { throw StudyError.trainingDiverged(arm: arm.rawValue + " (hold)", seed: seed, update: u) }
        }
        return try ClosedLoop.evaluate(agent: agent, task: task, episodes: s.holdEvaluationEpisodes, seed: UInt64(6000 + seed))
    }
}
