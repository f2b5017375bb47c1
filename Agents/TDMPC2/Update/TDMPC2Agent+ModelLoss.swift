// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore

// MARK: - The model loss

/// What the model loss compares against, computed without gradients before it (or, when the loss encodes every
/// observation anyway, from its own latents: see ``TDMPC2Agent/reusesEncodedLatents(_:)``).
struct ModelLossTargets {
    let noise: UpdateNoise
    /// Whether the TD targets bootstrap from the latents the loss encodes instead of a second encoding.
    let reusesLatents: Bool
    /// `[HB, L]`: `z_{t+1}` encoded without gradients (nil when ``reusesLatents``).
    var nextLatents: Tensor?
    /// `[HB, 1]`: the TD targets (set by the loss itself when ``reusesLatents``).
    var tdTarget: Tensor?
}

extension TDMPC2Agent {
    /// Whether the routing makes the loss encode every observation `o_0 … o_H` with gradients: the consistency
    /// target is not stopped, or an auxiliary head reads every latent.
    func encodesAllObservations() -> Bool {
        let routing = configuration.routing
        return !routing.consistencyStopGradient || routing.currentReward || routing.randomProjection
    }

    /// Whether the TD targets can bootstrap from the latents the loss encodes: it encodes every observation, and no
    /// random shift makes two encodings of one image differ, and the targets need no other observation (`n = 1`).
    func reusesEncodedLatents(_ data: UpdateBatch) -> Bool {
        encodesAllObservations() && !configuration.shiftAugmentation && data.multiStep == nil
    }

    /// The world model's loss (`tdmpc2._update`, before the backward pass), with gradients through the `H`-step latent
    /// rollout: `c_cons · consistency + c_r · reward + c_v · value`, plus the termination, current-reward and
    /// random-projection terms of the heads the configuration has. Which latents carry gradients into the encoder is
    /// the configuration's ``AuxiliaryRouting``.
    /// - Returns: the loss and the rolled-out latents `z_0 … z_H` (each `[B, L]`, with their graph).
    func modelLoss(_ data: UpdateBatch, targets: inout ModelLossTargets, augmentation: inout SeededGenerator,
                   metrics: inout UpdateMetrics) -> (loss: Tensor, rollout: [Tensor]) {
        let c = configuration, routing = c.routing
        let (h, b) = (data.horizon, data.batchSize)
        let rho = rhoWeights(horizon: h)
        let timeWeights = Tensor(shape: [h, 1], scalars: Array(rho.prefix(h)))
        let consistencyWeight = c.consistencyCoefficient * Self.warmupFraction(update: updateCount, over: c.consistencyWarmupUpdates)

        // The latents: z_0 with gradients, the consistency targets z_{t+1}, and every latent when a head reads them.
        var z0: Tensor, consistencyTargets: Tensor, allZ: Tensor? = nil
        if encodesAllObservations() {
            let z = model.encode(data.observations, augmentationGenerator: &augmentation)
            allZ = z
            z0 = z.slice(along: 0, 0..<b)
            let next = data.afterFirst(z)
            consistencyTargets = routing.consistencyStopGradient ? next.detached() : next
            if targets.reusesLatents {
                targets.tdTarget = withoutGradients { tdTarget(data, nextLatents: next.detached(), noise: targets.noise, augmentation: &augmentation) }
            }
        } else {
            z0 = model.encode(data.step(0, of: data.observations), augmentationGenerator: &augmentation)
            consistencyTargets = targets.nextLatents ?? Tensor(0)
        }
        let valueTarget = targets.tdTarget ?? Tensor(0)

        // Consistency: sum_t rho^t MSE(z_{t+1}, target_{t+1}) / H.
        var z = routing.consistency ? z0 : z0.detached()
        var zs = [z]
        var consistency = Tensor(0)
        for t in 0..<h {
            z = model.next(z, data.step(t, of: data.actions))
            consistency = consistency + Tensor.meanSquaredError(z, data.step(t, of: consistencyTargets)) * rho[t]
            zs.append(z)
        }
        consistency = consistency * (1 / Float(h))
        let predicted = Tensor.concatenate(Array(zs.prefix(h)), along: 0)                     // [HB, L]
        let rewardLoss = self.rewardLoss(predicted, data, timeWeights: timeWeights)
        let valueLoss = self.valueLoss(predicted, data, tdTarget: valueTarget, timeWeights: timeWeights)
        var total = consistencyWeight * consistency + c.rewardCoefficient * rewardLoss + c.valueCoefficient * valueLoss
        metrics.consistencyLoss = consistency.scalar
        metrics.rewardLoss = rewardLoss.scalar
        metrics.valueLoss = valueLoss.scalar
        if let head = model.termination {
            let next = Tensor.concatenate(Array(zs.suffix(h)), along: 0)
            let termination = Tensor.binaryCrossEntropyWithLogits(head(routing.termination ? next : next.detached()), data.terminated)
            total = total + c.terminationCoefficient * termination
            metrics.terminationLoss = termination.scalar
        }
        if let head = model.currentReward, let allZ {
            let loss = currentRewardLoss(head, encoded: allZ, rolled: Array(zs.suffix(h)), data, timeWeights: timeWeights)
            total = total + routing.currentRewardCoefficient * loss
            metrics.currentRewardLoss = loss.scalar
        }
        if let predictor = model.randomPredictor, let projection = model.randomProjection, let allZ {
            let inputs = data.observations.reshaped(to: [(h + 1) * b, -1])
            let scaled = c.isPixel ? inputs * (1 / 255) - 0.5 : inputs
            let targets = Tensor.linear(scaled, weight: projection, bias: nil)
            let mse = Tensor.meanSquaredError(predictor(allZ), targets)
            total = total + routing.randomProjectionCoefficient * mse
            metrics.randomProjectionLoss = mse.scalar
        }
        return (total, zs)
    }

    /// TD-MPC2's reward loss: `sum_t rho^t mean_B CE(R(z_t, a_t), r_t) / H`, each value weighted equally when
    /// ``AuxiliaryRouting/rewardBalanced``. Gradients reach the latents when ``AuxiliaryRouting/reward``.
    /// - Parameter predicted: `[HB, L]`, the rolled-out `z_0 … z_{H−1}`.
    func rewardLoss(_ predicted: Tensor, _ data: UpdateBatch, timeWeights: Tensor) -> Tensor {
        let c = configuration, routing = c.routing
        let logits = model.rewardLogits(routing.reward ? predicted : predicted.detached(), data.actions)
        var ce = c.regression.softCrossEntropy(logits, data.rewards)
        if routing.resolvedRewardBalanced { ce = ce * Self.balancingWeights(data.rewards) }
        ce = ce.reshaped(to: [data.horizon, data.batchSize])
        return (ce * timeWeights).sum() * (1 / Float(data.horizon * data.batchSize))
    }

    /// TD-MPC2's value loss: every Q member against the TD target, `sum_{t,q} rho^t mean_B CE / (H num_q)`. Gradients
    /// reach the latents when ``AuxiliaryRouting/value``.
    /// - Parameters:
    ///   - predicted: `[HB, L]`, the rolled-out `z_0 … z_{H−1}`.
    ///   - tdTarget: `[HB, 1]`.
    func valueLoss(_ predicted: Tensor, _ data: UpdateBatch, tdTarget: Tensor, timeWeights: Tensor) -> Tensor {
        let c = configuration
        let (h, b) = (data.horizon, data.batchSize)
        let logits = model.qLogits(c.routing.value ? predicted : predicted.detached(), data.actions)      // [E, HB, K]
        let repeated = Tensor.concatenate(Array(repeating: tdTarget, count: c.qCount), along: 0).reshaped(to: [c.qCount, h * b, 1])
        let ce = c.regression.softCrossEntropy(logits, repeated).reshaped(to: [c.qCount, h, b])
        return (ce * timeWeights).sum() * (1 / Float(h * b * c.qCount))
    }

    /// P-JEPA's auxiliary regression `P(z) ≈ value(o)` on every encoded latent (mean CE), plus, when
    /// ``AuxiliaryRouting/currentRewardOnRollout``, the same head on the predicted `z_{t+1..t+H}` against the values
    /// of `o_{t+1..t+H}`, rho-weighted; each value weighted equally when ``AuxiliaryRouting/currentRewardBalanced``.
    /// - Parameters:
    ///   - encoded: `[(H+1)B, L]`.
    ///   - rolled: the predicted `z_1 … z_H`, each `[B, L]`.
    func currentRewardLoss(_ head: MLP, encoded: Tensor, rolled: [Tensor], _ data: UpdateBatch, timeWeights: Tensor) -> Tensor {
        let c = configuration, routing = c.routing
        let (h, b) = (data.horizon, data.batchSize)
        let values = data.stateValues
        let balanced = routing.resolvedCurrentRewardBalanced
        var encodedCE = c.regression.softCrossEntropy(head(encoded), values)
        if balanced { encodedCE = encodedCE * Self.balancingWeights(values) }
        var ce = encodedCE.mean()
        if routing.resolvedCurrentRewardOnRollout {
            let predicted = Tensor.concatenate(rolled, along: 0)                  // [HB, L]
            let rolledValues = data.afterFirst(values)
            var rolledCE = c.regression.softCrossEntropy(head(predicted), rolledValues)
            if balanced { rolledCE = rolledCE * Self.balancingWeights(rolledValues) }
            ce = ce + (rolledCE.reshaped(to: [h, b]) * timeWeights).sum() * (1 / Float(h * b))
        }
        return ce
    }
}
