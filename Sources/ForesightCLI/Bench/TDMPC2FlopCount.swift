// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import TDMPC2

// MARK: - Matmul FLOPs of one update and one planned action

/// Matmul FLOPs (2 x multiply-adds) per call, state observations. Elementwise work (LayerNorm, Mish,
/// softmax, Adam) is not counted, as in the reference's estimate.
struct TDMPC2FlopCount {
    var update: Double
    var act: Double

    /// Multiply-adds per row of each network.
    struct RowCosts {
        let obs, enc, latent, mlp, action, bins, q: Int
        init(_ c: TDMPC2Configuration) {
            obs = c.observationShape.reduce(1, *); enc = c.encoderDimensions; latent = c.latentDimensions
            mlp = c.mlpDimensions; action = c.actionDimensions; bins = c.regression.binCount; q = c.qCount
        }
        var encoder: Int {
            let hidden = Swift.max(2 - 1, 1)   // encoderLayerCount 2 (both presets used here)
            return obs * enc + (hidden - 1) * enc * enc + enc * latent
        }
        var dynamics: Int { (latent + action) * mlp + mlp * mlp + mlp * latent }
        var reward: Int { (latent + action) * mlp + mlp * mlp + mlp * bins }
        var qMember: Int { (latent + action) * mlp + mlp * mlp + mlp * bins }
        var policy: Int { latent * mlp + mlp * mlp + mlp * 2 * action }
    }

    /// What Foresight computes.
    init(_ c: TDMPC2Configuration) {
        let r = RowCosts(c)
        let (h, b) = (c.horizon, c.batchSize)
        let p = c.planner
        // Update: TD target with the 2 target members used; model forward and backward (no gradient
        // into observations); policy forward and backward with the 2 online members used (Q: input
        // gradient only, and in the first layer only for the action columns; policy: no input
        // gradient into the detached latents).
        let tdTarget = h * b * (r.encoder + r.policy + 2 * r.qMember)
        let modelForward = b * r.encoder + h * b * (r.dynamics + r.reward + r.q * r.qMember)
        let modelBackward = 2 * modelForward - b * r.obs * r.enc
        let policyForward = (h + 1) * b * (r.policy + 2 * r.qMember)
        let policyBackward = (h + 1) * b * (2 * r.policy - r.latent * r.mlp + 2 * (r.qMember - r.latent * r.mlp))
        update = 2 * Double(tdTarget + modelForward + modelBackward + policyForward + policyBackward)
        // Act: encode one observation and run the policy trajectories; the latent share of the first
        // reward and dynamics layers once per plan; per iteration, every sample's reward and dynamics
        // steps (the first from the shared term plus the action columns; the policy trajectories' steps
        // in the first iteration only), then the terminal policy action and 2 Q members for all samples.
        let iterations = p.effectiveIterations(actionDimensions: c.actionDimensions)
        let (n, pt) = (p.sampleCount, p.policyTrajectoryCount)
        let prior = pt * (h * r.policy + (h - 1) * r.dynamics)
        let shared = r.latent * 2 * r.mlp
        let firstStep = r.action * 2 * r.mlp + (r.dynamics + r.reward - 2 * (r.latent + r.action) * r.mlp)
        let step = firstStep + (h - 1) * (r.dynamics + r.reward)
        let rollouts = n * step + (iterations - 1) * (n - pt) * step
        let terminal = iterations * n * (r.policy + 2 * r.qMember)
        act = 2 * Double(r.encoder + prior + shared + rollouts + terminal)
    }

    init(update: Double, act: Double) { self.update = update; self.act = act }

    /// The PyTorch reference's counts (`torch_tdmpc2_bench.py flops()`): all Q members evaluated
    /// in the TD target, the policy loss and planning; the full first layer for every sample.
    static func reference(_ c: TDMPC2Configuration) -> TDMPC2FlopCount {
        let r = RowCosts(c)
        let (h, b) = (c.horizon, c.batchSize)
        let p = c.planner
        let noGrad = h * b * (r.encoder + r.policy + r.q * r.qMember)
        let modelForward = b * r.encoder + h * b * (r.dynamics + r.reward + r.q * r.qMember)
        let modelBackward = 2 * modelForward - b * r.obs * r.enc
        let policyForward = (h + 1) * b * (r.policy + r.q * r.qMember)
        let policyBackward = (h + 1) * b * (2 * r.policy + r.q * r.qMember)
        let update = 2 * Double(noGrad + modelForward + modelBackward + policyForward + policyBackward)
        let iterations = p.effectiveIterations(actionDimensions: c.actionDimensions)
        let act = 2 * Double(r.encoder + p.policyTrajectoryCount * (h * r.policy + (h - 1) * r.dynamics)
                                + iterations * p.sampleCount * (h * (r.reward + r.dynamics) + r.policy + r.q * r.qMember))
        return TDMPC2FlopCount(update: update, act: act)
    }
}
