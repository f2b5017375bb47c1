// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN

// MARK: - Planning over discrete actions

/// MPPI's discrete counterpart: each step of the horizon has a categorical distribution over the `n`
/// actions (warm-started from the previous plan, shifted by one step). Every iteration samples
/// one-hot action sequences, scores them with the same value estimate as ``MPPIPlanner``, and
/// refits the distributions to the softmax-weighted elites, mixed with a uniform floor so no action
/// dies out. Policy-prior trajectories (Gumbel-max samples of the categorical prior) join the
/// candidates as in TD-MPC2. Upstream TD-MPC2 supports continuous actions only (its issue #42).
public struct CategoricalPlanner: Sendable {
    public var configuration: MPPIConfiguration
    public let actionCount: Int
    /// The last plan's probabilities `[H, n]`.
    public internal(set) var previousProbabilities: [Float]?

    public init(configuration: MPPIConfiguration, actionCount: Int) {
        self.configuration = configuration
        self.actionCount = actionCount
    }

    public mutating func reset() { previousProbabilities = nil }

    /// The uniform mixing weight that keeps every action's probability at least `floor / n`.
    var floor: Float { configuration.minStd }

    /// Plans from one latent `[1, L]` and returns a one-hot action `[n]`. With `.explore` the action
    /// is drawn from the refined first-step distribution; with `.evaluate` it is the elite picked by score.
    public mutating func plan<G: RandomNumberGenerator>(from latent: Tensor, model: some LatentModel, discount: Float, isFirstStep: Bool,
                                                        mode: ActionMode, using generator: inout G) -> Tensor {
        let c = configuration, n = actionCount, h = c.horizon, samples = c.sampleCount, p = c.policyTrajectoryCount, e = c.eliteCount
        return withoutGradients {
            var choices = [Int](repeating: 0, count: h * samples)             // [H, N] action indices
            if p > 0 {
                var zp = Tensor.concatenate(Array(repeating: latent, count: p), along: 0)
                for t in 0..<h {
                    let gumbel = TDMPC2Agent.policyNoise([p, n], discrete: true, using: &generator)
                    let act = model.policyAction(zp, noise: gumbel)
                    for (i, k) in act.argmax(alongAxis: -1).enumerated() { choices[t * samples + i] = k }
                    if t < h - 1 { zp = model.next(zp, act) }
                }
            }
            var probabilities = [Float](repeating: 1 / Float(n), count: h * n)
            if !isFirstStep, let previous = previousProbabilities {
                for i in 0..<((h - 1) * n) { probabilities[i] = previous[n + i] }
            }
            var score = [Float](repeating: 0, count: e)
            var elites = [Int](repeating: 0, count: e)
            // The world model's batched rollout (rows 0..<p, the prior's sequences, never change between
            // iterations), any other model through its protocol; the same draws either way.
            var refined = false
            if let world = model as? WorldModel {
                refined = world.withPlanningRollout(latent: latent, sampleCount: samples, cachedRows: p, horizon: h, discount: discount,
                                                    greedyTerminal: true) { rollout in
                    refine(choices: &choices, probabilities: &probabilities, score: &score, elites: &elites, using: &generator) { actions, g in
                        actions.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: rollout.returns(actions: $0.baseAddress!, using: &g), count: samples)) }
                    }
                    return true
                } ?? false
            }
            if !refined {
                let zN = Tensor.concatenate(Array(repeating: latent, count: samples), along: 0)
                let valuePlanner = MPPIPlanner(configuration: c, actionDimensions: n)
                refine(choices: &choices, probabilities: &probabilities, score: &score, elites: &elites, using: &generator) { actions, g in
                    valuePlanner.estimateValue(zN, actions, model: model, discount: discount, greedyActionCount: n, using: &g)
                }
            }
            previousProbabilities = probabilities
            let action: Int
            if mode == .explore {
                action = Self.draw(probabilities, row: 0, n: n, using: &generator)
            } else {
                var best = 0, bestKey = -Float.infinity
                for k in 0..<e {
                    let key = Foundation.log(score[k]) + generator.nextGumbel()
                    if key > bestKey { bestKey = key; best = k }
                }
                action = choices[elites[best]]
            }
            var oneHot = [Float](repeating: 0, count: n)
            oneHot[action] = 1
            return Tensor(oneHot)
        }
    }

    /// The iterations: draw the non-prior rows' actions, score all rows with `evaluate` (one-hot
    /// sequences `[H, N, n]` to returns `[N]`), refit the per-step distributions to the weighted elites.
    private func refine<G: RandomNumberGenerator>(choices: inout [Int], probabilities: inout [Float], score: inout [Float], elites: inout [Int],
                                                  using generator: inout G, evaluate: ([Float], inout G) -> [Float]) {
        let c = configuration, n = actionCount, h = c.horizon, samples = c.sampleCount, p = c.policyTrajectoryCount, e = c.eliteCount
        for _ in 0..<c.effectiveIterations(actionDimensions: n) {
            for t in 0..<h {
                for s in p..<samples { choices[t * samples + s] = Self.draw(probabilities, row: t, n: n, using: &generator) }
            }
            var actions = [Float](repeating: 0, count: h * samples * n)
            for t in 0..<h { for s in 0..<samples { actions[(t * samples + s) * n + choices[t * samples + s]] = 1 } }
            let values = evaluate(actions, &generator).map { $0.isNaN ? 0 : $0 }
            elites = Array(values.indices.sorted { values[$0] > values[$1] }.prefix(e))
            let maxValue = values[elites[0]]
            var total: Float = 0
            for (k, idx) in elites.enumerated() { score[k] = Foundation.exp(c.temperature * (values[idx] - maxValue)); total += score[k] }
            for k in 0..<e { score[k] /= total }
            for t in 0..<h {
                var row = [Float](repeating: 0, count: n)
                for (k, idx) in elites.enumerated() { row[choices[t * samples + idx]] += score[k] }
                for j in 0..<n { probabilities[t * n + j] = (1 - floor) * row[j] + floor / Float(n) }
            }
        }
    }

    /// A categorical draw from row `row` of `[H, n]` probabilities.
    static func draw(_ probabilities: [Float], row: Int, n: Int, using generator: inout some RandomNumberGenerator) -> Int {
        let u = generator.nextUniform()
        var acc: Float = 0
        for j in 0..<n {
            acc += probabilities[row * n + j]
            if u < acc { return j }
        }
        return n - 1
    }
}
