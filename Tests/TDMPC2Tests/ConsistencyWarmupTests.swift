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
}
