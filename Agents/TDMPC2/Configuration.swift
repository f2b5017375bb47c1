// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import TensorCore

// MARK: - Auxiliary routing

/// Which losses shape the encoder (the P-JEPA study's switches). A head that is cut off still
/// trains, on detached latents, so control keeps working and only the representation changes.
public struct AuxiliaryRouting: Codable, Equatable, Sendable {
    /// The latent-consistency (dynamics) loss reaches the encoder through the first latent.
    public var consistency = true
    /// The consistency target `encode(o_{t+1})` is a constant (TD-MPC2); `false` lets gradients flow
    /// into both sides (P-JEPA, no stop-gradient, no EMA).
    public var consistencyStopGradient = true
    /// The reward head `R(z, a)` sends gradients into the latents.
    public var reward = true
    /// The Q heads send gradients into the latents.
    public var value = true
    /// The termination head sends gradients into the latents (episodic tasks).
    public var termination = true
    /// Train a current-reward head `P(z_t) ≈ value(o_t)` (the paper's auxiliary) that shapes the encoder.
    public var currentReward = false
    /// Train a head regressing a fixed random projection of the observation (the paper's random auxiliary).
    public var randomProjection = false
    /// Loss coefficient of the current-reward head. The authors' code weighs it 10 against a consistency
    /// weight of 2; TD-MPC2's consistency coefficient is 20, so the same 5 : 1 ratio is 100.
    public var currentRewardCoefficient: Float = 100
    /// Loss coefficient of the random-projection head: the authors' 1 against consistency 2, i.e. 10
    /// against TD-MPC2's consistency coefficient of 20.
    public var randomProjectionCoefficient: Float = 10
    /// Whether the current-reward head's last layer starts at zero (TD-MPC2's habit for reward and Q heads, kept
    /// by the P-JEPA authors). With a zero last layer the head sends no gradient into the encoder at first, and
    /// Adam, being scale-free, then moves the encoder at full step size on the (tiny) consistency gradient alone:
    /// without a stop-gradient that collapses the latents before the head can anchor them. Measured on the
    /// counting study (dense reward, 600 updates): count accuracy 0.63 and mean distance 1.24 with a random
    /// last layer, against 0.30 and 0.006 (collapse) with a zero one.
    /// `nil` is `true`, the authors' and TD-MPC2's habit.
    public var currentRewardZeroInitialized: Bool? = nil
    /// Whether the current-reward head's last layer starts at zero, in effect (`nil`: yes).
    public var resolvedCurrentRewardZeroInitialized: Bool { currentRewardZeroInitialized ?? true }
    /// Output width of the random projection (the paper uses 256).
    public var randomProjectionDimensions = 256
    /// Whether the current-reward head also reads the latents the dynamics predicts over the horizon,
    /// `P(T(...T(E(o_t), a_t)...)) ≈ p(o_{t+k})`, besides the encoded ones `P(E(o_{t+k})) ≈ p(o_{t+k})`.
    /// At zero loss the two agree (P-JEPA's well-trained model has `T(E(o), a) = E(f(o, a))`), so the fixed point of the
    /// loss is unchanged; the rolled-out term sends "which value lies k steps ahead under these actions" straight into
    /// `E(o_t)`, so a two-valued head separates states up to `horizon` steps from the target at once instead of one
    /// bisimulation level per round of learning. `nil` is `false` (the authors' loss).
    public var currentRewardOnRollout: Bool? = nil
    /// Whether the current-reward loss weighs the values of its targets equally within each batch: a sample's
    /// cross-entropy is weighted by `1 / (k · share of its value in the batch)` for the `k` distinct values present,
    /// so that every value carries the same total weight (the mean weight stays 1). With the sparse `1[count = 4]`
    /// about one sample in eight is positive, and the unweighted head's first gradients push every latent towards
    /// "not four" at once, which collapses the latents (the study measured it with the encoder cut off from the
    /// consistency loss too). `nil` is `false` (the authors' loss).
    public var currentRewardBalanced: Bool? = nil
    /// Whether the current-reward loss is balanced over its target values, in effect (`nil`: no).
    public var resolvedCurrentRewardBalanced: Bool { currentRewardBalanced ?? false }
    /// Whether TD-MPC2's reward loss `R(z_t, a_t) ≈ r_t` weighs the distinct reward values of each batch equally, as
    /// ``currentRewardBalanced`` does for the current-reward head (`nil`: no, TD-MPC2's loss).
    public var rewardBalanced: Bool? = nil
    /// Whether TD-MPC2's reward loss is balanced over its values, in effect (`nil`: no).
    public var resolvedRewardBalanced: Bool { rewardBalanced ?? false }
    /// Whether the current-reward head reads the rolled-out latents, in effect (`nil`: no).
    public var resolvedCurrentRewardOnRollout: Bool { currentRewardOnRollout ?? false }

    public init() {}

    /// Parses `reward`, `q`, `reward+q` (the TD-MPC2 default), `none`, `random`, `reward+q+random` (TD-MPC2's
    /// heads plus the random-projection head), `current-reward`, and the study's presets `joint-reward`,
    /// `reward-only`, `transition-only`.
    /// - Throws: ``ConfigurationError/invalidValue(key:value:expected:)`` for anything else.
    public init(parsing text: String) throws {
        self.init()
        switch text.lowercased() {
        case "reward+q", "q+reward", "tdmpc2": break
        case "reward": value = false
        case "q": reward = false
        case "none":
            reward = false; value = false; termination = false
        case "random":
            reward = false; value = false; termination = false; randomProjection = true
        case "reward+q+random":  // TD-MPC2's heads plus the random-projection head, which keeps the latents spread
            randomProjection = true
        case "current-reward":
            reward = false; value = false; termination = false; currentReward = true
        case "joint-reward":  // P-JEPA: consistency + current reward, no stop-gradient
            reward = false; value = false; termination = false; currentReward = true; consistencyStopGradient = false
        case "reward-only":   // only the current-reward head shapes the encoder
            reward = false; value = false; termination = false; currentReward = true; consistency = false
        case "transition-only":
            reward = false; value = false; termination = false; consistencyStopGradient = false
        default:
            throw ConfigurationError.invalidValue(key: "aux", value: text,
                expected: "reward, q, reward+q, none, random, reward+q+random, current-reward, joint-reward, reward-only or transition-only")
        }
    }
}

/// A malformed configuration value.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalidValue(key: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .invalidValue(key, value, expected): "invalid \(key) \"\(value)\": expected \(expected)"
        }
    }
}

// MARK: - Model sizes

/// TD-MPC2's model-size presets (`common/__init__.py MODEL_SIZE`).
public enum ModelSize: Int, Codable, CaseIterable, Sendable {
    case m1 = 1, m5 = 5, m19 = 19, m48 = 48, m317 = 317

    /// (encoderDimensions, mlpDimensions, latentDimensions, encoderLayerCount, qCount).
    public var dimensions: (encoder: Int, mlp: Int, latent: Int, encoderLayers: Int, qCount: Int) {
        switch self {
        case .m1: (256, 384, 128, 2, 2)
        case .m5: (256, 512, 512, 2, 5)
        case .m19: (1024, 1024, 768, 3, 5)
        case .m48: (1792, 1792, 768, 4, 5)
        case .m317: (4096, 4096, 1376, 5, 8)
        }
    }
}

// MARK: - Configuration

/// The pixel encoder's readout of its last feature map `[N, C, H, W]`.
public enum PixelReadout: String, Codable, Sendable, CaseIterable {
    /// Flatten to `C·H·W` (TD-MPC2's `enc`).
    case flatten
    /// ReLU, then the mean over the `H·W` positions, giving `C` features (global average pooling, as the P-JEPA
    /// authors' ResNet encoder).
    case averagePool = "average-pool"
}

/// The layout of the pixel encoder's convolutions (see ``PixelEncoder``).
public enum PixelArchitecture: String, Codable, Sendable, CaseIterable {
    /// TD-MPC2's `enc`: four plain convolutions (k7 s2, k5 s2, k3 s2, k3 s1), `pixelChannels` wide, to a 4x4 map.
    case tdmpc2
    /// A small residual network in the style of the P-JEPA authors' ResNet encoder: Conv(k7 s2, `pixelChannels`) ReLU →
    /// Conv(k3 s2, 2·`pixelChannels`) → 2 residual blocks (14x14) → Conv(k3 s2) → 1 residual block (6x6) → ReLU.
    case resnet
}

/// Every hyperparameter of the TD-MPC2 agent; defaults are the reference's `config.yaml`.
/// Derived values (discount, iterations for large action spaces) are computed, never written back.
public struct TDMPC2Configuration: Codable, Equatable, Sendable {
    // Shapes
    /// Observation shape: `[O]` for vectors, `[C, H, W]` for pixels.
    public var observationShape: [Int]
    public var actionDimensions: Int
    /// For a `Discrete(n)` action space: `n` (then `actionDimensions == n`, actions are one-hot
    /// vectors, the policy prior is categorical and planning is over categorical distributions).
    public var discreteActionCount: Int? = nil
    /// Temperature of the Gumbel-softmax relaxation that carries policy gradients for discrete actions.
    public var gumbelTemperature: Float = 1
    // Architecture (5M preset by default)
    public var encoderDimensions = 256, mlpDimensions = 512, latentDimensions = 512, encoderLayerCount = 2
    public var qCount = 5
    public var qDropout: Float = 0.01
    public var simNormGroupSize = 8
    public var pixelChannels = 32
    /// Random-shift augmentation for pixel observations (pad 3, shift 0...6), as TD-MPC2's `ShiftAug`.
    public var shiftAugmentation = true
    /// How the pixel encoder turns its last feature map into a vector: TD-MPC2 flattens it; the P-JEPA
    /// authors' counting encoder (a ResNet) averages it over positions, which makes features that sum over
    /// objects (a count) position-invariant.
    /// `nil` is TD-MPC2's `.flatten` (optional so that configurations saved before this setting still load).
    public var pixelReadout: PixelReadout? = nil
    /// The pixel encoder's convolutions: TD-MPC2's four plain layers or a small residual network (``PixelArchitecture``).
    /// `nil` is TD-MPC2's `.tdmpc2`.
    public var pixelArchitecture: PixelArchitecture? = nil
    /// Subtracted from pixels after scaling them to `[0, 1]`: TD-MPC2's `x / 255 − 0.5` uses 0.5. On mostly black
    /// images (the counting environments) 0 trains far faster: with 0.5 the black background is the largest input
    /// everywhere and a small CNN with a LayerNorm readout stays at chance on supervised counting for thousands of
    /// steps (measured; see the study's README section).
    /// `nil` is TD-MPC2's 0.5.
    public var pixelOffset: Float? = nil
    /// Hidden blocks (Linear → LayerNorm → Mish, ``encoderDimensions`` wide) between the pixel readout and the latent,
    /// as TD-MPC2's state encoder has between the observation and the latent. TD-MPC2's pixel encoder has none: one
    /// `NormedLinear` maps the readout to the latent (when the widths differ). A hidden block lets the latent be a
    /// nonlinear function of the pooled features; a count read off average-pooled features gains from it (measured
    /// with a PyTorch copy, supervised 9-way counting at 3,000 steps: 0.85 without, 0.90 with one block, 32 channels).
    /// `nil` is TD-MPC2's 0.
    public var pixelHiddenLayers: Int? = nil
    /// Whether the `.resnet` layout's stem and downsampling convolutions zero-pad ("same" padding: 3, 1, 1), so
    /// that every pixel, border rows included, reaches as many units of the last map as a pixel in the middle
    /// (64 → 32 → 16 → 8). Unpadded (`nil`, `false`), the stem never sees the last row and column and the last
    /// downsampling drops a row of its input, so an object's share of the average-pooled features depends on its
    /// position.
    public var pixelPadding: Bool? = nil
    /// Whether the pixel encoder's last block normalizes before SimNorm (TD-MPC2's `NormedLinear`: Linear → LayerNorm →
    /// SimNorm). `false` is the P-JEPA authors' readout, a plain Linear (PyTorch's default initialisation) into SimNorm.
    /// LayerNorm divides out the scale of its input, and average-pooled features that add up over objects carry the
    /// count in their scale: with it, the residual encoder's latents collapsed in closed-loop training on
    /// CountingHold-v0 (consistency loss near 1e-7, every count the same latent). `nil` is TD-MPC2's `true`.
    public var pixelProjectionNorm: Bool? = nil
    /// Whether latents live on SimNorm's product of simplices (TD-MPC2): the encoder's and the dynamics' last layers
    /// end in SimNorm. `false` is the P-JEPA authors' latent (`simnorm: false`): the encoder's plain Linear readout and
    /// the dynamics' plain Linear output, unbounded. On a simplex, shrinking the consistency error means moving
    /// latents together, and a group pushed to a vertex has no gradient left, so a collapse is permanent; a free
    /// latent can shrink its scale instead and keep its directions. Needs `pixelProjectionNorm` false for pixels.
    /// `nil` is TD-MPC2's `true`.
    public var latentSimNorm: Bool? = nil
    public var regression = DiscreteRegression()
    // Optimization
    public var batchSize = 256
    public var horizon = 3
    /// Temporal weight `rho^t` of the world-model losses.
    public var rho: Float = 0.5
    public var consistencyCoefficient: Float = 20, rewardCoefficient: Float = 0.1, valueCoefficient: Float = 0.1, terminationCoefficient: Float = 1
    public var learningRate: Float = 3e-4
    public var encoderLearningRateScale: Float = 0.3
    public var gradientClipNorm: Float = 20
    /// Polyak rate of the target Q and of the running Q scale.
    public var tau: Float = 0.01
    /// Transitions of real reward in each TD target before it bootstraps from the target Q (`n`-step
    /// targets, cut at the episode's end; see `MultiStepTargets`). `nil` is TD-MPC2's one-step target.
    /// With a constant reward the Q level rises about `n` times faster (time constant
    /// `1/(tau (1 − γ^n))` updates instead of `1/(tau (1 − γ))`), at the price of the bias of returns
    /// collected by older policies.
    public var tdSteps: Int? = nil
    /// Updates over which the consistency weight ramps linearly from `consistencyCoefficient / n` up to
    /// `consistencyCoefficient` (update `k`, counted from 0, uses `(k + 1) / n` of it). Without a stop-gradient (P-JEPA)
    /// the consistency loss alone is minimised by a constant latent, and at the start, before the auxiliary head has
    /// learnt anything, it can pull every latent together faster than the head can hold them apart; the ramp lets
    /// the head anchor the latents first. The loss it ramps into, and so its minimisers, are unchanged.
    /// `nil` (or 0) is no ramp (TD-MPC2 and the P-JEPA authors).
    public var consistencyWarmupUpdates: Int? = nil
    /// Updates over which the encoder's learning rate ramps linearly up to `learningRate × encoderLearningRateScale`
    /// (update `k`, from 0, uses `(k + 1) / n` of it), while the heads and the dynamics learn at their full rate from
    /// the start. Adam moves every parameter by about its learning rate whatever the size of its gradient, so a loss
    /// weight cannot hold the encoder still while a freshly initialised head learns the base rate of its target; this
    /// can. With a sparse auxiliary target the head's first gradients push every latent the same way (towards the
    /// majority value) and, with the consistency loss, collapse the latents before they separate. `nil` (or 0):
    /// no warm-up (TD-MPC2 and the P-JEPA authors).
    public var encoderWarmupUpdates: Int? = nil
    public var entropyCoefficient: Float = 1e-4
    public var logStdMin: Float = -10, logStdMax: Float = 2
    /// Episode length used by the discount heuristic `clip(1 - 5/length, 0.95, 0.995)`.
    public var episodeLength = 500
    /// An explicit discount overrides the heuristic.
    public var discountOverride: Float? = nil
    public var discountDenominator: Float = 5, discountMin: Float = 0.95, discountMax: Float = 0.995
    /// Whether the task terminates (trains the termination head and masks bootstrapping).
    public var isEpisodic = false
    public var routing = AuxiliaryRouting()
    // Planning
    public var planner = MPPIConfiguration()
    /// The planner for `.evaluate` actions when it should differ from ``planner`` (a larger planning budget
    /// at evaluation, as deployment often affords); nil plans evaluation actions with ``planner``. Training
    /// never reads it, so it changes no training run.
    public var evaluationPlanner: MPPIConfiguration? = nil
    /// When set, `.evaluate` actions plan with an exponential moving average of the world model's weights,
    /// `average ← average + rate · (weights − average)` after every update (Polyak averaging), instead of
    /// the weights of the last update; nil evaluates the trained weights. Training actions and updates never
    /// read the average, so it changes no training run. A rate of 0.001 averages over about the last
    /// 1,000 updates, damping the update-to-update jitter of the values the planner ranks actions by.
    public var evaluationAverageRate: Float? = nil
    /// Plan with MPPI (`false`: act with the policy prior).
    public var usesPlanner = true

    public init(observationShape: [Int], actionDimensions: Int, modelSize: ModelSize = .m5) {
        self.observationShape = observationShape
        self.actionDimensions = actionDimensions
        let d = modelSize.dimensions
        encoderDimensions = d.encoder; mlpDimensions = d.mlp; latentDimensions = d.latent
        encoderLayerCount = d.encoderLayers; qCount = d.qCount
    }

    /// `γ = clip((L/5 - 1) / (L/5), 0.95, 0.995)` for episode length `L` (TD-MPC2 `_get_discount`).
    public var discount: Float {
        if let discountOverride { return discountOverride }
        let frac = Float(episodeLength) / discountDenominator
        return Swift.min(Swift.max((frac - 1) / frac, discountMin), discountMax)
    }

    /// The configuration with every optional setting replaced by the default it stands for, so that two
    /// configurations that build the same agent compare equal (`nil` and an explicit default alike).
    public var resolvingDefaults: TDMPC2Configuration {
        var c = self
        c.pixelReadout = resolvedPixelReadout
        c.pixelArchitecture = resolvedPixelArchitecture
        c.pixelOffset = resolvedPixelOffset
        c.pixelHiddenLayers = resolvedPixelHiddenLayers
        c.pixelPadding = resolvedPixelPadding
        c.pixelProjectionNorm = resolvedPixelProjectionNorm
        c.latentSimNorm = resolvedLatentSimNorm
        c.tdSteps = resolvedTDSteps
        if consistencyWarmupUpdates == 0 { c.consistencyWarmupUpdates = nil }
        if encoderWarmupUpdates == 0 { c.encoderWarmupUpdates = nil }
        c.routing.currentRewardZeroInitialized = routing.resolvedCurrentRewardZeroInitialized
        c.routing.currentRewardOnRollout = routing.resolvedCurrentRewardOnRollout
        c.routing.currentRewardBalanced = routing.resolvedCurrentRewardBalanced
        c.routing.rewardBalanced = routing.resolvedRewardBalanced
        return c
    }

    /// The pixel readout in effect (`nil`: TD-MPC2's `.flatten`).
    public var resolvedPixelReadout: PixelReadout { pixelReadout ?? .flatten }
    /// The pixel encoder's layout in effect (`nil`: TD-MPC2's `.tdmpc2`).
    public var resolvedPixelArchitecture: PixelArchitecture { pixelArchitecture ?? .tdmpc2 }
    /// The hidden blocks of the pixel encoder's projection in effect (`nil`: TD-MPC2's 0).
    public var resolvedPixelHiddenLayers: Int { pixelHiddenLayers ?? 0 }
    /// Whether the `.resnet` layout's strided convolutions pad, in effect (`nil`: `false`).
    public var resolvedPixelPadding: Bool { pixelPadding ?? false }
    /// Whether the pixel encoder's last block has TD-MPC2's LayerNorm (`nil`: `true`).
    public var resolvedPixelProjectionNorm: Bool { pixelProjectionNorm ?? true }
    /// Whether latents end in SimNorm, in effect (`nil`: `true`).
    public var resolvedLatentSimNorm: Bool { latentSimNorm ?? true }
    /// The TD-target steps in effect (`nil`: TD-MPC2's 1).
    public var resolvedTDSteps: Int { tdSteps ?? 1 }
    /// The pixel offset in effect (`nil`: TD-MPC2's 0.5).
    public var resolvedPixelOffset: Float { pixelOffset ?? 0.5 }

    /// Whether observations are images.
    public var isPixel: Bool { observationShape.count == 3 }

    /// Checks the sizes and coefficients.
    /// - Throws: ``ConfigurationError`` naming the first bad value.
    public func validate() throws {
        func check(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws {
            if !ok { throw ConfigurationError.invalidValue(key: key, value: "\(value)", expected: expected) }
        }
        try check(observationShape.count == 1 || observationShape.count == 3, "observationShape", observationShape, "[O] or [C, H, W]")
        try check(observationShape.allSatisfy { $0 > 0 }, "observationShape", observationShape, "positive extents")
        try check(actionDimensions > 0, "actionDimensions", actionDimensions, "a positive integer")
        try check(latentDimensions > 0 && latentDimensions % simNormGroupSize == 0, "latentDimensions", latentDimensions, "a positive multiple of \(simNormGroupSize)")
        try check(mlpDimensions > 0 && encoderDimensions > 0, "mlpDimensions", mlpDimensions, "positive")
        try check(qCount >= 2, "qCount", qCount, "at least 2 (TD targets use the minimum of two)")
        try check(horizon >= 1, "horizon", horizon, ">= 1")
        try check(batchSize >= 1, "batchSize", batchSize, ">= 1")
        try check(!isPixel || resolvedLatentSimNorm || !resolvedPixelProjectionNorm, "latentSimNorm", false,
                  "true unless pixelProjectionNorm is false (the LayerNorm readout closes in SimNorm)")
        try check(qDropout >= 0 && qDropout < 1, "qDropout", qDropout, "in [0, 1)")
        try check(learningRate > 0, "learningRate", learningRate, "> 0")
        try check(encoderLearningRateScale >= 0 && encoderLearningRateScale.isFinite, "encoderLearningRateScale", encoderLearningRateScale, ">= 0")
        for (key, value) in [("consistencyCoefficient", consistencyCoefficient), ("rewardCoefficient", rewardCoefficient),
                             ("valueCoefficient", valueCoefficient), ("terminationCoefficient", terminationCoefficient)] {
            try check(value >= 0 && value.isFinite, key, value, ">= 0 and finite")
        }
        try check(resolvedPixelHiddenLayers >= 0, "pixelHiddenLayers", resolvedPixelHiddenLayers, ">= 0")
        try check((pixelOffset ?? 0).isFinite, "pixelOffset", pixelOffset ?? 0, "a finite number")
        try check(rho > 0 && rho <= 1, "rho", rho, "in (0, 1]")
        try check(tau >= 0 && tau <= 1, "tau", tau, "in [0, 1]")
        try check(resolvedTDSteps >= 1, "tdSteps", resolvedTDSteps, ">= 1")
        try check((consistencyWarmupUpdates ?? 0) >= 0, "consistencyWarmupUpdates", consistencyWarmupUpdates ?? 0, ">= 0")
        try check((encoderWarmupUpdates ?? 0) >= 0, "encoderWarmupUpdates", encoderWarmupUpdates ?? 0, ">= 0")
        try check(regression.binCount >= 2, "regression.binCount (valueBinCount)", regression.binCount, "at least 2")
        try check(regression.vmin.isFinite && regression.vmax.isFinite && regression.vmin < regression.vmax,
                  "regression.vmin/vmax (valueMin/valueMax)",
                  "[\(regression.vmin), \(regression.vmax)]", "finite bounds with vmin < vmax (symlog space)")
        try check(episodeLength >= 1, "episodeLength", episodeLength, ">= 1")
        if let n = discreteActionCount {
            try check(n >= 2 && n == actionDimensions, "discreteActionCount", n, "at least 2 and equal to actionDimensions (\(actionDimensions))")
            try check(gumbelTemperature > 0, "gumbelTemperature", gumbelTemperature, "> 0")
        }
        let discrete = discreteActionCount != nil
        try planner.validate(actionDimensions: actionDimensions, discrete: discrete)
        try evaluationPlanner?.validate(actionDimensions: actionDimensions, discrete: discrete, name: "evaluationPlanner")
        if let rate = evaluationAverageRate {
            try check(rate > 0 && rate <= 1, "evaluationAverageRate", rate, "in (0, 1]")
        }
    }
}
