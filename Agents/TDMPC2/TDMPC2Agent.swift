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
