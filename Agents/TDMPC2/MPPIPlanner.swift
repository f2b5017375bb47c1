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
///
/// It plans for `E` environments in one call (``plan(fromLatents:model:discount:isFirstStep:mode:using:)``):
/// every environment has its own samples, elites, mean, std and warm start, and the world model's rollout takes
/// all `E · N` samples in one call (through the heads in blocks of ``rolloutBlockRows`` rows). One environment is
/// exactly the single-latent plan.
public struct MPPIPlanner: Sendable {
    public var configuration: MPPIConfiguration
    public let actionDimensions: Int
    /// Each environment's last plan mean `[H, A]`, shifted by one step to warm-start its next call
    /// (`nil`: no warm start). Index 0 is the single-environment plan's.
    public internal(set) var previousMeans: [Tensor?] = []
    /// With several environments, the world model's rollout passes at most this many rows (but at least one
    /// environment's `N`) through the heads at once per thread, so that their activations stay in cache; `nil`: all
    /// `E · N` rows at once. It changes no value, only speed: on a 2-core Zen 4, all 8 × 512 rows at once cost 15-20 %
    /// more CPU time per environment step than one environment's plan, blocks of 512 rows about 2 % less
    /// (`foresight bench vector --block-rows`).
    public var rolloutBlockRows: Int? = 512

    public init(configuration: MPPIConfiguration, actionDimensions: Int) {
        self.configuration = configuration
        self.actionDimensions = actionDimensions
    }

    /// The single-environment warm start (environment 0's).
    public internal(set) var previousMean: Tensor? {
        get { previousMeans.first ?? nil }
        set { previousMeans = [newValue] }
    }

    /// Forgets every warm start (a new episode).
    public mutating func reset() { previousMeans = [] }

    /// Plans from one latent and returns an action `[A]` in [-1, 1].
    /// - Parameters:
    ///   - latent: `[1, L]`.
    ///   - discount: per-step discount of the value estimate.
    ///   - isFirstStep: the first step of an episode (no warm start).
    ///   - mode: `.explore` adds Gaussian noise with the first-step std to the chosen action.
    public mutating func plan<G: RandomNumberGenerator>(from latent: Tensor, model: some LatentModel, discount: Float, isFirstStep: Bool, mode: ActionMode,
                                                        using generator: inout G) -> Tensor {
        plan(fromLatents: latent.reshaped(to: [1, latent.count]), model: model, discount: discount, isFirstStep: [isFirstStep], mode: mode,
             using: &generator).reshaped(to: [actionDimensions])
    }

    /// Plans for `E` environments at once and returns their actions `[E, A]` in [-1, 1].
    ///
    /// The draws are, in order: the policy-prior noise `[E · P, A]` per horizon step; per iteration the sample
    /// noise of environment 0, 1, ... and the value estimate's (one Q pair for all rows, then the terminal noise
    /// of all rows); then per environment its elite draw and exploration noise. With `E = 1` this is the
    /// single-latent plan, draw for draw.
    /// - Parameters:
    ///   - latents: `[E, L]`, one latent per environment.
    ///   - isFirstStep: `E` flags: environment `e` starts an episode (no warm start for it).
    ///   - mode: `.explore` adds Gaussian noise with the first-step std to each chosen action.
    /// - Precondition: `latents` is `[E, L]` with `E >= 1` and `isFirstStep.count == E`.
    public mutating func plan<G: RandomNumberGenerator>(fromLatents latents: Tensor, model: some LatentModel, discount: Float, isFirstStep: [Bool],
                                                        mode: ActionMode, using generator: inout G) -> Tensor {
        precondition(latents.rank == 2 && latents.shape[0] >= 1 && isFirstStep.count == latents.shape[0],
                     "MPPIPlanner.plan: latents \(latents.shape) with \(isFirstStep.count) first-step flags; expected [E, L] and E flags")
        let c = configuration, a = actionDimensions, h = c.horizon, n = c.sampleCount, p = c.policyTrajectoryCount, e = c.eliteCount
        let environments = latents.shape[0], latentDimensions = latents.shape[1], rows = environments * n
        let iterations = c.effectiveIterations(actionDimensions: a)
        return withoutGradients {
            // (a) Policy-prior trajectories, sampled once: rows [0, E·P), environment-major.
            var actions = [Float](repeating: 0, count: h * rows * a)          // [H, E·N, A]
            if p > 0 {
                var zp = Self.repeatedRows(latents, times: p, dimensions: latentDimensions)
                for t in 0..<h {
                    let act = model.policyAction(zp, noise: .randomNormal([environments * p, a], using: &generator))
                    let values = act.scalars
                    for i in 0..<(environments * p * a) { actions[t * rows * a + i] = values[i] }
                    if t < h - 1 { zp = model.next(zp, act) }
                }
            }
            // (b) Mean and std per environment, warm-started means.
            var mean = [Float](repeating: 0, count: environments * h * a)
            var std = [Float](repeating: c.maxStd, count: environments * h * a)
            for env in 0..<environments where !isFirstStep[env] {
                guard env < previousMeans.count, let previous = previousMeans[env] else { continue }
                let values = previous.scalars
                for i in 0..<((h - 1) * a) { mean[env * h * a + i] = values[a + i] }
            }
            var score = [Float](repeating: 0, count: environments * e)
            var eliteActions = [Float](repeating: 0, count: environments * h * e * a)
            let layout = Layout(environments: environments, horizon: h, sampleCount: n, cachedRows: p, eliteCount: e, actionDimensions: a)
            // (c) Iterations: the world model's batched rollout on reusable buffers, any other model
            // through its protocol (the same draws either way).
            var refined = false
            if let world = model as? WorldModel {
                let blockRows = rolloutBlockRows.map { Swift.max($0, n) } ?? Int.max
                refined = world.withPlanningRollout(latent: latents, sampleCount: n, cachedRows: p, horizon: h, discount: discount) { rollout in
                    rollout.blockRows = blockRows
                    Self.refine(actions: &actions, mean: &mean, std: &std, score: &score, eliteActions: &eliteActions, iterations: iterations,
                                configuration: c, layout: layout, using: &generator) { acts, g in
                        acts.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: rollout.returns(actions: $0.baseAddress!, using: &g), count: rows)) }
                    }
                    return true
                } ?? false
            }
            if !refined {
                let zN = Self.sampleLatents(latents, layout: layout, dimensions: latentDimensions)
                Self.refine(actions: &actions, mean: &mean, std: &std, score: &score, eliteActions: &eliteActions, iterations: iterations,
                            configuration: c, layout: layout, using: &generator) { acts, g in
                    estimateValue(zN, acts, model: model, discount: discount, using: &g)
                }
            }
            // (d) Per environment: pick an elite by its score (Gumbel-max), add exploration noise.
            var chosen = [Float](repeating: 0, count: environments * a)
            var means = [Tensor?](repeating: nil, count: environments)
            for env in 0..<environments {
                var best = 0, bestKey = -Float.infinity
                for k in 0..<e {
                    let key = Foundation.log(score[env * e + k]) + generator.nextGumbel()
                    if key > bestKey { bestKey = key; best = k }
                }
                // The elite's first action (step 0 of environment `env`'s elites).
                var action = (0..<a).map { eliteActions[(env * h * e + best) * a + $0] }
                if mode == .explore {
                    for j in 0..<a { action[j] += std[env * h * a + j] * generator.nextNormal() }
                }
                for j in 0..<a { chosen[env * a + j] = Swift.min(Swift.max(action[j], -1), 1) }
                means[env] = Tensor(shape: [h, a], scalars: Array(mean[(env * h * a)..<((env + 1) * h * a)]))
            }
            previousMeans = means
            return Tensor(shape: [environments, a], scalars: chosen)
        }
    }

    /// The row of sample `sample` of latent `latent` among the `E · N` rows of a batched plan: the policy-prior
    /// rows of every latent first (`latent · P + sample`), then the sampled rows (`E · P + latent · (N - P) + sample - P`).
    /// With one latent, row = sample.
    static func row(latent: Int, sample: Int, latentCount: Int, sampleCount: Int, cachedRows: Int) -> Int {
        sample < cachedRows ? latent * cachedRows + sample : latentCount * cachedRows + latent * (sampleCount - cachedRows) + sample - cachedRows
    }

    /// The sizes a batched plan's arrays are laid out with.
    struct Layout {
        let environments: Int, horizon: Int, sampleCount: Int, cachedRows: Int, eliteCount: Int, actionDimensions: Int
        var rows: Int { environments * sampleCount }
        func row(_ environment: Int, _ sample: Int) -> Int {
            MPPIPlanner.row(latent: environment, sample: sample, latentCount: environments, sampleCount: sampleCount, cachedRows: cachedRows)
        }
    }

    /// Each latent's row repeated `times` times, environment-major: `[E · times, L]`.
    private static func repeatedRows(_ latents: Tensor, times: Int, dimensions: Int) -> Tensor {
        let values = latents.scalars, environments = latents.shape[0]
        var out = [Float]()
        out.reserveCapacity(environments * times * dimensions)
        for env in 0..<environments { for _ in 0..<times { out.append(contentsOf: values[(env * dimensions)..<((env + 1) * dimensions)]) } }
        return Tensor(shape: [environments * times, dimensions], scalars: out)
    }

    /// The latent of every row of the batched layout: `[E · N, L]`.
    private static func sampleLatents(_ latents: Tensor, layout: Layout, dimensions: Int) -> Tensor {
        let values = latents.scalars
        var out = [Float](repeating: 0, count: layout.rows * dimensions)
        for env in 0..<layout.environments {
            for s in 0..<layout.sampleCount {
                let r = layout.row(env, s)
                for j in 0..<dimensions { out[r * dimensions + j] = values[env * dimensions + j] }
            }
        }
        return Tensor(shape: [layout.rows, dimensions], scalars: out)
    }

    /// MPPI's refinement: sample around each environment's mean, score all rows at once, refit each environment's
    /// mean and std to its softmax-weighted elites.
    private static func refine<G: RandomNumberGenerator>(actions: inout [Float], mean: inout [Float], std: inout [Float], score: inout [Float],
                                                         eliteActions: inout [Float], iterations: Int, configuration c: MPPIConfiguration,
                                                         layout: Layout, using generator: inout G,
                                                         evaluate: ([Float], inout G) -> [Float]) {
        let h = c.horizon, n = c.sampleCount, p = c.policyTrajectoryCount, e = c.eliteCount, a = layout.actionDimensions
        let rows = layout.rows, environments = layout.environments
        let count = h * (n - p) * a
        for _ in 0..<iterations {
            // The samples' draws in (environment, step, sample, action dimension) order; `randomNormal` transforms
            // them on several threads (the values of `nextNormal()` one after another).
            let normals = Tensor.randomNormal([environments * count], using: &generator).scalars
            var k = 0
            for env in 0..<environments {
                let m = env * h * a
                for t in 0..<h {
                    for s in p..<n {
                        let r = layout.row(env, s)
                        for j in 0..<a {
                            let v = mean[m + t * a + j] + std[m + t * a + j] * normals[k]
                            actions[(t * rows + r) * a + j] = Swift.min(Swift.max(v, -1), 1)
                            k += 1
                        }
                    }
                }
            }
            let allValues = evaluate(actions, &generator)
            for env in 0..<environments {
                let values = (0..<n).map { s -> Float in let v = allValues[layout.row(env, s)]; return v.isNaN ? 0 : v }
                let elites = Array(values.indices.sorted { values[$0] > values[$1] }.prefix(e))
                let maxValue = elites.map { values[$0] }.max() ?? 0
                let sc = env * e, m = env * h * a, ea = env * h * e * a
                var total: Float = 0
                for (k, idx) in elites.enumerated() {
                    score[sc + k] = Foundation.exp(c.temperature * (values[idx] - maxValue))
                    total += score[sc + k]
                }
                for k in 0..<e { score[sc + k] /= total }
                for t in 0..<h {
                    for (k, idx) in elites.enumerated() {
                        let r = layout.row(env, idx)
                        for j in 0..<a { eliteActions[ea + (t * e + k) * a + j] = actions[(t * rows + r) * a + j] }
                    }
                }
                // score sums to 1 now, so the reference's normaliser is 1 + 1e-9.
                let norm: Float = 1 + 1e-9
                for t in 0..<h {
                    for j in 0..<a {
                        var mu: Float = 0
                        for k in 0..<e { mu += score[sc + k] * eliteActions[ea + (t * e + k) * a + j] }
                        mu /= norm
                        var v: Float = 0
                        for k in 0..<e { let d = eliteActions[ea + (t * e + k) * a + j] - mu; v += score[sc + k] * d * d }
                        mean[m + t * a + j] = mu
                        std[m + t * a + j] = Swift.min(Swift.max((v / norm).squareRoot(), c.minStd), c.maxStd)
                    }
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
