// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import NN
import Testing
@testable import TDMPC2
import _TestSupport

/// The world model's batched planning rollout equals the generic, tensor-based value estimate, and
/// MPPI plans the same action through either path.
@Suite struct PlanningRolloutTests {
    /// Forwards to a world model through the protocol only, so the planner takes the generic path.
    final class ProtocolOnly: LatentModel {
        let model: WorldModel
        init(_ model: WorldModel) { self.model = model }
        func next(_ latent: Tensor, _ action: Tensor) -> Tensor { model.next(latent, action) }
        func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor { model.predictedReward(latent, action) }
        func predictedTermination(_ latent: Tensor) -> Tensor? { model.predictedTermination(latent) }
        func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor { model.value(latent, action, members: members) }
        func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor { model.policyAction(latent, noise: noise) }
        var valueMemberCount: Int { model.valueMemberCount }
    }

    /// A small model whose zero-initialized output layers are randomized, so that returns differ.
    static func model(episodic: Bool, seed: UInt64, discrete: Bool = false) -> WorldModel {
        var c = TDMPC2Configuration(observationShape: [7], actionDimensions: 3)
        if discrete { c.discreteActionCount = 3 }
        c.latentDimensions = 16; c.mlpDimensions = 32; c.encoderDimensions = 32; c.qCount = 5
        c.isEpisodic = episodic
        c.planner.sampleCount = 40; c.planner.eliteCount = 8; c.planner.policyTrajectoryCount = 6
        var g = SeededGenerator(seed: seed)
        let model = WorldModel(c, generator: &g)
        for p in model.parameters { p.value = p.value + Tensor.randomNormal(p.value.shape, standardDeviation: 0.3, using: &g) }
        return model
    }

    /// Checks the batched rollout's returns against ``MPPIPlanner/estimateValue`` for two action sets
    /// `[H, N, A]` drawn by `draw` (the policy rows of the second repeat the first's, so the second call
    /// reads the cached rows): within 1e-4 relative, and with exactly the generic estimate's draws.
    /// `greedy`: `Discrete(A)` terminal values (the best one-hot action).
    static func expectReturnsMatch(_ model: WorldModel, greedy: Bool, seed: UInt64, draw: (inout SeededGenerator, Int) -> [Float]) {
        let c = model.configuration
        let (h, n, a, p) = (c.planner.horizon, c.planner.sampleCount, c.actionDimensions, c.planner.policyTrajectoryCount)
        var g = SeededGenerator(seed: seed)
        let latent = withoutGradients { model.encode(Tensor.randomNormal([1, 7], using: &g), augmentationGenerator: &g) }
        let planner = MPPIPlanner(configuration: c.planner, actionDimensions: a)
        let zN = Tensor.concatenate(Array(repeating: latent, count: n), along: 0)
        let first = draw(&g, h * n * a)
        var second = draw(&g, h * n * a)
        for t in 0..<h { for i in 0..<(p * a) { second[t * n * a + i] = first[t * n * a + i] } }   // policy rows repeat
        let result = withoutGradients {
            model.withPlanningRollout(latent: latent, sampleCount: n, cachedRows: p, horizon: h, discount: 0.9, greedyTerminal: greedy) { rollout -> Bool in
                for actions in [first, second] {
                    var fast = SeededGenerator(seed: seed + 1), generic = fast
                    let expected = planner.estimateValue(zN, actions, model: model, discount: 0.9, greedyActionCount: greedy ? a : nil, using: &generic)
                    let got = actions.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: rollout.returns(actions: $0.baseAddress!, using: &fast), count: n)) }
                    let scale = expected.map { Swift.abs($0) }.max() ?? 1
                    #expect(maxAbsDifference(got, expected) <= 1e-4 * Swift.max(scale, 1), "greedy \(greedy): \(got.prefix(4)) vs \(expected.prefix(4))")
                    #expect(fast == generic, "the rollout must draw exactly what estimateValue draws")
                }
                return true
            }
        }
        #expect(result == true, "the world model's heads must take the batched path")
    }

    @Test(arguments: [false, true])
    func returnsMatchTheGenericEstimate(episodic: Bool) {
        Self.expectReturnsMatch(Self.model(episodic: episodic, seed: 3), greedy: false, seed: 4) { g, count in
            Tensor.randomUniform([count], low: -1, high: 1, using: &g).scalars
        }
    }

    /// `Discrete(n)` planning: the rollout's greedy terminal value (the best one-hot action) equals
    /// `estimateValue(greedyActionCount:)`, and it draws only the Q pair, as the generic estimate does.
    @Test(arguments: [false, true])
    func greedyReturnsMatchTheGenericEstimate(episodic: Bool) {
        let model = Self.model(episodic: episodic, seed: 21, discrete: true)
        let a = model.configuration.actionDimensions
        Self.expectReturnsMatch(model, greedy: true, seed: 22) { g, count in
            var actions = [Float](repeating: 0, count: count)
            for row in 0..<(count / a) { actions[row * a + Int(g.next() % UInt64(a))] = 1 }
            return actions
        }
        var g = SeededGenerator(seed: 24)
        let latent = withoutGradients { model.encode(Tensor.zeros([1, 7]), augmentationGenerator: &g) }
        let refused = withoutGradients { model.withPlanningRollout(latent: latent, sampleCount: 8, cachedRows: 0, horizon: 3, discount: 0.9) { _ in true } }
        #expect(refused == nil, "without greedy terminal values a categorical prior has no batched path")
    }

    @Test func planMatchesTheGenericPlanner() {
        let model = Self.model(episodic: false, seed: 7)
        let c = model.configuration
        var g = SeededGenerator(seed: 8)
        let latent = withoutGradients { model.encode(Tensor.randomNormal([1, 7], using: &g), augmentationGenerator: &g) }
        var fastPlanner = MPPIPlanner(configuration: c.planner, actionDimensions: c.actionDimensions)
        var genericPlanner = fastPlanner
        var fastGenerator = SeededGenerator(seed: 9), genericGenerator = fastGenerator
        for step in 0..<3 {
            for mode in [ActionMode.explore, .evaluate] {
                let fast = fastPlanner.plan(from: latent, model: model, discount: 0.95, isFirstStep: step == 0, mode: mode, using: &fastGenerator)
                let generic = genericPlanner.plan(from: latent, model: ProtocolOnly(model), discount: 0.95, isFirstStep: step == 0, mode: mode,
                                                  using: &genericGenerator)
                #expect(maxAbsDifference(fast.scalars, generic.scalars) < 1e-4, "step \(step) \(mode): \(fast) vs \(generic)")
                #expect(maxAbsDifference(fastPlanner.previousMean!.scalars, genericPlanner.previousMean!.scalars) < 1e-4)
            }
        }
        #expect(fastGenerator == genericGenerator)
    }

    @Test func planIsTheSameOnOneAndTwoThreads() {
        lockThreadCount(); defer { unlockThreadCount() }
        // The samples' and the terminal policy's normal draws are transformed on several threads.
        let model = Self.model(episodic: true, seed: 11)
        let c = model.configuration
        var g = SeededGenerator(seed: 12)
        let latent = withoutGradients { model.encode(Tensor.randomNormal([1, 7], using: &g), augmentationGenerator: &g) }
        func plans(threads: Int) -> ([[Float]], SeededGenerator) {
            BLAS.setThreadCount(threads)
            // TD-MPC2's sample counts, so that both the samples' draws and the terminal rows are split.
            var pc = c.planner
            pc.sampleCount = 512; pc.eliteCount = 64; pc.policyTrajectoryCount = 24
            var planner = MPPIPlanner(configuration: pc, actionDimensions: c.actionDimensions)
            var generator = SeededGenerator(seed: 13)
            let actions = (0..<3).map { step in
                planner.plan(from: latent, model: model, discount: 0.95, isFirstStep: step == 0, mode: .explore, using: &generator).scalars
            }
            return (actions, generator)
        }
        let (one, two) = (plans(threads: 1), plans(threads: 2))
        #expect(one.0 == two.0)
        #expect(one.1 == two.1, "both must consume the same draws")
    }

    @Test func categoricalPlanMatchesTheGenericPlanner() {
        let model = Self.model(episodic: true, seed: 31, discrete: true)
        let c = model.configuration
        var g = SeededGenerator(seed: 32)
        let latent = withoutGradients { model.encode(Tensor.randomNormal([1, 7], using: &g), augmentationGenerator: &g) }
        var fastPlanner = CategoricalPlanner(configuration: c.planner, actionCount: 3)
        var genericPlanner = fastPlanner
        var fastGenerator = SeededGenerator(seed: 33), genericGenerator = fastGenerator
        for step in 0..<3 {
            for mode in [ActionMode.explore, .evaluate] {
                let fast = fastPlanner.plan(from: latent, model: model, discount: 0.95, isFirstStep: step == 0, mode: mode, using: &fastGenerator)
                let generic = genericPlanner.plan(from: latent, model: ProtocolOnly(model), discount: 0.95, isFirstStep: step == 0, mode: mode,
                                                  using: &genericGenerator)
                #expect(fast.scalars == generic.scalars, "step \(step) \(mode): \(fast) vs \(generic)")
                #expect(maxAbsDifference(fastPlanner.previousProbabilities!, genericPlanner.previousProbabilities!) < 1e-4)
            }
        }
        #expect(fastGenerator == genericGenerator)
    }
}
