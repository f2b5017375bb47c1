// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import Optimizers
import RLCore

// MARK: - One update

/// One update's batch, flattened time-major: `H` steps of `B` sequences.
struct UpdateBatch {
    /// `H` and `B`.
    let horizon: Int, batchSize: Int
    /// `[(H+1)B, ...observationShape]`: `o_t` for `t = 0 … H`.
    let observations: Tensor
    /// `[HB, A]`, `[HB, 1]`, `[HB, 1]`: `a_t`, `r_t`, `terminated_t` for `t = 0 … H−1`.
    let actions: Tensor, rewards: Tensor, terminated: Tensor
    /// `[(H+1)B, 1]`: the auxiliary value of each observation (the current-reward head's target).
    let stateValues: Tensor
    /// The `n`-step TD-target inputs, when sampled.
    let multiStep: MultiStepTargets?

    init(_ batch: SequenceBatch, actionDimensions: Int) {
        let (h, b) = (batch.actions.shape[0], batch.actions.shape[1])
        (horizon, batchSize) = (h, b)
        observations = batch.observations.reshaped(to: [(h + 1) * b] + Array(batch.observations.shape.dropFirst(2)))
        actions = batch.actions.reshaped(to: [h * b, actionDimensions])
        rewards = batch.rewards.reshaped(to: [h * b, 1])
        terminated = batch.terminated.reshaped(to: [h * b, 1])
        stateValues = batch.stateValues.reshaped(to: [(h + 1) * b, 1])
        multiStep = batch.multiStep
    }

    /// `[B, ...]`: the rows of step `t` of a time-major tensor.
    func step(_ t: Int, of x: Tensor) -> Tensor { x.slice(along: 0, (t * batchSize)..<((t + 1) * batchSize)) }
    /// `[HB, ...]`: the rows of steps `1 … H` of a `[(H+1)B, ...]` tensor.
    func afterFirst(_ x: Tensor) -> Tensor { x.slice(along: 0, batchSize..<((horizon + 1) * batchSize)) }
}

extension TDMPC2Agent {
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
        let data = UpdateBatch(batch, actionDimensions: c.actionDimensions)
        var augmentation = generator.split()
        var metrics = UpdateMetrics()

        model.isTraining = true
        let (rollout, modelGradients) = updateWorldModel(data, noise: noise, augmentation: &augmentation, metrics: &metrics)
        let policyGradients = updatePolicy(rollout, noise: noise, metrics: &metrics)
        if keepsGradients { lastGradients = (modelGradients, policyGradients) }

        // Target Q EMA.
        Parameter.interpolate(model.targetQParameters, toward: model.qParameters, by: c.tau)
        updateAveragedModel()
        updateCount += 1
        return metrics
    }

    /// `rho^t` for `t = 0 … horizon`.
    func rhoWeights(horizon h: Int) -> [Float] {
        (0...h).map { Float(Foundation.pow(Double(configuration.rho), Double($0))) }
    }

    /// The TD targets (`tdmpc2._td_target`), without gradients: `r_t + γ (1 − terminated_t) min_{pair} Q̄(z_{t+1}, π(z_{t+1}))`,
    /// the minimum over a random pair of target-Q members; with `n`-step targets, `G_t + D_t min Q̄(z_{t+k}, ·)` from the
    /// encoded `s_{t+k}`. A discrete action space bootstraps from the greedy action instead of the policy's.
    /// - Parameter nextLatents: `[HB, L]`, `z_{t+1}` for `t = 0 … H−1`.
    /// - Returns: `[HB, 1]`.
    func tdTarget(_ data: UpdateBatch, nextLatents: Tensor, noise: UpdateNoise, augmentation: inout SeededGenerator) -> Tensor {
        let c = configuration
        let rows = data.horizon * data.batchSize
        // One-step targets: G = r, D = γ (1 − terminated), bootstrap from s_{t+1}.
        var (bootstrapZ, returns, bootstrapDiscounts) = (nextLatents, data.rewards, c.discount * (1 - data.terminated))
        if let multiStep = data.multiStep {
            let observations = multiStep.bootstrapObservations
            bootstrapZ = model.encode(observations.reshaped(to: [rows] + Array(observations.shape.dropFirst(2))),
                                      augmentationGenerator: &augmentation)
            returns = multiStep.returns.reshaped(to: [rows, 1])
            bootstrapDiscounts = multiStep.bootstrapDiscounts.reshaped(to: [rows, 1])
        }
        let qMin: Tensor
        if let n = c.discreteActionCount {
            qMin = model.greedyTargetValue(bootstrapZ, actionCount: n, members: noise.tdPair)
        } else {
            let nextAction = model.pi(bootstrapZ, noise: noise.tdNoise.reshaped(to: [rows, c.actionDimensions])).action
            let q = c.regression.decode(model.qLogits(bootstrapZ, nextAction, members: noise.tdPair, target: true))   // [2, HB, 1]
            qMin = q[row: 0].minimum(q[row: 1])
        }
        return returns + bootstrapDiscounts * qMin
    }

    /// The world-model step: the TD targets, the model loss (``modelLoss(_:targets:augmentation:metrics:)``), its
    /// gradients, and one Adam step of the encoder and the heads with the clip folded in.
    /// - Returns: the detached rolled-out latents `z_0 … z_H` (each `[B, L]`) for the policy step, and the unclipped gradients.
    func updateWorldModel(_ data: UpdateBatch, noise: UpdateNoise, augmentation: inout SeededGenerator,
                          metrics: inout UpdateMetrics) -> (rollout: [Tensor], gradients: Gradients) {
        let c = configuration
        var targets = ModelLossTargets(noise: noise, reusesLatents: reusesEncodedLatents(data))
        if !targets.reusesLatents {
            withoutGradients {
                let next = model.encode(data.afterFirst(data.observations), augmentationGenerator: &augmentation)
                targets.nextLatents = next
                targets.tdTarget = tdTarget(data, nextLatents: next, noise: noise, augmentation: &augmentation)
            }
        }
        var rollout: [Tensor] = []
        let (loss, gradients) = valueWithGradients(at: model.encoderParameters.map(\.parameter) + model.headParameters.map(\.parameter)) { () -> Tensor in
            let (total, latents) = modelLoss(data, targets: &targets, augmentation: &augmentation, metrics: &metrics)
            // Detached: kept past the backward pass, the graph (and every weight its closures hold) would
            // stay alive, and the optimizer would copy those weights instead of updating them in place.
            rollout = latents.map { $0.detached() }
            return total
        }
        metrics.totalLoss = loss.scalar
        // The clip is folded into Adam (one pass over the gradients fewer); the gradients stay unclipped.
        let clip = gradients.clippingFactor(maxNorm: c.gradientClipNorm)
        metrics.gradientNorm = clip.norm
        if c.encoderWarmupUpdates != nil {
            // Group 0 is the encoder (see init).
            modelOptimizer.setLearningRateScale(c.encoderLearningRateScale * Self.warmupFraction(update: updateCount, over: c.encoderWarmupUpdates), group: 0)
        }
        modelOptimizer.update(gradients, gradientScale: clip.factor)
        return (rollout, gradients)
    }

    /// The policy step (`tdmpc2.update_pi`) on the detached rolled-out latents: maximise the mean of a random pair of
    /// online Q members (constants; dropout on) scaled by the running 5-95 % range, plus the entropy bonus,
    /// rho-weighted over time; then one Adam step of the policy with the clip folded in. Ends the update's training mode.
    /// - Parameter rollout: `z_0 … z_H`, each `[B, L]`.
    /// - Returns: the unclipped policy gradients.
    func updatePolicy(_ rollout: [Tensor], noise: UpdateNoise, metrics: inout UpdateMetrics) -> Gradients {
        let c = configuration
        let (h, b) = (rollout.count - 1, rollout[0].shape[0])
        let latents = Tensor.concatenate(rollout, along: 0)         // [(H+1)B, L]
        let weights = Tensor(shape: [h + 1, 1], scalars: rhoWeights(horizon: h))
        let (loss, gradients) = valueWithGradients(at: model.policyParameters) { () -> Tensor in
            let sample = model.pi(latents, noise: noise.policyNoise.reshaped(to: [(h + 1) * b, c.actionDimensions]))
            let q = c.regression.decode(model.qLogits(latents, sample.action, members: noise.policyPair)).mean(squeezingAxes: [0])  // [(H+1)B, 1]
            scale.update(Array(q.scalars.prefix(b)))
            let objective = (c.entropyCoefficient * sample.scaledEntropy + q * (1 / scale.value)).reshaped(to: [h + 1, b])
            metrics.policyEntropy = sample.entropy.mean().scalar
            return (-(objective.mean(alongAxes: [1])) * weights).mean()
        }
        model.isTraining = false
        metrics.policyLoss = loss.scalar
        let clip = gradients.clippingFactor(maxNorm: c.gradientClipNorm)
        metrics.policyGradientNorm = clip.norm
        policyOptimizer.update(gradients, gradientScale: clip.factor)
        metrics.scale = scale.value
        return gradients
    }
}
