// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Counting
import Foundation
import TDMPC2

// MARK: - Configurations

/// One arm of the auxiliary-head study: which losses shape the encoder.
///
/// | arm | encoder gradients from | source |
/// |---|---|---|
/// | `joint-reward` | consistency (no stop-gradient) + current-reward head `P(z_t) ≈ 1[count_t = 4]` | P-JEPA |
/// | `random` | consistency (no stop-gradient) + regression of a fixed random projection of the pixels | P-JEPA |
/// | `reward-only` | the current-reward head only | P-JEPA ablation |
/// | `transition-only` | consistency only (no stop-gradient) | P-JEPA ablation |
/// | `reward` | consistency (stop-gradient target) + reward `R(z, a)` | TD-MPC2 with the Q heads detached |
/// | `q` | consistency (stop-gradient target) + the Q ensemble | TD-MPC2 with the reward head detached |
/// | `reward+q` | consistency (stop-gradient target) + reward `R(z, a)` + Q | TD-MPC2 default |
/// | `none` | consistency (stop-gradient target) only | TD-MPC2 with every head detached |
/// | `untrained` | nothing: the encoder at initialisation (a baseline row, no updates) | |
///
/// In every arm the termination head is trained on detached latents, so only the heads named above shape the
/// encoder; heads that do not shape it still train on detached latents, so every arm can plan. The four TD-MPC2 arms
/// (`reward`, `q`, `reward+q`, `none`) share every setting and loss weight and differ only in which heads reach the
/// encoder; `joint-reward` is their P-JEPA counterpart.
public enum StudyArm: String, CaseIterable, Codable, Sendable {
    case jointReward = "joint-reward"
    case random
    case rewardOnly = "reward-only"
    case transitionOnly = "transition-only"
    case reward
    case q
    case rewardQ = "reward+q"
    case none
    case untrained

    /// The eight trained arms of the study, in table order.
    public static let trained: [StudyArm] = [.jointReward, .random, .rewardOnly, .transitionOnly, .reward, .q, .rewardQ, .none]

    /// Parses a name, accepting `reward+q` and the preset aliases of ``AuxiliaryRouting/init(parsing:)``.
    /// - Throws: ``StudyError/unknownArm(_:)``.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let arm = StudyArm(rawValue: t) { self = arm; return }
        if t == "q+reward" || t == "tdmpc2" { self = .rewardQ; return }
        throw StudyError.unknownArm(text)
    }

    /// Whether the arm is one of P-JEPA's (no stop-gradient, current-reward or random-projection head) rather than one
    /// of TD-MPC2's routings.
    public var isPJEPA: Bool { ![.reward, .q, .rewardQ, .none].contains(self) }

    /// The routing preset name (`untrained` uses the joint-reward model; it takes no update).
    var preset: String { self == .untrained ? StudyArm.jointReward.rawValue : rawValue }

    /// The weight of the random-projection loss: 1000. The agent regresses a projection of pixels scaled to
    /// `[-0.5, 0.5]` (target variance about 0.004 per output on counting images, mostly black), so at weight 1 the
    /// term is negligible and the latents collapse as in `transition-only`. The authors regress a projection of raw
    /// `0...255` pixels (65025 times the variance) at weight 1, where this term dominates; 1000 puts it on the
    /// scale of the joint arm's reward term (10 x about 0.45).
    public static let randomProjectionCoefficient: Float = 1000

    /// The routing preset with the study's loss weights.
    /// - P-JEPA arms use the authors' weights: consistency 2, current reward 10 (random projection: see
    ///   ``randomProjectionCoefficient``).
    /// - TD-MPC2 arms keep TD-MPC2's weights: consistency 20, reward 0.1, value 0.1.
    public func apply(to configuration: inout TDMPC2Configuration) {
        // The presets are valid by construction.
        var routing = (try? AuxiliaryRouting(parsing: preset)) ?? AuxiliaryRouting()
        routing.termination = false
        if self == .random { routing.consistencyStopGradient = false }   // the paper's random auxiliary is a P-JEPA variant
        if isPJEPA {
            configuration.consistencyCoefficient = 2
            routing.currentRewardCoefficient = 10
            routing.randomProjectionCoefficient = StudyArm.randomProjectionCoefficient
        }
        configuration.routing = routing
    }
}

/// Errors of the study's inputs.
public enum StudyError: Error, Equatable, CustomStringConvertible {
    case unknownArm(String)
    case invalidSetting(name: String, value: String, expected: String)
    case trainingDiverged(arm: String, seed: Int, update: Int)

    public var description: String {
        switch self {
        case let .unknownArm(name):
            "unknown configuration \"\(name)\": expected one of \(StudyArm.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .invalidSetting(name, value, expected): "invalid \(name) \(value): expected \(expected)"
        case let .trainingDiverged(arm, seed, update): "\(arm) seed \(seed): a loss became non-finite at update \(update)"
        }
    }
}

// MARK: - Settings

/// Every size and budget of a study run. ``standard`` fits one seed of all seven arms in about 15 minutes on one
/// core of the 2-core machine (measured at 2,500 updates: 15.6 CPU minutes, 94% of it training; hence 2,000, which
/// measured 12.0 CPU minutes);
/// ``quick`` runs in about a minute; ``tiny`` is for tests.
public struct StudySettings: Codable, Equatable, Sendable {
    // Model
    public var latentDimensions = 128
    public var mlpDimensions = 128
    public var pixelChannels = 16
    public var qCount = 2
    /// Random-shift augmentation (the authors turn it off for the counting study).
    public var shiftAugmentation = false
    /// The pixel encoder's readout (see ``PixelReadout``).
    public var pixelReadout: PixelReadout = .averagePool
    /// Pixels scaled to `[0, 1]` without TD-MPC2's −0.5 (see ``TDMPC2Configuration/pixelOffset``).
    public var pixelOffset: Float = 0
    /// The pixel encoder's convolutions (``PixelArchitecture``).
    public var pixelArchitecture: PixelArchitecture = .resnet
    /// Whether the encoder's last block has LayerNorm before SimNorm (``TDMPC2Configuration/pixelProjectionNorm``).
    public var pixelProjectionNorm = true
    /// Hidden blocks between the pixel readout and the latent (``TDMPC2Configuration/pixelHiddenLayers``).
    public var pixelHiddenLayers = 1
    /// "Same" padding in the residual encoder's strided convolutions (``TDMPC2Configuration/pixelPadding``), on since
    /// session 17: unpadded, an object's share of the pooled features depends on where it is, the latents keep the
    /// objects' position (probe R² 0.67) and the count accuracy stops at 0.89-0.94; padded, seed 0 reads 0.969
    /// (position R² 0.21).
    public var pixelPadding = true
    /// Transitions per training window: the consistency loss rolls the dynamics this many steps.
    public var horizon = 1
    /// Updates over which the consistency weight ramps up (``TDMPC2Configuration/consistencyWarmupUpdates``; 0: none).
    public var consistencyWarmupUpdates = 0
    /// Data-dependent initialisation: the encoder's first layer after the readout sees standardised features of the
    /// first `readoutStandardizationImages` training images (``TDMPC2Agent/standardizePixelReadout(on:)``; 0: off).
    public var readoutStandardizationImages = 0
    /// Updates over which the encoder's learning rate ramps up (``TDMPC2Configuration/encoderWarmupUpdates``; 0: none).
    public var encoderWarmupUpdates = 300
    /// Whether the current-reward head also reads the rolled-out latents (``AuxiliaryRouting/currentRewardOnRollout``).
    public var currentRewardOnRollout = true
    /// Whether the current-reward loss weighs its target values equally (``AuxiliaryRouting/currentRewardBalanced``).
    public var currentRewardBalanced = true
    /// Whether the TD-MPC2 arms' reward loss weighs its reward values equally (``AuxiliaryRouting/rewardBalanced``), on
    /// since session 17: the reward `1[count_{t+1} = 4]` is 1 on about one transition in eight, and unbalanced the
    /// `reward` arm spreads its latents without sorting them by count (seed 0: 0.33; balanced 0.78). The P-JEPA arms,
    /// whose reward head never reaches the encoder and only plans, keep the plain loss.
    public var rewardBalanced = true
    /// Adam's learning rate: 3e-4, TD-MPC2's and the P-JEPA authors' (the study used 1e-3 until session 16; with it
    /// the sparse runs of seeds 1 and 101 collapsed in their first 300 updates, and at 3e-4 with calibrated heads they
    /// learn the count; see docs/results/counting-study).
    public var learningRate: Float = 3e-4
    /// The learning rate at the last update as a fraction of ``learningRate``: it falls linearly from the first
    /// update to the last (1: constant).
    public var finalLearningRateFraction: Float = 1
    /// Adam's learning rate of the `reward-only` arm. The authors' `concept_discovery_rewardonly.yaml` sets 1e-5 (the
    /// other arms: 3e-4); at 1e-5 for 3,000 updates the arm still learns the count (seed 0: 0.76 at 1,500 updates), so
    /// the default keeps all arms at one rate.
    public var rewardOnlyLearningRate: Float = 3e-4
    /// When above 0, every measurement and `.evaluate` action uses an exponential moving average of the weights at this
    /// rate (Polyak averaging, ``TDMPC2Configuration/evaluationAverageRate``) instead of the last update's; training
    /// is unchanged. 0: off. 0.005 (about the last 200 updates) since session 17: the last update's encoder reads the
    /// curve set at anywhere from 0.94 to 0.99 from one hundred updates to the next; the average does not swing so.
    public var evaluationAverageRate: Float = 0.005
    /// Whether the current-reward head's last layer starts at zero, as the authors' (see
    /// ``AuxiliaryRouting/currentRewardZeroInitialized``): off here, because with it the P-JEPA arms collapse
    /// within this study's budget before the head anchors the latents.
    public var currentRewardZeroInitialized = false
    /// Whether the reward heads' output biases start at the distribution of their targets in the buffer
    /// (``TDMPC2Agent/initializePrior(of:values:)``: the current-reward head from the state values, `R(z, a)` from the
    /// transition rewards), so that each head starts calibrated. On: a miscalibrated head's first updates send one
    /// shared error into every latent, which on the sparse reward pushed whole runs into a collapse (seed 1).
    public var headPriorInitialized = true
    /// Whether latents end in SimNorm (``TDMPC2Configuration/latentSimNorm``); `false` also drops the readout's
    /// LayerNorm (the authors' plain Linear readout).
    public var latentSimNorm = true
    /// The P-JEPA arms' consistency weight (the authors': 2, against 10 on the current-reward head, so the paper's
    /// `c_p` is 5; the theory holds for any `c_p > 0`).
    public var pjepaConsistencyCoefficient: Float = 2
    public var encoderLearningRateScale: Float = 1
    /// The loss weights of the TD-MPC2 arms (`reward`, `q`, `reward+q`, `none`): consistency, reward `R(z, a)` and
    /// value. TD-MPC2's are 20, 0.1, 0.1; at those the residual encoder collapses (docs/results/acceptance.md,
    /// session 13), so the study uses 2, 1, 1, the weights of `examples/configs/counting-hold-pixels.json`.
    public var tdmpc2ConsistencyCoefficient: Float = 2
    public var tdmpc2RewardCoefficient: Float = 1
    public var tdmpc2ValueCoefficient: Float = 1
    // Data and training
    /// The reward of the random-action training data (and so the current-reward head's target): the paper's
    /// sparse `1[count = 4]`, or the authors' dense variant (`concept_discovery_dense.yaml`, the variant of their one
    /// run with logged numbers). Sparse by default, the paper's setting: a two-valued head plus the dynamics must keep
    /// all nine counts apart. Control is always evaluated on the sparse task.
    public var trainingReward: CountingReward = .sparse
    /// Counting-v0 episodes collected with uniformly random actions in `[-1, 1]`.
    public var randomEpisodes = 1000
    /// The step limit of the training episodes (Counting-v0's: 4). Control is always evaluated on Counting-v0 itself.
    public var trainingEpisodeSteps = 4
    /// Whether a training episode ends when it reaches 4 objects (Counting-v0: yes, so the data never show a
    /// transition out of 4).
    public var trainingTerminatesOnSuccess = true
    /// Updates per configuration (the authors: 300k at batch 256; see docs/results/counting-study/).
    public var updates = 3000
    public var batchSize = 32
    /// Updates between learning-curve points.
    public var curveInterval = 100
    /// Observations (balanced over counts) for the learning-curve count accuracy.
    public var curveProbeCount = 270
    // Probes
    /// The held-out evaluation set (metrics, PCA, heatmap); at least 1000 in the standard settings.
    public var probeCount = 1080
    /// The set the linear probes and the decoder are fitted on.
    public var probeTrainCount = 1800
    public var clusterRule = ClusterCountRule()
    public var decoderHiddenDimensions = 128
    public var decoderSteps = 400
    public var decoderBatchSize = 32
    public var decoderLearningRate: Float = 1e-3
    // Closed loop
    /// Evaluation episodes of Counting-v0 per arm (start counts cycle through 0...8).
    public var evaluationEpisodes = 45
    /// MPPI samples and iterations when acting.
    public var plannerSamples = 256
    public var plannerIterations = 4
    /// With `closedLoop`: CountingHold-v0 training episodes (random actions) and evaluation episodes.
    public var holdRandomEpisodes = 60
    public var holdUpdates = 600
    public var holdEvaluationEpisodes = 9
    /// With `closedLoop`: Counting-v0 episodes of the agent's own (MPPI) experience, one update per step,
    /// after the random-action training; the representation is measured again afterwards.
    public var onlineEpisodes = 150
    /// Run the closed-loop extras (CountingHold-v0 and training on the agent's own experience).
    public var closedLoop = false

    public init() {}

    /// The default study (one seed of all arms in about 12 CPU minutes).
    public static let standard = StudySettings()

    /// About a minute for all arms: smaller sets, fewer updates.
    public static var quick: StudySettings {
        var s = StudySettings()
        s.randomEpisodes = 300
        s.updates = 40
        s.curveInterval = 20
        s.curveProbeCount = 135
        s.probeCount = 1008
        s.probeTrainCount = 540
        s.decoderSteps = 40
        s.evaluationEpisodes = 9
        s.plannerSamples = 128
        s.plannerIterations = 3
        s.holdRandomEpisodes = 20
        s.holdUpdates = 100
        s.holdEvaluationEpisodes = 3
        s.onlineEpisodes = 30
        return s
    }

    /// The main job (`scripts/run.sh`): the standard model and data, half the updates (1,500: with the padded encoder
    /// seed 0 reads 0.95 on the curve set by then) and fewer learning-curve points, about three minutes for two arms
    /// on two cores.
    public static var mainJob: StudySettings {
        var s = StudySettings()
        s.updates = 1500
        s.curveInterval = 250
        return s
    }

    /// Seconds, for tests: tiny sets and a few updates.
    public static var tiny: StudySettings {
        var s = quick
        s.latentDimensions = 16
        s.mlpDimensions = 32
        s.pixelChannels = 4
        s.randomEpisodes = 40
        s.updates = 6
        s.batchSize = 8
        s.curveInterval = 3
        s.curveProbeCount = 27
        s.probeCount = 90
        s.probeTrainCount = 90
        s.decoderHiddenDimensions = 16
        s.decoderSteps = 3
        s.decoderBatchSize = 8
        s.evaluationEpisodes = 3
        s.plannerSamples = 16
        s.plannerIterations = 1
        s.holdRandomEpisodes = 2
        s.holdUpdates = 3
        s.holdEvaluationEpisodes = 1
        s.onlineEpisodes = 2
        return s
    }

    /// Sets one setting by its name (the property name, as in metrics.json's `settings`) from text: a JSON value
    /// (`3`, `0.5`, `true`, `"resnet"`) or a bare word taken as a string (`resnet`, `sparse`).
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` for an unknown name (with the known ones) or a
    ///   value of the wrong type.
    public mutating func set(_ name: String, to text: String) throws {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(self),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw StudyError.invalidSetting(name: name, value: text, expected: "settings that encode as JSON")
        }
        guard let current = object[name] else {
            throw StudyError.invalidSetting(name: name, value: text, expected: "one of " + object.keys.sorted().joined(separator: ", "))
        }
        let value: Any
        if let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
            value = parsed
        } else {
            value = text
        }
        object[name] = value
        let typeName = current is String ? "a name" : current is [String: Any] ? "an object" : current is NSNumber ? "a number or true/false" : "a value"
        guard let merged = try? JSONSerialization.data(withJSONObject: object),
              let decoded = try? JSONDecoder().decode(StudySettings.self, from: merged) else {
            throw StudyError.invalidSetting(name: name, value: text, expected: "\(typeName) like the default \(current)")
        }
        self = decoded
    }

    /// Checks sizes and budgets.
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` naming the first bad value.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw StudyError.invalidSetting(name: name, value: "\(value)", expected: expected) }
        }
        try check(latentDimensions >= 8 && latentDimensions % 8 == 0, "latentDimensions", latentDimensions, "a positive multiple of 8")
        try check(mlpDimensions >= 1 && pixelChannels >= 1, "mlpDimensions", mlpDimensions, ">= 1")
        try check(qCount >= 2, "qCount", qCount, ">= 2")
        try check(randomEpisodes >= 1, "randomEpisodes", randomEpisodes, ">= 1")
        try check(updates >= 1 && batchSize >= 1, "updates", updates, ">= 1")
        try check(curveInterval >= 1, "curveInterval", curveInterval, ">= 1")
        try check(curveProbeCount >= 9 && probeCount >= 9 && probeTrainCount >= 9, "probeCount", probeCount, ">= 9")
        try check(decoderSteps >= 1 && decoderBatchSize >= 1 && decoderHiddenDimensions >= 1, "decoderSteps", decoderSteps, ">= 1")
        try check(evaluationEpisodes >= 1, "evaluationEpisodes", evaluationEpisodes, ">= 1")
        try check(plannerSamples >= 2 && plannerIterations >= 1, "plannerSamples", plannerSamples, ">= 2")
        try check(holdRandomEpisodes >= 1 && holdUpdates >= 1 && holdEvaluationEpisodes >= 1, "holdRandomEpisodes", holdRandomEpisodes, ">= 1")
        for (name, value) in [("pjepaConsistencyCoefficient", pjepaConsistencyCoefficient), ("tdmpc2ConsistencyCoefficient", tdmpc2ConsistencyCoefficient),
                              ("tdmpc2RewardCoefficient", tdmpc2RewardCoefficient), ("tdmpc2ValueCoefficient", tdmpc2ValueCoefficient),
                              ("learningRate", learningRate), ("rewardOnlyLearningRate", rewardOnlyLearningRate),
                              ("encoderLearningRateScale", encoderLearningRateScale)] {
            try check(value >= 0 && value.isFinite, name, value, "a finite number >= 0")
        }
        try check(trainingEpisodeSteps >= 1, "trainingEpisodeSteps", trainingEpisodeSteps, ">= 1")
        try check(horizon >= 1 && horizon <= trainingEpisodeSteps, "horizon", horizon, "1...trainingEpisodeSteps (\(trainingEpisodeSteps))")
        try check(readoutStandardizationImages == 0 || readoutStandardizationImages >= 2, "readoutStandardizationImages", readoutStandardizationImages, "0 (off) or >= 2")
        try check(finalLearningRateFraction >= 0 && finalLearningRateFraction <= 1, "finalLearningRateFraction", finalLearningRateFraction, "in [0, 1]")
        try check(evaluationAverageRate >= 0 && evaluationAverageRate <= 1, "evaluationAverageRate", evaluationAverageRate, "in [0, 1] (0: off)")
        try check(encoderWarmupUpdates >= 0, "encoderWarmupUpdates", encoderWarmupUpdates, ">= 0")
        try check(consistencyWarmupUpdates >= 0, "consistencyWarmupUpdates", consistencyWarmupUpdates, ">= 0")
        try check(pixelHiddenLayers >= 0, "pixelHiddenLayers", pixelHiddenLayers, ">= 0")
        try check(onlineEpisodes >= 0, "onlineEpisodes", onlineEpisodes, ">= 0")
    }

    /// The TD-MPC2 configuration of one arm for observations `[3, 64, 64]` and `actionDimensions` actions.
    public func agentConfiguration(arm: StudyArm, actionDimensions: Int, episodeLength: Int, isEpisodic: Bool) -> TDMPC2Configuration {
        var c = TDMPC2Configuration(observationShape: [3, 64, 64], actionDimensions: actionDimensions, modelSize: .m1)
        c.latentDimensions = latentDimensions
        c.mlpDimensions = mlpDimensions
        c.encoderDimensions = mlpDimensions
        c.pixelChannels = pixelChannels
        c.qCount = qCount
        c.shiftAugmentation = shiftAugmentation
        c.pixelReadout = pixelReadout
        c.pixelOffset = pixelOffset
        c.learningRate = learningRate
        c.encoderLearningRateScale = encoderLearningRateScale
        c.batchSize = batchSize
        c.horizon = horizon
        c.pixelArchitecture = pixelArchitecture
        c.pixelProjectionNorm = pixelProjectionNorm
        c.pixelHiddenLayers = pixelHiddenLayers
        c.pixelPadding = pixelPadding
        c.latentSimNorm = latentSimNorm
        if !latentSimNorm { c.pixelProjectionNorm = false }
        c.episodeLength = episodeLength
        c.isEpisodic = isEpisodic
        c.planner.horizon = 1
        c.planner.sampleCount = plannerSamples
        c.planner.iterations = plannerIterations
        c.planner.eliteCount = Swift.max(1, Swift.min(64, plannerSamples / 8))
        c.planner.policyTrajectoryCount = Swift.min(24, plannerSamples / 4)
        arm.apply(to: &c)   // the random projection keeps the paper's 256 outputs
        if arm == .rewardOnly { c.learningRate = rewardOnlyLearningRate }
        c.evaluationAverageRate = evaluationAverageRate > 0 ? evaluationAverageRate : nil
        if arm.isPJEPA {
            c.consistencyCoefficient = pjepaConsistencyCoefficient
        } else {
            c.consistencyCoefficient = tdmpc2ConsistencyCoefficient
            c.rewardCoefficient = tdmpc2RewardCoefficient
            c.valueCoefficient = tdmpc2ValueCoefficient
        }
        c.routing.currentRewardZeroInitialized = currentRewardZeroInitialized
        c.routing.currentRewardOnRollout = currentRewardOnRollout
        c.routing.currentRewardBalanced = currentRewardBalanced ? true : nil
        // The TD-MPC2 arms only: there the reward head may shape the encoder. A balanced head over-predicts the rare
        // reward, and the P-JEPA arms plan with theirs (seed 0, joint-reward: success 0.62 balanced, 0.98 not).
        c.routing.rewardBalanced = rewardBalanced && !arm.isPJEPA ? true : nil
        c.consistencyWarmupUpdates = consistencyWarmupUpdates > 0 ? consistencyWarmupUpdates : nil
        c.encoderWarmupUpdates = encoderWarmupUpdates > 0 ? encoderWarmupUpdates : nil
        return c
    }
}
