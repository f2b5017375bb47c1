// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

/// The consistency warm-up and the current-reward head on rolled-out latents.
@Suite struct ConsistencyWarmupTests {
    @Test func warmupFractionRampsLinearlyToOne() {
        #expect(TDMPC2Agent.warmupFraction(update: 0, over: 4) == 0.25)
        #expect(TDMPC2Agent.warmupFraction(update: 2, over: 4) == 0.75)
        #expect(TDMPC2Agent.warmupFraction(update: 3, over: 4) == 1)
        #expect(TDMPC2Agent.warmupFraction(update: 40, over: 4) == 1)
        #expect(TDMPC2Agent.warmupFraction(update: 0, over: nil) == 1 && TDMPC2Agent.warmupFraction(update: 0, over: 0) == 1)
    }

    /// Encoder gradients of the first update of a transition-only agent (only consistency reaches the encoder).
    static func firstEncoderGradients(warmup: Int?) throws -> [Float] {
        var c = try RoutingAndBufferTests.configuration("transition-only")
        c.consistencyWarmupUpdates = warmup
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        agent.keepsGradients = true
        agent.update(RoutingAndBufferTests.batch(c, seed: 4))
        let grads = try #require(agent.lastGradients).model
        return agent.model.encoderParameters.flatMap { grads[$0.parameter]?.scalars ?? [] }
    }

    @Test func warmupScalesTheConsistencyGradient() throws {
        let plain = try Self.firstEncoderGradients(warmup: nil)
        let warm = try Self.firstEncoderGradients(warmup: 4)
        #expect(plain.count == warm.count && plain.contains { $0 != 0 })
        // Update 0 of a 4-update ramp weighs consistency by 1/4: the gradient is a quarter (up to rounding).
        let worst = zip(plain, warm).map { abs($0 * 0.25 - $1) / (abs($0) * 0.25 + 1e-12) }.filter { $0.isFinite }.max() ?? 1
        let scale = plain.map(abs).max() ?? 1
        #expect(zip(plain, warm).allSatisfy { abs($0 * 0.25 - $1) <= 1e-5 * scale }, "largest relative gap \(worst)")
        var invalid = try RoutingAndBufferTests.configuration("transition-only")
        invalid.consistencyWarmupUpdates = -1
        #expect(throws: ConfigurationError.self) { try invalid.validate() }
    }

    /// Dynamics gradients of an update whose consistency weight is 0: only the current-reward head on the rolled-out
    /// latents can reach the dynamics.
    static func dynamicsGradient(onRollout: Bool) throws -> (norm: Float, loss: Float) {
        var c = try RoutingAndBufferTests.configuration("reward-only")
        c.routing.currentRewardZeroInitialized = false
        c.routing.currentRewardOnRollout = onRollout
        c.consistencyCoefficient = 0
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        agent.keepsGradients = true
        let metrics = agent.update(RoutingAndBufferTests.batch(c, seed: 4))
        let grads = try #require(agent.lastGradients).model
        let norm = agent.model.dynamics.parameters.compactMap { grads[$0] }.map { $0.squared().sum().scalar }.reduce(0, +).squareRoot()
        return (norm, metrics.currentRewardLoss)
    }

    @Test func currentRewardOnRolloutTrainsTheDynamicsThroughTheHead() throws {
        let off = try Self.dynamicsGradient(onRollout: false), on = try Self.dynamicsGradient(onRollout: true)
        #expect(off.norm == 0, "without the rolled-out term the dynamics got \(off.norm)")
        #expect(on.norm > 0)
        // The rolled-out cross-entropy is added to the encoded one (both non-negative).
        #expect(on.loss > off.loss)
        // nil resolves to false, and two configurations that differ only there compare equal after resolving.
        var a = try RoutingAndBufferTests.configuration("joint-reward"), b = a
        a.routing.currentRewardOnRollout = nil; b.routing.currentRewardOnRollout = false
        #expect(a.resolvingDefaults == b.resolvingDefaults)
    }

    /// Parameter changes of one update: (encoder, heads).
    static func firstStep(encoderWarmup: Int?) throws -> (encoder: [Float], heads: [Float]) {
        var c = try RoutingAndBufferTests.configuration("joint-reward")
        c.encoderWarmupUpdates = encoderWarmup
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        func snapshot() -> ([Float], [Float]) {
            (agent.model.encoderParameters.flatMap { $0.parameter.value.scalars }, agent.model.headParameters.flatMap { $0.parameter.value.scalars })
        }
        let before = snapshot()
        agent.update(RoutingAndBufferTests.batch(c, seed: 4))
        let after = snapshot()
        return (zip(after.0, before.0).map { $0 - $1 }, zip(after.1, before.1).map { $0 - $1 })
    }

    @Test func encoderWarmupScalesOnlyTheEncodersStep() throws {
        let plain = try Self.firstStep(encoderWarmup: nil), warm = try Self.firstStep(encoderWarmup: 4)
        #expect(plain.encoder.contains { $0 != 0 })
        let scale = plain.encoder.map(abs).max() ?? 1
        // Update 0 of a 4-update warm-up: a quarter of the encoder's learning rate, the heads' unchanged.
        #expect(zip(plain.encoder, warm.encoder).allSatisfy { abs($0 * 0.25 - $1) <= 1e-3 * scale })
        #expect(plain.heads == warm.heads)
        var invalid = try RoutingAndBufferTests.configuration("joint-reward")
        invalid.encoderWarmupUpdates = -2
        #expect(throws: ConfigurationError.self) { try invalid.validate() }
    }

    @Test func readoutStandardizationFeedsTheFirstLayerStandardizedFeatures() throws {
        var c = try RoutingAndBufferTests.configuration("joint-reward", observationShape: [3, 64, 64])
        c.pixelReadout = .averagePool; c.pixelHiddenLayers = 1; c.evaluationAverageRate = 0.01
        let agent = try TDMPC2Agent(configuration: c, seed: 5)
        let encoder = try #require(agent.model.encoder as? PixelEncoder)
        var g = SeededGenerator(seed: 9)
        // Mostly black images with a few bright pixels, like the counting scenes.
        let images = Tensor.randomUniform([12, 3, 64, 64], low: 0, high: 1, using: &g).mapScalars { $0 > 0.97 ? 255 * $0 : 0 }
        let layer = try #require(encoder.firstLinearAfterReadout)
        let (oldW, oldB) = (layer.weight.value, try #require(layer.bias).value)
        let x = encoder.readoutFeatures(images)                        // [N, F]
        let spreadBefore = try Self.meanDistance(encoder(images))
        let (n, f) = (x.shape[0], x.shape[1])
        #expect(agent.standardizePixelReadout(on: images) == f)
        // The new layer on x equals the old layer on the standardised x.
        let mean = (0..<f).map { j in (0..<n).map { Double(x.scalars[$0 * f + j]) }.reduce(0, +) / Double(n) }
        let std = (0..<f).map { j in ((0..<n).map { let d = Double(x.scalars[$0 * f + j]) - mean[j]; return d * d }.reduce(0, +) / Double(n)).squareRoot() }
        let standardised = Tensor(shape: [n, f], scalars: (0..<(n * f)).map { Float((Double(x.scalars[$0]) - mean[$0 % f]) / Swift.max(std[$0 % f], 1e-6)) })
        let expected = Tensor.linear(standardised, weight: oldW, bias: oldB)
        let actual = Tensor.linear(x, weight: layer.weight.value, bias: layer.bias?.value)
        let worst = zip(expected.scalars, actual.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-3, "largest difference \(worst)")
        // The averaged weights follow the change.
        let average = try #require(agent.averagedModel?.encoder as? PixelEncoder)
        #expect(average.firstLinearAfterReadout?.weight.value == layer.weight.value)
        // The latents of these images spread out.
        let spreadAfter = try Self.meanDistance(encoder(images))
        #expect(spreadAfter > 2 * spreadBefore, "mean distance \(spreadBefore) -> \(spreadAfter)")
    }

    static func meanDistance(_ z: Tensor) throws -> Float {
        let (n, d) = (z.shape[0], z.shape[1])
        var total: Float = 0
        for i in 0..<n { for j in (i + 1)..<n {
            var s: Float = 0
            for k in 0..<d { let e = z.scalars[i * d + k] - z.scalars[j * d + k]; s += e * e }
            total += s.squareRoot()
        } }
        return total / Float(n * (n - 1) / 2)
    }

    @Test func balancingWeightsGiveEveryValueTheSameTotalWeight() throws {
        let values = Tensor(shape: [8, 1], scalars: [0, 0, 0, 0, 0, 0, 1, 1])
        let w = TDMPC2Agent.balancingWeights(values).scalars
        // Six zeros share half of the weight 8, two ones the other half.
        let third: Float = 4.0 / 6.0
        let expected: [Float] = [third, third, third, third, third, third, 2, 2]
        #expect(zip(w, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(abs(w.reduce(0, +) / 8 - 1) < 1e-6)
        #expect(TDMPC2Agent.balancingWeights(Tensor(shape: [3, 1], scalars: [2, 2, 2])).scalars == [1, 1, 1])
        // In an update, balancing changes the current-reward loss (the batch's values are not balanced).
        func loss(_ balanced: Bool?) throws -> Float {
            var c = try RoutingAndBufferTests.configuration("joint-reward")
            c.routing.currentRewardBalanced = balanced
            var batch = RoutingAndBufferTests.batch(c, seed: 4)
            let n = (c.horizon + 1) * c.batchSize
            batch.stateValues = Tensor(shape: [c.horizon + 1, c.batchSize, 1], scalars: (0..<n).map { Float($0 % 5 == 0 ? 1 : 0) })
            return try TDMPC2Agent(configuration: c, seed: 3).update(batch).currentRewardLoss
        }
        #expect(try loss(true) != loss(nil))
        #expect(try loss(false) == loss(nil))
    }
}
