// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

/// The prior-probability initialisation of the reward heads, and latents without SimNorm (the P-JEPA authors' latent).
@Suite struct HeadPriorAndLatentTests {
    static func generator(_ seed: UInt64 = 11) -> SeededGenerator { SeededGenerator(seed: seed) }

    static func softmax(_ row: [Float]) -> [Double] {
        let m = row.max() ?? 0
        let e = row.map { Foundation.exp(Double($0 - m)) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// With a zero last layer the head's output is its bias alone: after the prior initialisation it is the mixture of
    /// the targets' two-hot encodings (each value weighted equally when balanced) with 1 % uniform.
    @Test func currentRewardHeadStartsAtTheBalancedTargetDistribution() throws {
        var c = try RoutingAndBufferTests.configuration("joint-reward")
        c.routing.currentRewardZeroInitialized = true
        c.routing.currentRewardBalanced = true
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        let values: [Float] = [0, 0, 0, 0, 0, 0, 1, 0]    // one positive in eight, as the sparse counting reward
        #expect(agent.initializePrior(of: .currentReward, values: values))
        let head = try #require(agent.model.currentReward)
        var g = Self.generator()
        let z = Tensor.randomNormal([4, c.latentDimensions], using: &g)
        let out = head(z)
        let k = c.regression.binCount
        let twoHot = c.regression.twoHot(Tensor(shape: [2, 1], scalars: [0, 1])).scalars
        for row in 0..<4 {
            let logits: [Float] = Array(out.scalars[(row * k)..<((row + 1) * k)])
            let p: [Double] = Self.softmax(logits)
            var worst = 0.0
            for j in 0..<k {
                let expected: Double = 0.99 * 0.5 * Double(twoHot[j] + twoHot[k + j]) + 0.01 / Double(k)
                worst = Swift.max(worst, abs(p[j] - expected))
            }
            #expect(worst < 1e-5, "row \(row): largest gap \(worst)")
        }
        // The unbalanced loss starts at the empirical distribution instead: 1/8 on the two-hot of 1.
        c.routing.currentRewardBalanced = false
        let plain = try TDMPC2Agent(configuration: c, seed: 3)
        plain.initializePrior(of: .currentReward, values: values)
        let plainHead = try #require(plain.model.currentReward)
        let first: [Float] = Array(plainHead(z).scalars[0..<k])
        let q: [Double] = Self.softmax(first)
        var expectedMass = 0.0, measuredMass = 0.0
        for j in 0..<k where twoHot[k + j] > 0 {
            expectedMass += Double(twoHot[k + j]) * 0.99 / 8 + 0.01 / Double(k)
            measuredMass += q[j]
        }
        let gap = abs(measuredMass - expectedMass)
        #expect(gap < 1e-5, "mass on the bins of 1: \(measuredMass) against \(expectedMass)")
    }

    /// The calibrated head's loss on a batch with the prior's own mix of targets is lower than the uncalibrated one's:
    /// what the initialisation removes is the error shared by every sample.
    @Test func priorInitialisationLowersTheFirstCurrentRewardLoss() throws {
        var c = try RoutingAndBufferTests.configuration("reward-only")
        c.routing.currentRewardZeroInitialized = true
        let batch = RoutingAndBufferTests.batch(c, seed: 4)
        let fresh = try TDMPC2Agent(configuration: c, seed: 3)
        let primed = try TDMPC2Agent(configuration: c, seed: 3)
        #expect(primed.initializePrior(of: .currentReward, values: batch.stateValues.scalars))
        let before = fresh.update(batch).currentRewardLoss
        let after = primed.update(batch).currentRewardLoss
        // Uniform over 101 bins costs about log(101) = 4.6 nats; the prior about log(2) plus the two-hot spread.
        #expect(before > 4 && after < 1.5, "uncalibrated \(before), calibrated \(after)")
    }

    @Test func rewardHeadPriorAndRefusals() throws {
        let c = try RoutingAndBufferTests.configuration("reward+q")
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        #expect(agent.initializePrior(of: .reward, values: [0, 0, 1, 0]))
        var g = Self.generator()
        let z = Tensor.randomNormal([2, c.latentDimensions + c.actionDimensions], using: &g)
        let k = c.regression.binCount
        let p = Self.softmax(Array(agent.model.reward(z).scalars[0..<k]))
        let twoHot = c.regression.twoHot(Tensor(shape: [1, 1], scalars: [1])).scalars
        let mass = (0..<k).filter { twoHot[$0] > 0 }.map { p[$0] }.reduce(0, +)
        #expect(mass > 0.24 && mass < 0.26, "probability of the reward 1 bins: \(mass)")
        // No current-reward head in a TD-MPC2 arm; empty or non-finite targets are refused and change nothing.
        #expect(!agent.initializePrior(of: .currentReward, values: [0, 1]))
        let bias = try #require((agent.model.reward.layers.last as? Linear)?.bias).value.scalars
        #expect(!agent.initializePrior(of: .reward, values: []))
        #expect(!agent.initializePrior(of: .reward, values: [0, .nan]))
        #expect(try #require((agent.model.reward.layers.last as? Linear)?.bias).value.scalars == bias)
    }

    /// `rewardBalanced`: TD-MPC2's reward loss weighs each distinct reward value of the batch equally. With one value
    /// the weights are all 1 (the loss is unchanged); with a rare value the two losses differ. The reward head's prior
    /// follows the same weighting.
    @Test func balancedRewardLossAndItsPrior() throws {
        var c = try RoutingAndBufferTests.configuration("reward")
        var batch = RoutingAndBufferTests.batch(c, seed: 4)
        let n = batch.rewards.count
        func loss(_ balanced: Bool?, _ batch: SequenceBatch) throws -> Float {
            var cb = c; cb.routing.rewardBalanced = balanced
            let agent = try TDMPC2Agent(configuration: cb, seed: 3)
            // A zero last layer predicts the uniform distribution, whose cross-entropy is the same for every target.
            // Two values of equal count: the same prior whether or not the loss is balanced.
            agent.initializePrior(of: .reward, values: [0, 1])
            return agent.update(batch).rewardLoss
        }
        batch.rewards = Tensor(shape: batch.rewards.shape, scalars: [Float](repeating: 0, count: n))
        #expect(try loss(true, batch) == loss(nil, batch))
        batch.rewards = Tensor(shape: batch.rewards.shape, scalars: (0..<n).map { $0 % 8 == 0 ? 1 : 0 })
        let plain = try loss(nil, batch), balanced = try loss(true, batch)
        #expect(plain.isFinite && balanced.isFinite && abs(plain - balanced) > 1e-4, "plain \(plain), balanced \(balanced)")

        c.routing.rewardBalanced = true
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        agent.initializePrior(of: .reward, values: [0, 0, 0, 1])
        var g = Self.generator()
        let z = Tensor.randomNormal([1, c.latentDimensions + c.actionDimensions], using: &g)
        let k = c.regression.binCount
        let p: [Double] = Self.softmax(Array(agent.model.reward(z).scalars[0..<k]))
        let twoHot = c.regression.twoHot(Tensor(shape: [1, 1], scalars: [1])).scalars
        var mass = 0.0
        for j in 0..<k where twoHot[j] > 0 { mass += p[j] }
        #expect(mass > 0.49 && mass < 0.51, "balanced prior: probability of the reward 1 bins \(mass)")
    }

    /// `latentSimNorm` false: the encoder and the dynamics end in a plain Linear, so latents leave the simplices; the
    /// default keeps every group of 8 summing to 1.
    @Test func latentsWithoutSimNormAreUnbounded() throws {
        var c = try RoutingAndBufferTests.configuration("joint-reward", observationShape: [3, 64, 64])
        c.pixelReadout = .averagePool; c.pixelOffset = 0
        let groupSize = c.simNormGroupSize
        func groupSums(_ t: Tensor) -> [Float] {
            stride(from: 0, to: t.count, by: groupSize).map { t.scalars[$0..<($0 + groupSize)].reduce(0, +) }
        }
        var g2 = Self.generator()
        let images = Tensor.randomUniform([3, 3, 64, 64], low: 0, high: 255, using: &g2)
        let action = Tensor.randomUniform([3, c.actionDimensions], low: -1, high: 1, using: &g2)
        let simplex = try TDMPC2Agent(configuration: c, seed: 3)
        let zs = simplex.model.encoder(images)
        #expect(groupSums(zs).allSatisfy { abs($0 - 1) < 1e-4 })
        #expect(groupSums(simplex.model.next(zs, action)).allSatisfy { abs($0 - 1) < 1e-4 })

        c.latentSimNorm = false
        #expect(throws: ConfigurationError.self) { try TDMPC2Agent(configuration: c, seed: 3) }   // needs the plain readout
        c.pixelProjectionNorm = false
        let free = try TDMPC2Agent(configuration: c, seed: 3)
        let zf = free.model.encoder(images)
        #expect(zf.scalars.contains { $0 < 0 } && groupSums(zf).contains { abs($0 - 1) > 1e-2 })
        #expect(free.model.next(zf, action).scalars.contains { $0 < 0 })
        // An update runs and stays finite.
        var cb = c; cb.horizon = 1
        let agent = try TDMPC2Agent(configuration: cb, seed: 3)
        let m = agent.update(RoutingAndBufferTests.batch(cb, seed: 5))
        #expect(m.totalLoss.isFinite && m.consistencyLoss > 0)
        // A configuration saved before the setting existed decodes to SimNorm latents.
        let data = try JSONEncoder().encode(simplex.configuration)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "latentSimNorm")
        let old = try JSONDecoder().decode(TDMPC2Configuration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.resolvedLatentSimNorm)
    }
}
