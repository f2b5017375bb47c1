// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

@Suite struct UpdateBehaviourTests {
    @Test func repeatedUpdatesOnAFixedBatchReduceTheLossAndOneSeedGivesIdenticalWeights() throws {
        let c = try RoutingAndBufferTests.configuration("reward+q")
        let batch = RoutingAndBufferTests.batch(c, seed: 1)
        let a = try TDMPC2Agent(configuration: c, seed: 42), b = try TDMPC2Agent(configuration: c, seed: 42)
        var first: Float = 0, last: Float = 0
        for i in 0..<60 {
            let m = a.update(batch)
            b.update(batch)
            if i == 0 { first = m.totalLoss }
            last = m.totalLoss
        }
        #expect(last < 0.7 * first, "total loss \(first) -> \(last)")
        #expect(a.model.stateDict() == b.model.stateDict())
        #expect(a.modelOptimizer.stateDict() == b.modelOptimizer.stateDict())
    }

    /// Discrete agents bootstrap from the best action, `max_a min(Q_i, Q_j)`, so the TD target (and with it
    /// the value loss) does not depend on the policy prior; continuous agents bootstrap at the prior's action.
    @Test(arguments: [true, false])
    func discreteTDTargetsDoNotDependOnThePolicyPrior(_ discrete: Bool) throws {
        var c = try RoutingAndBufferTests.configuration("reward+q")
        if discrete { c.discreteActionCount = 2 }
        let batch = RoutingAndBufferTests.batch(c, seed: 6)
        let a = try TDMPC2Agent(configuration: c, seed: 8), b = try TDMPC2Agent(configuration: c, seed: 8)
        // Make Q clearly depend on the action (its zero-initialised output layers would hide it) in both agents
        // alike, then give b another prior.
        for agent in [a, b] {
            var q = SeededGenerator(seed: 7)
            for (_, p) in agent.model.qs.namedParameters() + agent.model.targetQs.namedParameters() {
                p.value = p.value + Tensor.randomNormal(p.value.shape, using: &q) * 0.3
            }
        }
        var g = SeededGenerator(seed: 99)
        for (_, p) in b.model.policy.namedParameters() { p.value = p.value + Tensor.randomNormal(p.value.shape, using: &g) }
        let noise = a.drawNoise(horizon: c.horizon, batch: c.batchSize)
        let ma = a.update(batch, noise: noise), mb = b.update(batch, noise: noise)
        if discrete {
            #expect(ma.valueLoss == mb.valueLoss && ma.consistencyLoss == mb.consistencyLoss, "\(ma.valueLoss) vs \(mb.valueLoss)")
        } else {
            #expect(Swift.abs(ma.valueLoss - mb.valueLoss) > 1e-3 * Swift.abs(ma.valueLoss),
                    "the continuous TD target should use the prior's action: \(ma.valueLoss) vs \(mb.valueLoss)")
        }
    }

    /// For every preset and every loss, whether that loss alone sends gradient into the encoder.
    /// Each loss is isolated by zeroing the other coefficients; two updates make zero-initialised
    /// output layers non-zero first.
    @Test(arguments: ["reward+q", "reward", "q", "none", "random", "reward+q+random", "current-reward", "joint-reward", "reward-only", "transition-only"])
    func everyRoutingSendsGradientOnlyFromItsLosses(_ preset: String) throws {
        let routing = try AuxiliaryRouting(parsing: preset)
        let losses = ["consistency", "reward", "value", "termination", "currentReward", "random"]
        for loss in losses {
            var c = try RoutingAndBufferTests.configuration(preset)
            c.consistencyCoefficient = loss == "consistency" ? 1 : 0
            c.rewardCoefficient = loss == "reward" ? 1 : 0
            c.valueCoefficient = loss == "value" ? 1 : 0
            c.terminationCoefficient = loss == "termination" ? 1 : 0
            c.routing.currentRewardCoefficient = loss == "currentReward" ? 1 : 0
            c.routing.randomProjectionCoefficient = loss == "random" ? 1 : 0
            let agent = try TDMPC2Agent(configuration: c, seed: 2)
            agent.keepsGradients = true
            var batch = RoutingAndBufferTests.batch(c, seed: 3)
            batch.terminated = Tensor(shape: batch.terminated.shape, scalars: (0..<batch.terminated.count).map { Float($0 % 3 == 0 ? 1 : 0) })
            agent.update(batch)
            agent.update(batch)
            let grads = try #require(agent.lastGradients).model
            var norm: Float = 0
            for (_, p) in agent.model.encoderParameters { if let g = grads[p] { norm += g.squared().sum().scalar } }
            let expected: Bool
            switch loss {
            case "consistency": expected = routing.consistency
            case "reward": expected = routing.reward && routing.consistency
            case "value": expected = routing.value && routing.consistency
            case "termination": expected = routing.termination && routing.consistency
            case "currentReward": expected = routing.currentReward
            default: expected = routing.randomProjection
            }
            #expect((norm > 0) == expected, "\(preset): \(loss) -> encoder gradient norm \(norm.squareRoot()), expected \(expected ? "some" : "none")")
        }
    }
}
