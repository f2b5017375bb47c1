// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import Optimizers
import RLCore

// MARK: - Agent

/// The TD-MPC2 agent: a world model, its two optimizers, the running Q scale and the planner.
///
/// The API is TD-MPC2's four calls: ``act(_:isFirstStep:mode:)``, ``update(_:noise:)``, ``save(to:)``
/// and ``load(from:)``. Every random draw comes from the agent's own seeded generators, saved with it.
public final class TDMPC2Agent {
    public let configuration: TDMPC2Configuration
    public let model: WorldModel
    public let modelOptimizer: Adam
    public let policyOptimizer: Adam
    public internal(set) var scale: RunningScale
    /// Draws for update noise (policy samples, Q pairs, augmentation).
    public internal(set) var generator: SeededGenerator
    /// Draws for planning and acting.
    public internal(set) var actingGenerator: SeededGenerator
    public var planner: MPPIPlanner
    /// The planner for `Discrete(n)` action spaces (nil for continuous ones).
    public var categoricalPlanner: CategoricalPlanner?
    /// The planners of `.evaluate` actions when ``TDMPC2Configuration/evaluationPlanner`` is set (see
    /// ``setEvaluationPlanner(_:)``); nil: evaluation plans with ``planner`` / ``categoricalPlanner``.
    public internal(set) var evaluationPlanner: MPPIPlanner?
    public internal(set) var evaluationCategoricalPlanner: CategoricalPlanner?
    /// The moving average of the model's weights (every parameter, target Q included) that `.evaluate` actions plan with, when
    /// ``TDMPC2Configuration/evaluationAverageRate`` is set (nil otherwise).
    public let averagedModel: WorldModel?
    /// Whether `.evaluate` actions use ``averagedModel`` when there is one (`false`: the last update's
    /// weights, e.g. to compare the two on one checkpoint). Not saved.
    public var evaluatesWithAverage = true
    /// The model `.evaluate` actions plan with: ``averagedModel`` when there is one and ``evaluatesWithAverage`` is set,
    /// ``model`` otherwise.
    public var evaluationModel: WorldModel { (evaluatesWithAverage ? averagedModel : nil) ?? model }
    /// `model`'s and `averagedModel`'s parameters, in the same order (collected once).
    private let averagedPairs: (average: [Parameter], online: [Parameter])
    /// Gradient updates taken.
    public internal(set) var updateCount = 0
    /// When set, ``update(_:noise:)`` keeps the last unclipped gradients (for reference tests).
    var keepsGradients = false
    var lastGradients: (model: Gradients, policy: Gradients)?

    /// - Throws: ``ConfigurationError`` for an invalid configuration.
    public init(configuration: TDMPC2Configuration, seed: UInt64) throws {
        try configuration.validate()
        MemoryTuning.retainFreedMemory()   // reuse the update's buffers instead of page-faulting them in every step
        self.configuration = configuration
        var g = SeededGenerator(seed: seed)
        model = WorldModel(configuration, generator: &g)
        modelOptimizer = Adam([ParameterGroup(named: model.encoderParameters, learningRateScale: configuration.encoderLearningRateScale),
                               ParameterGroup(named: model.headParameters)], learningRate: configuration.learningRate)
        policyOptimizer = Adam([ParameterGroup([model.policy], prefix: "policy")], learningRate: configuration.learningRate, epsilon: 1e-5)
        scale = RunningScale(tau: configuration.tau)
        generator = g.split()
        actingGenerator = g.split()
        planner = MPPIPlanner(configuration: configuration.planner, actionDimensions: configuration.actionDimensions)
        categoricalPlanner = configuration.discreteActionCount.map { CategoricalPlanner(configuration: configuration.planner, actionCount: $0) }
        if configuration.evaluationAverageRate != nil {
            // Built from a generator of its own so that the agent's draws stay those of a run without it,
            // then set to the model's initial weights.
            var unused = SeededGenerator(seed: seed)
            let average = WorldModel(configuration, generator: &unused)
            average.copyParameters(from: model)
            averagedModel = average
            averagedPairs = (average.parameters, model.parameters)
        } else {
            averagedModel = nil
            averagedPairs = ([], [])
        }
        if let evaluation = configuration.evaluationPlanner { installEvaluationPlanner(evaluation) }
    }

    /// Data-dependent initialisation of the pixel encoder's first layer after its readout
    /// (``PixelEncoder/standardizeReadout(on:)``) on `observations` `[N, C, H, W]`; the averaged weights, if kept, follow.
    /// Meant for a fresh agent, before its first update.
    /// - Returns: the number of features standardised (0 for a state encoder or an encoder without such a layer).
    @discardableResult
    public func standardizePixelReadout(on observations: Tensor) -> Int {
        guard let pixel = model.encoder as? PixelEncoder else { return 0 }
        let count = pixel.standardizeReadout(on: observations)
        averagedModel?.copyParameters(from: model)
        return count
    }

    /// A head whose output bias ``initializePrior(of:values:)`` can set.
    public enum PriorHead: String, Sendable, CaseIterable {
        /// The current-reward head `P(z_t) ≈ value(o_t)` (the paper's auxiliary), trained on state values.
        case currentReward
        /// TD-MPC2's reward head `R(z_t, a_t) ≈ r_t`, trained on transition rewards.
        case reward
    }

    /// Sets a head's output bias so that, before any update, it predicts the distribution of `values` (the targets it
    /// will be trained on): the mean of their two-hot encodings, each distinct value weighted equally when that head's
    /// loss is balanced (``AuxiliaryRouting/currentRewardBalanced``, ``AuxiliaryRouting/rewardBalanced``), mixed with 1 % of a uniform
    /// distribution so that no bin starts at probability zero. This is the prior-probability initialisation of a
    /// classifier's last layer (Lin et al. 2017, "Focal Loss for Dense Object Detection", section 4.1). A head that
    /// starts miscalibrated (a random last layer, or TD-MPC2's zero one, which predicts the uniform distribution over
    /// the bins) spends its first updates correcting an error shared by every sample, and once its last layer is
    /// nonzero that shared error sends the same gradient into every latent. The weights are left as they are.
    /// - Returns: `false` when the agent has no such head, its last layer has no bias, or `values` is empty or not
    ///   finite.
    @discardableResult
    public func initializePrior(of which: PriorHead, values: [Float]) -> Bool {
        let head: MLP? = which == .currentReward ? model.currentReward : model.reward
        guard let head, let last = head.layers.last as? Linear, let bias = last.bias,
              !values.isEmpty, values.allSatisfy(\.isFinite) else { return false }
        let regression = configuration.regression, k = regression.binCount
        let column = Tensor(shape: [values.count, 1], scalars: values)
        let twoHot = regression.twoHot(column).scalars
        let routing = configuration.routing
        let balanced = which == .currentReward ? routing.resolvedCurrentRewardBalanced : routing.resolvedRewardBalanced
        let weights = balanced ? Self.balancingWeights(column).scalars : [Float](repeating: 1, count: values.count)
        var p = [Double](repeating: 0, count: k)
        for i in 0..<values.count { for j in 0..<k { p[j] += Double(weights[i] * twoHot[i * k + j]) } }
        let total = p.reduce(0, +)
        let logits = p.map { Foundation.log(0.99 * $0 / total + 0.01 / Double(k)) }
        let mean = logits.reduce(0, +) / Double(k)
        bias.value = Tensor(shape: bias.value.shape, scalars: logits.map { Float($0 - mean) })
        averagedModel?.copyParameters(from: model)
        return true
    }

    /// Per-sample weights `[N, 1]` that give each distinct value of `values` (`[N, 1]`) the same total weight, with mean 1
    /// (``AuxiliaryRouting/currentRewardBalanced``).
    static func balancingWeights(_ values: Tensor) -> Tensor {
        let v = values.scalars
        var counts: [Float: Int] = [:]
        for x in v { counts[x, default: 0] += 1 }
        let k = Float(counts.count), n = Float(v.count)
        return Tensor(shape: values.shape, scalars: v.map { n / (k * Float(counts[$0] ?? 1)) })
    }

    /// The share of the consistency weight at update `update` (from 0) of a linear warm-up over `updates` updates:
    /// `min(1, (update + 1) / updates)`, or 1 without a warm-up.
    static func warmupFraction(update: Int, over updates: Int?) -> Float {
        guard let updates, updates > 0, update < updates else { return 1 }
        return Float(update + 1) / Float(updates)
    }

    /// Moves the averaged weights toward the model's after update number `updateCount + 1`, at the rate
    /// `max(rate, 1 / (updateCount + 1))`: the plain mean of every update's weights until that reaches the
    /// configured rate, an exponential moving average from then on, so that the initial weights do not
    /// linger in the average (with a rate of 0.001 they would still weigh 37 % after 1,000 updates).
    func updateAveragedModel() {
        guard let rate = configuration.evaluationAverageRate else { return }
        Parameter.interpolate(averagedPairs.average, toward: averagedPairs.online, by: Swift.max(rate, 1 / Float(updateCount + 1)))
    }

    /// Plans `.evaluate` actions with `planner` from now on (nil: with the training planner), e.g. a larger
    /// budget for evaluating a trained agent. Training actions and updates are unaffected.
    /// - Throws: ``ConfigurationError`` for a planner configuration that does not fit the action space.
    public func setEvaluationPlanner(_ planner: MPPIConfiguration?) throws {
        guard var planner else { evaluationPlanner = nil; evaluationCategoricalPlanner = nil; return }
        var candidate = configuration
        candidate.evaluationPlanner = planner
        try candidate.validate()
        planner.minStd = self.planner.configuration.minStd   // the current exploration floor
        installEvaluationPlanner(planner)
    }

    private func installEvaluationPlanner(_ planner: MPPIConfiguration) {
        evaluationPlanner = MPPIPlanner(configuration: planner, actionDimensions: configuration.actionDimensions)
        evaluationCategoricalPlanner = configuration.discreteActionCount.map { CategoricalPlanner(configuration: planner, actionCount: $0) }
    }
}

// MARK: - Update

/// The random draws of one update, injectable so that a test can reproduce a reference exactly.
public struct UpdateNoise {
    /// The two target-Q members whose minimum forms the TD target.
    public var tdPair: [Int]
    /// `[H, B, A]` standard normal draws for the policy action at the next latents.
    public var tdNoise: Tensor
    /// `[H + 1, B, A]` standard normal draws for the policy update.
    public var policyNoise: Tensor
    /// The two online-Q members averaged in the policy loss.
    public var policyPair: [Int]

    public init(tdPair: [Int], tdNoise: Tensor, policyNoise: Tensor, policyPair: [Int]) {
        self.tdPair = tdPair; self.tdNoise = tdNoise; self.policyNoise = policyNoise; self.policyPair = policyPair
    }
}

/// What one update measured, in the order the trainer logs it.
public struct UpdateMetrics: Sendable, Equatable {
    public var consistencyLoss: Float = 0, rewardLoss: Float = 0, valueLoss: Float = 0, terminationLoss: Float = 0
    public var currentRewardLoss: Float = 0, randomProjectionLoss: Float = 0
    public var totalLoss: Float = 0, gradientNorm: Float = 0
    public var policyLoss: Float = 0, policyGradientNorm: Float = 0, policyEntropy: Float = 0, scale: Float = 0

    /// Named values for logging.
    public var named: [(name: String, value: Double)] {
        [("consistency_loss", consistencyLoss), ("reward_loss", rewardLoss), ("value_loss", valueLoss), ("termination_loss", terminationLoss),
         ("current_reward_loss", currentRewardLoss), ("random_projection_loss", randomProjectionLoss), ("total_loss", totalLoss),
         ("grad_norm", gradientNorm), ("pi_loss", policyLoss), ("pi_grad_norm", policyGradientNorm), ("pi_entropy", policyEntropy), ("pi_scale", scale)]
            .map { ($0.0, Double($0.1)) }
    }

    /// Whether every value is finite.
    public var isFinite: Bool { named.allSatisfy { $0.value.isFinite } }
}

extension TDMPC2Agent {
    /// Draws the noise of one update from the agent's generator.
    func drawNoise(horizon h: Int, batch b: Int) -> UpdateNoise {
        let a = configuration.actionDimensions
        return UpdateNoise(tdPair: randomPair(), tdNoise: policyNoise([h, b, a]), policyNoise: policyNoise([h + 1, b, a]), policyPair: randomPair())
    }

    /// Standard normal draws (Gaussian prior) or standard Gumbel draws (categorical prior).
    func policyNoise(_ shape: [Int]) -> Tensor {
        Self.policyNoise(shape, discrete: configuration.discreteActionCount != nil, using: &generator)
    }

    static func policyNoise(_ shape: [Int], discrete: Bool, using generator: inout some RandomNumberGenerator) -> Tensor {
        guard discrete else { return .randomNormal(shape, using: &generator) }
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in generator.nextGumbel() })
    }

    /// Two distinct Q members, uniformly (`randperm(num_q)[:2]`).
    func randomPair() -> [Int] {
        let n = configuration.qCount
        let first = Int(generator.next() % UInt64(n))
        var second = Int(generator.next() % UInt64(n - 1))
        if second >= first { second += 1 }
        return [first, second]
    }

    /// One TD-MPC2 update (`tdmpc2._update`): world-model step, policy step and target-Q EMA.
    /// - Parameters:
    ///   - batch: time-major, `observations [H+1, B, ...]` with `H == configuration.horizon`.
    ///   - noise: injected draws (tests); drawn from the agent's generator when nil.
    /// - Returns: the losses, gradient norms and scale of this update.
    @discardableResult
    public func update(_ batch: SequenceBatch, noise injected: UpdateNoise? = nil) -> UpdateMetrics {
        let c = configuration
        let (h, b) = (batch.actions.shape[0], batch.actions.shape[1])
        precondition(h == c.horizon, "batch horizon \(h) differs from the configured horizon \(c.horizon)")
        let noise = injected ?? drawNoise(horizon: h, batch: b)
        let obsShape = Array(batch.observations.shape.dropFirst(2))
        let allObservations = batch.observations.reshaped(to: [(h + 1) * b] + obsShape)
        let nextObservations = allObservations.slice(along: 0, b..<((h + 1) * b))
        let actions = batch.actions.reshaped(to: [h * b, c.actionDimensions])
        let rewards = batch.rewards.reshaped(to: [h * b, 1]), terminated = batch.terminated.reshaped(to: [h * b, 1])
        var augmentation = generator.split()
        let rhoWeights = (0...h).map { Float(Foundation.pow(Double(c.rho), Double($0))) }
        var metrics = UpdateMetrics()

        // 1. TD targets (no gradient, target Q, min of a random pair); n-step targets bootstrap from s_{t+k}.
        func tdTargets(nextZ: Tensor) -> Tensor {
            // One-step targets: G = r, D = γ (1 − terminated), bootstrap from s_{t+1}.
            var (bootstrapZ, returns, bootstrapDiscounts) = (nextZ, rewards, c.discount * (1 - terminated))
            if let multiStep = batch.multiStep {
                let observations = multiStep.bootstrapObservations
                bootstrapZ = model.encode(observations.reshaped(to: [h * b] + Array(observations.shape.dropFirst(2))),
                                          augmentationGenerator: &augmentation)
                returns = multiStep.returns.reshaped(to: [h * b, 1])
                bootstrapDiscounts = multiStep.bootstrapDiscounts.reshaped(to: [h * b, 1])
            }
            let qMin: Tensor
            if let n = c.discreteActionCount {
                qMin = model.greedyTargetValue(bootstrapZ, actionCount: n, members: noise.tdPair)
            } else {
                let nextAction = model.pi(bootstrapZ, noise: noise.tdNoise.reshaped(to: [h * b, c.actionDimensions])).action
                let q = c.regression.decode(model.qLogits(bootstrapZ, nextAction, members: noise.tdPair, target: true))   // [2, HB, 1]
                qMin = q[row: 0].minimum(q[row: 1])
            }
            return returns + bootstrapDiscounts * qMin
        }
        let routing = c.routing
        let needsAllLatents = !routing.consistencyStopGradient || routing.currentReward || routing.randomProjection
        // When the loss encodes every observation anyway (and no random shift makes two encodings differ), the
        // targets bootstrap from those latents instead of encoding s_{t+1..t+H} a second time.
        let reusesLatents = needsAllLatents && !c.shiftAugmentation && batch.multiStep == nil
        var nextZ = Tensor(0), tdTarget = Tensor(0)
        if !reusesLatents {
            withoutGradients {
                nextZ = model.encode(nextObservations, augmentationGenerator: &augmentation)
                tdTarget = tdTargets(nextZ: nextZ)
            }
        }

        // 2. World-model losses with gradients through the H-step latent rollout.
        model.isTraining = true
        let consistencyWeight = c.consistencyCoefficient * Self.warmupFraction(update: updateCount, over: c.consistencyWarmupUpdates)
        var rolloutLatents: [Tensor] = []
        let (modelLoss, modelGradients) = valueWithGradients(at: model.encoderParameters.map(\.parameter) + model.headParameters.map(\.parameter)) { () -> Tensor in
            var z0: Tensor, targets: Tensor, allZ: Tensor? = nil
            if needsAllLatents {
                let z = model.encode(allObservations, augmentationGenerator: &augmentation)
                allZ = z
                z0 = z.slice(along: 0, 0..<b)
                let next = z.slice(along: 0, b..<((h + 1) * b))
                targets = routing.consistencyStopGradient ? next.detached() : next
                if reusesLatents { tdTarget = withoutGradients { tdTargets(nextZ: next.detached()) } }
            } else {
                z0 = model.encode(allObservations.slice(along: 0, 0..<b), augmentationGenerator: &augmentation)
                targets = nextZ
            }
            var z = routing.consistency ? z0 : z0.detached()
            var zs = [z]
            var consistency = Tensor(0)
            for t in 0..<h {
                z = model.next(z, actions.slice(along: 0, (t * b)..<((t + 1) * b)))
                consistency = consistency + Tensor.meanSquaredError(z, targets.slice(along: 0, (t * b)..<((t + 1) * b))) * rhoWeights[t]
                zs.append(z)
            }
            consistency = consistency * (1 / Float(h))
            // Detached: kept past the backward pass, the graph (and every weight its closures hold) would
            // stay alive, and the optimizer would copy those weights instead of updating them in place.
            rolloutLatents = zs.map { $0.detached() }
            let predicted = Tensor.concatenate(Array(zs.prefix(h)), along: 0)                     // [HB, L]
            let timeWeights = Tensor(shape: [h, 1], scalars: Array(rhoWeights.prefix(h)))
            // Reward: sum_t rho^t mean_B CE / H.
            let rewardLogits = model.rewardLogits(routing.reward ? predicted : predicted.detached(), actions)
            var rewardCE = c.regression.softCrossEntropy(rewardLogits, rewards)
            if routing.resolvedRewardBalanced { rewardCE = rewardCE * Self.balancingWeights(rewards) }
            rewardCE = rewardCE.reshaped(to: [h, b])
            let rewardLoss = (rewardCE * timeWeights).sum() * (1 / Float(h * b))
            // Value: all Q members against the TD target, sum_{t,q} rho^t mean_B CE / (H num_q).
            let qLogits = model.qLogits(routing.value ? predicted : predicted.detached(), actions)      // [E, HB, K]
            let targetsRepeated = Tensor.concatenate(Array(repeating: tdTarget, count: c.qCount), along: 0).reshaped(to: [c.qCount, h * b, 1])
            let valueCE = c.regression.softCrossEntropy(qLogits, targetsRepeated).reshaped(to: [c.qCount, h, b])
            let valueLoss = (valueCE * timeWeights).sum() * (1 / Float(h * b * c.qCount))
            var total = consistencyWeight * consistency + c.rewardCoefficient * rewardLoss + c.valueCoefficient * valueLoss
            metrics.consistencyLoss = consistency.scalar
            metrics.rewardLoss = rewardLoss.scalar
            metrics.valueLoss = valueLoss.scalar
            if let head = model.termination {
                let next = Tensor.concatenate(Array(zs.suffix(h)), along: 0)
                let termination = Tensor.binaryCrossEntropyWithLogits(head(routing.termination ? next : next.detached()), terminated)
                total = total + c.terminationCoefficient * termination
                metrics.terminationLoss = termination.scalar
            }
            if let head = model.currentReward, let allZ {
                let values = batch.stateValues.reshaped(to: [(h + 1) * b, 1])
                let balanced = routing.resolvedCurrentRewardBalanced
                var encodedCE = c.regression.softCrossEntropy(head(allZ), values)
                if balanced { encodedCE = encodedCE * Self.balancingWeights(values) }
                var ce = encodedCE.mean()
                if routing.resolvedCurrentRewardOnRollout {
                    // The same head on the predicted latents z_{t+1..t+H} against the values of o_{t+1..t+H}, rho-weighted.
                    let rolled = Tensor.concatenate(Array(zs.suffix(h)), along: 0)                  // [HB, L]
                    let rolledValues = values.slice(along: 0, b..<((h + 1) * b))
                    var rolledCE = c.regression.softCrossEntropy(head(rolled), rolledValues)
                    if balanced { rolledCE = rolledCE * Self.balancingWeights(rolledValues) }
                    ce = ce + (rolledCE.reshaped(to: [h, b]) * timeWeights).sum() * (1 / Float(h * b))
                }
                total = total + routing.currentRewardCoefficient * ce
                metrics.currentRewardLoss = ce.scalar
            }
            if let predictor = model.randomPredictor, let projection = model.randomProjection, let allZ {
                let inputs = allObservations.reshaped(to: [(h + 1) * b, -1])
                let scaled = c.isPixel ? inputs * (1 / 255) - 0.5 : inputs
                let targets = Tensor.linear(scaled, weight: projection, bias: nil)
                let mse = Tensor.meanSquaredError(predictor(allZ), targets)
                total = total + routing.randomProjectionCoefficient * mse
                metrics.randomProjectionLoss = mse.scalar
            }
            return total
        }
        metrics.totalLoss = modelLoss.scalar
        // The clip is folded into Adam (one pass over the gradients fewer); the gradients stay unclipped.
        let modelClip = modelGradients.clippingFactor(maxNorm: c.gradientClipNorm)
        metrics.gradientNorm = modelClip.norm
        if c.encoderWarmupUpdates != nil {
            // Group 0 is the encoder (see init).
            modelOptimizer.setLearningRateScale(c.encoderLearningRateScale * Self.warmupFraction(update: updateCount, over: c.encoderWarmupUpdates), group: 0)
        }
        modelOptimizer.update(modelGradients, gradientScale: modelClip.factor)

        // 3. Policy update on detached latents, Q from online members as constants (dropout on).
        let latents = Tensor.concatenate(rolloutLatents, along: 0)         // [(H+1)B, L]
        let piWeights = Tensor(shape: [h + 1, 1], scalars: rhoWeights)
        let (piLoss, piGradients) = valueWithGradients(at: model.policyParameters) { () -> Tensor in
            let sample = model.pi(latents, noise: noise.policyNoise.reshaped(to: [(h + 1) * b, c.actionDimensions]))
            let q = c.regression.decode(model.qLogits(latents, sample.action, members: noise.policyPair)).mean(squeezingAxes: [0])  // [(H+1)B, 1]
            scale.update(Array(q.scalars.prefix(b)))
            let objective = (c.entropyCoefficient * sample.scaledEntropy + q * (1 / scale.value)).reshaped(to: [h + 1, b])
            metrics.policyEntropy = sample.entropy.mean().scalar
            return (-(objective.mean(alongAxes: [1])) * piWeights).mean()
        }
        model.isTraining = false
        metrics.policyLoss = piLoss.scalar
        if keepsGradients { lastGradients = (modelGradients, piGradients) }
        let policyClip = piGradients.clippingFactor(maxNorm: c.gradientClipNorm)
        metrics.policyGradientNorm = policyClip.norm
        policyOptimizer.update(piGradients, gradientScale: policyClip.factor)
        metrics.scale = scale.value

        // 4. Target Q EMA.
        Parameter.interpolate(model.targetQParameters, toward: model.qParameters, by: c.tau)
        updateAveragedModel()
        updateCount += 1
        return metrics
    }
}
