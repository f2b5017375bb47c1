// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN

// MARK: - Latent model

/// Everything the planner may call. The TD-MPC2 ``WorldModel`` conforms.
public protocol LatentModel: AnyObject {
    /// `[N, L], [N, A] -> [N, L]`.
    func next(_ latent: Tensor, _ action: Tensor) -> Tensor
    /// Predicted reward `[N, 1]`.
    func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor
    /// Probability-style termination signal `[N, 1]` in {0, 1} (nil for non-episodic models).
    func predictedTermination(_ latent: Tensor) -> Tensor?
    /// Value `[N, 1]`: the mean of the chosen Q members.
    func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor
    /// A policy-prior action `[N, A]` in [-1, 1] from standard normal `noise` `[N, A]`.
    func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor
    /// The number of Q members to pick pairs from.
    var valueMemberCount: Int { get }
}

extension WorldModel: LatentModel {
    public func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor { configuration.regression.decode(rewardLogits(latent, action)) }
    public func predictedTermination(_ latent: Tensor) -> Tensor? {
        termination.map { $0(latent).mapScalars { $0 > 0 ? 1 : 0 } }
    }
    public func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor {
        configuration.regression.decode(qLogits(latent, action, members: members)).mean(squeezingAxes: [0])
    }
    /// For a categorical prior the sample is `one_hot(argmax(logits + noise))` (Gumbel-max when `noise` is Gumbel).
    public func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor { pi(latent, noise: noise).action.detached() }
    public var valueMemberCount: Int { configuration.qCount }
}

// MARK: - MPPI

/// TD-MPC2's MPPI planner in latent space (`tdmpc2._plan`, see the reference notes §7): policy-prior
/// trajectories, Gaussian samples around a warm-started mean, softmax-weighted elites, and a final
/// action drawn from the elites (with exploration noise when exploring).
public struct MPPIPlanner: Sendable {
    public var configuration: MPPIConfiguration
    public let actionDimensions: Int
    /// The last plan's mean `[H, A]`, shifted by one step to warm-start the next call.
    public internal(set) var previousMean: Tensor?

    public init(configuration: MPPIConfiguration, actionDimensions: Int) {
        self.configuration = configuration
        self.actionDimensions = actionDimensions
    }

    /// Forgets the warm start (a new episode).
    public mutating func reset() { previousMean = nil }

    /// Plans from one latent and returns an action `[A]` in [-1, 1].
    /// - Parameters:
    ///   - latent: `[1, L]`.
    ///   - discount: per-step discount of the value estimate.
    ///   - isFirstStep: the first step of an episode (no warm start).
    ///   - mode: `.explore` adds Gaussian noise with the first-step std to the chosen action.
    public mutating func plan<G: RandomNumberGenerator>(from latent: Tensor, model: some LatentModel, discount: Float, isFirstStep: Bool, mode: ActionMode,
                                                        using generator: inout G) -> Tensor {
        let c = configuration, a = actionDimensions, h = c.horizon, n = c.sampleCount, p = c.policyTrajectoryCount, e = c.eliteCount
        let iterations = c.effectiveIterations(actionDimensions: a)
        return withoutGradients {
            // (a) Policy-prior trajectories, sampled once.
            var actions = [Float](repeating: 0, count: h * n * a)          // [H, N, A]
            if p > 0 {
                var zp = Tensor.concatenate(Array(repeating: latent, count: p), along: 0)
                for t in 0..<h {
                    let act = model.policyAction(zp, noise: .randomNormal([p, a], using: &generator))
                    for i in 0..<(p * a) { actions[t * n * a + i] = act.scalars[i] }
                    if t < h - 1 { zp = model.next(zp, act) }
                }
            }
            // (b) Mean and std, warm-started mean.
            var mean = [Float](repeating: 0, count: h * a)
            var std = [Float](repeating: c.maxStd, count: h * a)
            if !isFirstStep, let previousMean {
                for i in 0..<((h - 1) * a) { mean[i] = previousMean.scalars[a + i] }
            }
            var score = [Float](repeating: 0, count: e)
            var eliteActions = [Float](repeating: 0, count: h * e * a)
            // (c) Iterations: the world model's batched rollout on reusable buffers, any other model
            // through its protocol (the same draws either way).
            var refined = false
            if let world = model as? WorldModel {
                refined = world.withPlanningRollout(latent: latent, sampleCount: n, cachedRows: p, horizon: h, discount: discount) { rollout in
                    Self.refine(actions: &actions, mean: &mean, std: &std, score: &score, eliteActions: &eliteActions, iterations: iterations,
                                configuration: c, actionDimensions: a, using: &generator) { acts, g in
                        acts.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: rollout.returns(actions: $0.baseAddress!, using: &g), count: n)) }
                    }
                    return true
                } ?? false
            }
            if !refined {
                let zN = Tensor.concatenate(Array(repeating: latent, count: n), along: 0)
                Self.refine(actions: &actions, mean: &mean, std: &std, score: &score, eliteActions: &eliteActions, iterations: iterations,
                            configuration: c, actionDimensions: a, using: &generator) { acts, g in
                    estimateValue(zN, acts, model: model, discount: discount, using: &g)
                }
            }
            // (d) Pick an elite by its score (Gumbel-max), add exploration noise.
            var best = 0, bestKey = -Float.infinity
            for k in 0..<e {
                let key = Foundation.log(score[k]) + generator.nextGumbel()
                if key > bestKey { bestKey = key; best = k }
            }
            var action = (0..<a).map { eliteActions[best * a + $0] }
            if mode == .explore {
                for j in 0..<a { action[j] += std[j] * generator.nextNormal() }
            }
            previousMean = Tensor(shape: [h, a], scalars: mean)
            return Tensor(action.map { Swift.min(Swift.max($0, -1), 1) })
        }
    }

    /// MPPI's refinement: sample around the mean, score, refit mean and std to the softmax-weighted elites.
    private static func refine<G: RandomNumberGenerator>(actions: inout [Float], mean: inout [Float], std: inout [Float], score: inout [Float],
                                                         eliteActions: inout [Float], iterations: Int, configuration c: MPPIConfiguration,
                                                         actionDimensions a: Int, using generator: inout G,
                                                         evaluate: ([Float], inout G) -> [Float]) {
        let h = c.horizon, n = c.sampleCount, p = c.policyTrajectoryCount, e = c.eliteCount
        let count = h * (n - p) * a
        for _ in 0..<iterations {
            // The samples' draws in (step, sample, action dimension) order; `randomNormal` transforms them on
            // several threads (the values of `nextNormal()` one after another).
            let normals = Tensor.randomNormal([count], using: &generator).scalars
            var k = 0
            for t in 0..<h {
                for s in p..<n {
                    for j in 0..<a {
                        let v = mean[t * a + j] + std[t * a + j] * normals[k]
                        actions[(t * n + s) * a + j] = Swift.min(Swift.max(v, -1), 1)
                        k += 1
                    }
                }
            }
            let values = evaluate(actions, &generator).map { $0.isNaN ? 0 : $0 }
            let elites = Array(values.indices.sorted { values[$0] > values[$1] }.prefix(e))
            let maxValue = elites.map { values[$0] }.max() ?? 0
            var total: Float = 0
            for (k, idx) in elites.enumerated() {
                score[k] = Foundation.exp(c.temperature * (values[idx] - maxValue))
                total += score[k]
            }
            for k in 0..<e { score[k] /= total }
            for t in 0..<h {
                for (k, idx) in elites.enumerated() {
                    for j in 0..<a { eliteActions[(t * e + k) * a + j] = actions[(t * n + idx) * a + j] }
                }
            }
            // score sums to 1 now, so the reference's normaliser is 1 + 1e-9.
            let norm: Float = 1 + 1e-9
            for t in 0..<h {
                for j in 0..<a {
                    var m: Float = 0
                    for k in 0..<e { m += score[k] * eliteActions[(t * e + k) * a + j] }
                    m /= norm
                    var v: Float = 0
                    for k in 0..<e { let d = eliteActions[(t * e + k) * a + j] - m; v += score[k] * d * d }
                    mean[t * a + j] = m
                    std[t * a + j] = Swift.min(Swift.max((v / norm).squareRoot(), c.minStd), c.maxStd)
                }
            }
        }
    }

    /// Returns of `N` action sequences `[H, N, A]` from latents `zN` `[N, L]`: discounted predicted
    /// rewards plus the discounted terminal value with a policy action (TD-MPC2 `_estimate_value`).
    /// - Parameter greedyActionCount: for `Discrete(n)` actions, `n`: the terminal value is the largest
    ///   Q over the `n` one-hot actions instead of Q at a policy action.
    func estimateValue(_ zN: Tensor, _ actions: [Float], model: some LatentModel, discount: Float, greedyActionCount: Int? = nil,
                       using generator: inout some RandomNumberGenerator) -> [Float] {
        let h = configuration.horizon, n = zN.shape[0], a = actionDimensions
        var z = zN
        var returns = [Float](repeating: 0, count: n)
        var alive = [Float](repeating: 1, count: n)
        var d: Float = 1
        for t in 0..<h {
            let at = Tensor(shape: [n, a], scalars: Array(actions[(t * n * a)..<((t + 1) * n * a)]))
            let r = model.predictedReward(z, at)
            z = model.next(z, at)
            for i in 0..<n { returns[i] += d * alive[i] * r.scalars[i] }
            if let term = model.predictedTermination(z) {
                for i in 0..<n { alive[i] *= 1 - term.scalars[i] }
            }
            d *= discount
        }
        let m = model.valueMemberCount
        let first = Int(generator.next() % UInt64(m))
        var second = Int(generator.next() % UInt64(m - 1))
        if second >= first { second += 1 }
        let q: Tensor
        if let count = greedyActionCount {
            // Discrete actions: the best of the `count` actions, as the agent's greedy TD target.
            q = Tensor.bestOverOneHotActions(rows: n, count: count) { model.value(z, $0, members: [first, second]) }
        } else {
            let terminalAction = model.policyAction(z, noise: .randomNormal([n, a], using: &generator))
            q = model.value(z, terminalAction, members: [first, second])
        }
        for i in 0..<n { returns[i] += d * alive[i] * q.scalars[i] }
        return returns
    }
}

/// Whether an action is for training (explore) or evaluation.
public enum ActionMode: Sendable, Equatable {
    case explore, evaluate
}
