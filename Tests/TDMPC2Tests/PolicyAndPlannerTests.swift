// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import NN
import Testing
@testable import TDMPC2
import _TestSupport

@Suite struct PolicyAndPlannerTests {
    /// π(z) (reference notes §4) against the PyTorch reference: squashed mean, log-std, action, entropies.
    @Test func policyPriorMatchesPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "tdmpc2_pi", withExtension: "json", subdirectory: "Fixtures"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        func matrix(_ key: String) throws -> Tensor {
            let rows = try #require(json[key] as? [[Double]], "fixture has no \(key)")
            return Tensor(rows.map { $0.map(Float.init) })
        }
        let weightsURL = try #require(Bundle.module.url(forResource: "tdmpc2_update", withExtension: "safetensors", subdirectory: "Fixtures"))
        let tensors = try SafeTensors.load(from: weightsURL).tensors
        let agent = try TDMPC2Agent(configuration: ReferenceUpdateTests.configuration(clip: 20), seed: 1)
        try agent.model.policy.load(stateDict: Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix("policy.") }.map { (String($0.key.dropFirst(7)), $0.value) }))
        let sample = agent.model.pi(try matrix("z"), noise: try matrix("eps"))
        #expect(maxAbsDifference(sample.mean.scalars, try matrix("mean").scalars) < 1e-5)
        #expect(maxAbsDifference(sample.logStd.scalars, try matrix("log_std").scalars) < 1e-4)
        #expect(maxAbsDifference(sample.action.scalars, try matrix("action").scalars) < 1e-5)
        let entropy = try matrix("entropy").scalars, scaled = try matrix("scaled_entropy").scalars
        for i in 0..<entropy.count {
            #expect(Swift.abs(sample.entropy.scalars[i] - entropy[i]) <= 1e-4 * Swift.max(1, Swift.abs(entropy[i])))
            #expect(Swift.abs(sample.scaledEntropy.scalars[i] - scaled[i]) <= 1e-4 * Swift.max(1, Swift.abs(scaled[i])))
        }
    }

    /// A toy latent model with a known optimum: the latent is a position, actions move it, the reward is
    /// `-(z - target)^2` and the value is 0. MPPI must steer toward the target.
    final class PointModel: LatentModel {
        let target: Float
        init(target: Float) { self.target = target }
        func next(_ latent: Tensor, _ action: Tensor) -> Tensor { latent + 0.5 * action }
        func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor { -((latent + 0.5 * action) - target).squared() }
        func predictedTermination(_ latent: Tensor) -> Tensor? { nil }
        func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor { Tensor.zeros([latent.shape[0], 1]) }
        func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor { (0.3 * noise).clamped(to: -1...1) }
        var valueMemberCount: Int { 2 }
    }

    @Test(arguments: [(Float(0), Float(1), Float(1)), (Float(0), Float(-0.2), Float(-0.4)), (Float(0.5), Float(-1), Float(-1))])
    func mppiFindsTheKnownOptimum(_ c: (start: Float, target: Float, bestFirstAction: Float)) {
        var configuration = MPPIConfiguration()
        configuration.sampleCount = 256; configuration.eliteCount = 32; configuration.policyTrajectoryCount = 8
        var planner = MPPIPlanner(configuration: configuration, actionDimensions: 1)
        var g = SeededGenerator(seed: 5)
        let action = planner.plan(from: Tensor(shape: [1, 1], scalars: [c.start]), model: PointModel(target: c.target), discount: 0.99,
                                  isFirstStep: true, mode: .evaluate, using: &g)
        #expect(Swift.abs(action.scalar - c.bestFirstAction) < 0.1, "planned \(action.scalar), optimum \(c.bestFirstAction)")
        // The refined mean is stored for the warm start and has the planning horizon's shape.
        #expect(planner.previousMean?.shape == [configuration.horizon, 1])
    }

    /// A discrete toy: the latent is a position on a line, action k of 3 moves it by k - 1, the reward is
    /// `-(z - target)^2`. From 0 with target 2 the best first action is +1 (index 2); with target -2 it is index 0.
    final class LineModel: LatentModel {
        let target: Float
        init(target: Float) { self.target = target }
        func move(_ action: Tensor) -> Tensor {
            let n = action.shape[0]
            return Tensor(shape: [n, 1], scalars: action.argmax(alongAxis: -1).map { Float($0 - 1) })
        }
        func next(_ latent: Tensor, _ action: Tensor) -> Tensor { latent + move(action) }
        func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor { -((latent + move(action)) - target).squared() }
        func predictedTermination(_ latent: Tensor) -> Tensor? { nil }
        func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor { Tensor.zeros([latent.shape[0], 1]) }
        func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor {
            let n = latent.shape[0]
            var out = [Float](repeating: 0, count: n * 3)
            for (i, k) in noise.argmax(alongAxis: -1).enumerated() { out[i * 3 + k] = 1 }  // a uniform categorical prior
            return Tensor(shape: [n, 3], scalars: out)
        }
        var valueMemberCount: Int { 2 }
    }

    @Test(arguments: [(Float(2), 2), (Float(-2), 0), (Float(0), 1)])
    func categoricalPlannerFindsTheKnownOptimum(_ c: (target: Float, best: Int)) {
        var configuration = MPPIConfiguration()
        configuration.sampleCount = 128; configuration.eliteCount = 16; configuration.policyTrajectoryCount = 8
        var planner = CategoricalPlanner(configuration: configuration, actionCount: 3)
        var g = SeededGenerator(seed: 3)
        let action = planner.plan(from: Tensor(shape: [1, 1], scalars: [0]), model: LineModel(target: c.target), discount: 0.99,
                                  isFirstStep: true, mode: .evaluate, using: &g)
        #expect(action.shape == [3] && action.scalars[c.best] == 1, "planned \(action.scalars), optimum index \(c.best)")
        // The refined first-step distribution puts most of its mass on the optimum.
        let first = Array(planner.previousProbabilities!.prefix(3))
        #expect(first[c.best] > 0.8, "\(first)")
    }

    /// A discrete toy where only the value function knows the goal: rewards are 0, `Q(z, a) = 1` when the
    /// action reaches `z + move(a) == 2`, and the policy prior always stays put. From 0 with horizon 1 only a
    /// first step of +1 leads to a state from which some action reaches the goal; with the prior's
    /// terminal action every sequence would score 0 and the choice would be a coin toss.
    final class GoalValueModel: LatentModel {
        let line = LineModel(target: 0)
        func next(_ latent: Tensor, _ action: Tensor) -> Tensor { latent + line.move(action) }
        func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor { Tensor.zeros([latent.shape[0], 1]) }
        func predictedTermination(_ latent: Tensor) -> Tensor? { nil }
        func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor {
            (latent + line.move(action)).mapScalars { $0 == 2 ? 1 : 0 }
        }
        func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor { Tensor.oneHotRows(latent.shape[0], index: 1, count: 3) }
        var valueMemberCount: Int { 2 }
    }

    @Test func categoricalPlannerBootstrapsFromTheBestActionNotThePrior() {
        var configuration = MPPIConfiguration()
        configuration.horizon = 1; configuration.sampleCount = 64; configuration.eliteCount = 8; configuration.policyTrajectoryCount = 4
        for seed in 0..<20 {
            var planner = CategoricalPlanner(configuration: configuration, actionCount: 3)
            var g = SeededGenerator(seed: UInt64(seed))
            let action = planner.plan(from: Tensor(shape: [1, 1], scalars: [0]), model: GoalValueModel(), discount: 0.99,
                                      isFirstStep: true, mode: .evaluate, using: &g)
            #expect(action.scalars == [0, 0, 1], "seed \(seed): planned \(action.scalars), expected +1 (index 2)")
        }
    }

    @Test func plannerIsDeterministicForASeed() {
        let configuration = MPPIConfiguration()
        var p1 = MPPIPlanner(configuration: configuration, actionDimensions: 2), p2 = p1
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        let model = PointModel(target: 0.3)
        let z = Tensor(shape: [1, 2], scalars: [0, 0])
        let a1 = p1.plan(from: z, model: model, discount: 0.9, isFirstStep: true, mode: .explore, using: &g1)
        let a2 = p2.plan(from: z, model: model, discount: 0.9, isFirstStep: true, mode: .explore, using: &g2)
        #expect(a1 == a2 && a1.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test func discountHeuristicAndConfigurationErrors() throws {
        var c = TDMPC2Configuration(observationShape: [4], actionDimensions: 1)
        c.episodeLength = 500; #expect(Swift.abs(c.discount - 0.99) < 1e-6)
        c.episodeLength = 100; #expect(Swift.abs(c.discount - 0.95) < 1e-6)
        c.episodeLength = 10_000; #expect(Swift.abs(c.discount - 0.995) < 1e-6)
        c.latentDimensions = 100
        #expect(throws: ConfigurationError.self) { try c.validate() }
        #expect(throws: ConfigurationError.invalidValue(key: "aux", value: "rewards",
            expected: "reward, q, reward+q, none, random, reward+q+random, current-reward, joint-reward, reward-only or transition-only")) { try AuxiliaryRouting(parsing: "rewards") }
        #expect(ModelSize.m5.dimensions.latent == 512 && ModelSize.m1.dimensions.qCount == 2)
    }

    /// TD-MPC2's 5M model on a 24-dimensional observation with 6 actions has 4.96M learnable parameters
    /// (reference notes §2.1: encoder 0.14M, dynamics 0.79M, reward 0.58M, policy 0.53M, 5 Qs 2.91M).
    @Test func fiveMillionPresetHasTheReferenceParameterCount() throws {
        let agent = try TDMPC2Agent(configuration: TDMPC2Configuration(observationShape: [24], actionDimensions: 6), seed: 1)
        let m = agent.model
        let learnable = m.encoder.parameterCount + m.dynamics.parameterCount + m.reward.parameterCount + m.policy.parameterCount + m.qs.parameterCount
        #expect(Swift.abs(Double(learnable) / 1e6 - 4.96) < 0.01, "\(learnable)")
        #expect(Swift.abs(Double(m.qs.parameterCount) / 1e6 - 2.91) < 0.01)
    }
}
