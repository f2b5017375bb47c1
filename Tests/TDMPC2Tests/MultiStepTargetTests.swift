// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

/// `n`-step TD targets: the buffer's returns, bootstrap discounts and bootstrap observations, and the update's use
/// of them.
@Suite struct MultiStepTargetTests {
    /// Episode `e` has observations `[100 e + t, e]`, rewards `10 e + t + 1`; episode 0 terminates, episode 1 is cut
    /// by a time limit.
    static func buffer() -> EpisodeReplayBuffer {
        var buffer = EpisodeReplayBuffer(capacity: 100)
        for (e, (length, terminates)) in [(6, true), (7, false)].enumerated() {
            let obs = Tensor(shape: [length + 1, 2], scalars: (0...length).flatMap { [Float(100 * e + $0), Float(e)] })
            buffer.append(Episode(observations: obs, actions: .zeros([length, 1]),
                                  rewards: Tensor(shape: [length], scalars: (0..<length).map { Float(10 * e + $0 + 1) }),
                                  terminated: Tensor(shape: [length], scalars: (0..<length).map { terminates && $0 == length - 1 ? 1 : 0 })))
        }
        return buffer
    }

    @Test func bufferReturnsMatchTheDefinitionAtEpisodeEnds() throws {
        let buffer = Self.buffer()
        let (n, gamma, h, batchSize): (Int, Float, Int, Int) = (3, 0.5, 2, 200)
        var g1 = SeededGenerator(seed: 4), g2 = SeededGenerator(seed: 4)
        let plain = try buffer.sample(batchSize: batchSize, horizon: h, using: &g1)
        let batch = try buffer.sample(batchSize: batchSize, horizon: h, tdSteps: n, discount: gamma, using: &g2)
        #expect(plain.multiStep == nil)
        #expect(batch.observations.scalars == plain.observations.scalars, "n-step sampling must draw the same windows")
        let targets = try #require(batch.multiStep)
        #expect(targets.bootstrapObservations.shape == [h, batchSize, 2] && targets.returns.shape == [h, batchSize, 1]
                && targets.bootstrapDiscounts.shape == [h, batchSize, 1])
        var sawTermination = false, sawTimeLimit = false, sawFull = false
        for b in 0..<batchSize {
            let e = Int(batch.observations[0, b, 1]), episode = buffer.episodes[e]
            for t in 0..<h {
                let start = Int(batch.observations[t, b, 0]) - 100 * e
                // The definition, written out: up to n rewards, stopping after a terminal transition.
                var expectedReturn: Float = 0, discount: Float = 1, k = 0, terminal = false
                for i in 0..<n where start + i < episode.length && !terminal {
                    expectedReturn += discount * Float(10 * e + start + i + 1)
                    discount *= gamma
                    k = i + 1
                    terminal = episode.terminated.scalars[start + i] == 1
                }
                let expectedDiscount: Float = terminal ? 0 : discount
                #expect(targets.returns[t, b, 0] == expectedReturn, "episode \(e), t \(start)")
                #expect(targets.bootstrapDiscounts[t, b, 0] == expectedDiscount, "episode \(e), t \(start)")
                #expect(targets.bootstrapObservations[t, b, 0] == Float(100 * e + start + k))
                #expect(targets.bootstrapObservations[t, b, 1] == Float(e))
                sawTermination = sawTermination || terminal
                sawTimeLimit = sawTimeLimit || (!terminal && k < n)
                sawFull = sawFull || k == n
            }
        }
        #expect(sawTermination && sawTimeLimit && sawFull, "the sample should cover all three cases")
    }

    /// A multi-step batch that encodes the one-step target (returns = rewards, discounts = γ(1 − terminated),
    /// bootstrap = next observations) gives exactly the one-step update; other returns change what the Q heads and the encoder learn.
    @Test func oneStepTargetsWrittenAsMultiStepGiveTheSameUpdate() throws {
        let c = try RoutingAndBufferTests.configuration("reward+q")
        var batch = RoutingAndBufferTests.batch(c, seed: 11)
        let (h, b) = (c.horizon, c.batchSize)
        batch.terminated = Tensor(shape: [h, b, 1], scalars: (0..<(h * b)).map { $0 % 5 == 0 ? 1 : 0 })
        let next = batch.observations.slice(along: 0, 1..<(h + 1))
        var equivalent = batch
        equivalent.multiStep = MultiStepTargets(bootstrapObservations: next, returns: batch.rewards,
                                                bootstrapDiscounts: c.discount * (1 - batch.terminated))
        var shifted = equivalent
        shifted.multiStep?.returns = batch.rewards + 3
        let agents = try (0..<3).map { _ in try TDMPC2Agent(configuration: c, seed: 5) }
        let noise = agents[0].drawNoise(horizon: h, batch: b)
        // Two updates each: the zero-initialised Q output layer gives identical losses on the first.
        var metrics: [UpdateMetrics] = []
        for (agent, batch) in zip(agents, [batch, equivalent, shifted]) {
            agent.update(batch, noise: noise)
            metrics.append(agent.update(batch, noise: noise))
        }
        #expect(metrics[0].named.map(\.value) == metrics[1].named.map(\.value))
        #expect(agents[0].model.stateDict() == agents[1].model.stateDict())
        // Other returns train the Q heads differently (the losses themselves barely move while Q is near zero).
        #expect(agents[2].model.qs.stateDict() != agents[0].model.qs.stateDict())
        #expect(agents[2].model.encoder.stateDict() != agents[0].model.encoder.stateDict())
    }

    /// With a constant reward of 1 and no termination, the learned Q level rises much faster with 10-step
    /// targets than with one-step targets (the reason the option exists).
    @Test func multiStepTargetsRaiseTheValueLevelFaster() throws {
        var c = try RoutingAndBufferTests.configuration("reward+q")
        c.horizon = 1; c.planner.horizon = 1; c.batchSize = 32; c.learningRate = 3e-3
        var buffer = EpisodeReplayBuffer(capacity: 10_000)
        var g = SeededGenerator(seed: 2)
        for _ in 0..<4 {
            buffer.append(Episode(observations: .randomNormal([101, 6], using: &g), actions: .randomUniform([100, 2], low: -1, high: 1, using: &g),
                                  rewards: .ones([100]), terminated: .zeros([100])))
        }
        func level(tdSteps: Int) throws -> Float {
            let agent = try TDMPC2Agent(configuration: c, seed: 1)
            var sampler = SeededGenerator(seed: 3)
            for _ in 0..<150 {
                agent.update(try buffer.sample(batchSize: c.batchSize, horizon: 1, tdSteps: tdSteps, discount: c.discount, using: &sampler))
            }
            let batch = try buffer.sample(batchSize: 64, horizon: 1, using: &sampler)
            var augmentation = SeededGenerator(seed: 0)
            let z = agent.model.encode(batch.observations.slice(along: 0, 0..<1).reshaped(to: [64, 6]), augmentationGenerator: &augmentation)
            return c.regression.decode(agent.model.qLogits(z, batch.actions.reshaped(to: [64, 2]))).mean().scalar
        }
        let one = try level(tdSteps: 1), ten = try level(tdSteps: 10)
        #expect(ten > 3 * one && ten > 3, "Q level after 150 updates: 1-step \(one), 10-step \(ten)")
    }

    @Test func invalidTDStepsAreRefusedByName() throws {
        var c = try RoutingAndBufferTests.configuration("reward+q")
        c.tdSteps = 0
        #expect(throws: ConfigurationError.self) { try c.validate() }
        do { try c.validate() } catch { #expect("\(error)".contains("tdSteps") && "\(error)".contains("0"), "\(error)") }
    }
}
