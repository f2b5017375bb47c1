// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

@Suite struct RoutingAndBufferTests {
    static func configuration(_ aux: String, observationShape: [Int] = [6]) throws -> TDMPC2Configuration {
        var c = TDMPC2Configuration(observationShape: observationShape, actionDimensions: 2, modelSize: .m1)
        c.latentDimensions = 16; c.mlpDimensions = 32; c.encoderDimensions = 32; c.batchSize = 8; c.horizon = 2
        c.isEpisodic = true; c.qDropout = 0; c.pixelChannels = 8
        c.routing = try AuxiliaryRouting(parsing: aux)
        c.routing.randomProjectionDimensions = 12
        return c
    }

    static func batch(_ c: TDMPC2Configuration, seed: UInt64) -> SequenceBatch {
        var g = SeededGenerator(seed: seed)
        let h = c.horizon, b = c.batchSize
        let obs = c.isPixel ? Tensor.randomUniform([h + 1, b] + c.observationShape, low: 0, high: 255, using: &g)
                            : Tensor.randomNormal([h + 1, b] + c.observationShape, using: &g)
        return SequenceBatch(observations: obs, actions: .randomUniform([h, b, 2], low: -1, high: 1, using: &g),
                             rewards: .randomUniform([h, b, 1], low: 0, high: 1, using: &g), terminated: .zeros([h, b, 1]),
                             stateValues: Tensor(shape: [h + 1, b, 1], scalars: (0..<((h + 1) * b)).map { Float($0 % 2) }))
    }

    /// The encoder's gradient norm from one update, and the metrics.
    static func encoderGradient(_ aux: String) throws -> (norm: Float, metrics: UpdateMetrics) {
        let c = try configuration(aux)
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        agent.keepsGradients = true
        // Two updates: zero-initialised output layers pass no gradient back on the very first one.
        agent.update(batch(c, seed: 4))
        let metrics = agent.update(batch(c, seed: 5))
        let grads = try #require(agent.lastGradients).model
        var total: Float = 0
        for (_, p) in agent.model.encoderParameters { if let g = grads[p] { total += g.squared().sum().scalar } }
        return (total.squareRoot(), metrics)
    }

    @Test func routingDecidesWhichLossesReachTheEncoder() throws {
        // reward-only: nothing but the current-reward head may reach the encoder.
        let rewardOnly = try Self.encoderGradient("reward-only")
        #expect(rewardOnly.metrics.currentRewardLoss > 0 && rewardOnly.norm > 0)
        // The same update without the current-reward head and without consistency leaves the encoder untouched.
        var c = try Self.configuration("none")
        c.routing.consistency = false
        let agent = try TDMPC2Agent(configuration: c, seed: 3)
        agent.keepsGradients = true
        agent.update(Self.batch(c, seed: 4))
        agent.update(Self.batch(c, seed: 5))
        let grads = try #require(agent.lastGradients).model
        #expect(agent.model.encoderParameters.allSatisfy { grads[$0.parameter] == nil || grads[$0.parameter]!.scalars.allSatisfy { $0 == 0 } })
        // Heads that are cut off still train: the reward head has gradients.
        #expect(agent.model.reward.parameters.contains { grads[$0] != nil })
        // The random auxiliary adds its loss; joint-reward (no stop-gradient) trains the current-reward head.
        let random = try Self.encoderGradient("random")
        #expect(random.metrics.randomProjectionLoss > 0 && random.norm > 0)
        let joint = try Self.encoderGradient("joint-reward")
        #expect(joint.metrics.currentRewardLoss > 0 && joint.norm > 0)
    }

    @Test func stopGradientChangesOnlyTheGradientNotTheLoss() throws {
        var a = try Self.configuration("transition-only")
        a.routing.consistencyStopGradient = true
        let b = try Self.configuration("transition-only")  // no stop-gradient
        let agentA = try TDMPC2Agent(configuration: a, seed: 5), agentB = try TDMPC2Agent(configuration: b, seed: 5)
        agentA.keepsGradients = true; agentB.keepsGradients = true
        let mA = agentA.update(Self.batch(a, seed: 6)), mB = agentB.update(Self.batch(b, seed: 6))
        #expect(Swift.abs(mA.consistencyLoss - mB.consistencyLoss) <= 1e-6 * Swift.max(1, mA.consistencyLoss))
        let gA = try #require(agentA.lastGradients).model, gB = try #require(agentB.lastGradients).model
        let w = agentA.model.encoderParameters[0].parameter, wB = agentB.model.encoderParameters[0].parameter
        #expect(gA[w] != nil && gB[wB] != nil && gA[w]! != gB[wB]!)
    }

    @Test func pixelAgentUpdatesAndActs() throws {
        let c = try Self.configuration("reward+q", observationShape: [3, 64, 64])
        let agent = try TDMPC2Agent(configuration: c, seed: 7)
        #expect(agent.model.encoder is PixelEncoder)
        let m = agent.update(Self.batch(c, seed: 8))
        #expect(m.isFinite && m.totalLoss > 0)
        var g = SeededGenerator(seed: 9)
        let action = agent.act(.randomUniform([3, 64, 64], low: 0, high: 255, using: &g), isFirstStep: true, mode: .explore)
        #expect(action.shape == [2] && action.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test func pixelReadoutAndOffsetOptions() throws {
        var c = try Self.configuration("reward+q", observationShape: [3, 64, 64])
        #expect(c.pixelReadout == nil && c.pixelOffset == nil)   // TD-MPC2's encoder (flatten, offset 0.5) by default
        #expect((try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder).map { $0.readout == .flatten && $0.offset == 0.5 } == true)
        c.pixelReadout = .averagePool
        c.pixelOffset = 0
        let pooled = try TDMPC2Agent(configuration: c, seed: 7)
        let encoder = try #require(pooled.model.encoder as? PixelEncoder)
        // The projection reads the C pooled channels, not the C·4·4 flattened features.
        #expect(encoder.projection?.linear.weight.value.shape == [16, 8])
        var g = SeededGenerator(seed: 3)
        let x = Tensor.randomUniform([4, 3, 64, 64], low: 0, high: 200, using: &g)
        let z = encoder(x)
        #expect(z.shape == [4, 16] && z.scalars.allSatisfy(\.isFinite))
        // Offset 0 on x equals offset 0.5 on x + 127.5 (the same weights: the same seed).
        c.pixelOffset = 0.5
        let shifted = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        let z2 = shifted(x + 127.5)
        #expect(zip(z.scalars, z2.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-4 })
        // A different offset changes the output.
        #expect(zip(shifted(x).scalars, z.scalars).contains { Swift.abs($0 - $1) > 1e-4 })
        // Bad values are refused by name.
        c.pixelOffset = .nan
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }

    /// `pixelArchitecture` "resnet" and `pixelHiddenLayers` build the documented encoder: a 6x6 map of 2C channels
    /// from three plain convolutions and three residual blocks, hidden Mish blocks of `encoderDimensions` before the
    /// latent; TD-MPC2's layout stays the default; bad values are refused by name.
    @Test func residualPixelEncoderAndHiddenLayers() throws {
        var c = try Self.configuration("reward+q", observationShape: [3, 64, 64])
        #expect(c.pixelArchitecture == nil && c.pixelHiddenLayers == nil && c.resolvedPixelArchitecture == .tdmpc2)
        let plain = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        #expect(plain.architecture == .tdmpc2 && plain.residualBlocks.isEmpty && plain.hiddenLayers.isEmpty && plain.convolutions.count == 4)
        c.pixelArchitecture = .resnet
        c.pixelReadout = .flatten
        c.pixelOffset = 0
        c.pixelHiddenLayers = 2
        let encoder = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        #expect(encoder.convolutions.map { $0.weight.value.shape } == [[8, 3, 7, 7], [16, 8, 3, 3], [16, 16, 3, 3]])
        #expect(encoder.residualBlocks.count == 3 && encoder.residualBlocks.allSatisfy { $0.first.weight.value.shape == [16, 16, 3, 3] })
        // Flattened 16 x 6 x 6 map -> two hidden blocks of encoderDimensions (32) -> the latent (16).
        #expect(encoder.hiddenLayers.map { $0.linear.weight.value.shape } == [[32, 576], [32, 32]])
        #expect(encoder.projection?.linear.weight.value.shape == [16, 32])
        let paths = Set(encoder.namedParameters().map(\.path))
        #expect(paths.contains("residualBlocks.2.second.weight") && paths.contains("hiddenLayers.1.norm.weight"))
        var g = SeededGenerator(seed: 3)
        let x = Tensor.randomUniform([2, 3, 64, 64], low: 0, high: 200, using: &g)
        let z = encoder(x)
        #expect(z.shape == [2, 16] && z.scalars.allSatisfy(\.isFinite))
        // SimNorm groups of 8 sum to 1.
        #expect(stride(from: 0, to: 32, by: 8).allSatisfy { Swift.abs(z.scalars[$0..<$0 + 8].reduce(0, +) - 1) < 1e-5 })
        // The pooled readout reads the 2C = 16 channels; as wide as the latent, it needs no projection.
        c.pixelReadout = .averagePool
        c.pixelHiddenLayers = 0
        let pooled = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        #expect(pooled.hiddenLayers.isEmpty && pooled.projection == nil && pooled(x).shape == [2, 16])
        c.pixelHiddenLayers = 1
        let pooledHidden = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        #expect(pooledHidden.hiddenLayers.map { $0.linear.weight.value.shape } == [[32, 16]] && pooledHidden.projection != nil)
        // A whole update trains it (finite loss, encoder weights move).
        let agent = try TDMPC2Agent(configuration: c, seed: 7)
        let before = try #require(agent.model.encoder as? PixelEncoder).residualBlocks[0].first.weight.value.scalars
        let m = agent.update(Self.batch(c, seed: 4))
        #expect(m.isFinite && m.totalLoss > 0)
        #expect(try #require(agent.model.encoder as? PixelEncoder).residualBlocks[0].first.weight.value.scalars != before)
        c.pixelHiddenLayers = -1
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }

    /// `pixelPadding` gives the residual encoder "same" padding in its strided convolutions: an 8x8 map instead of
    /// 6x6 (the flattened readout's width shows it), and an object in the last rows and columns moves the pooled
    /// features as much as the same object in the middle does, to within the stride's aliasing.
    @Test func paddedResidualEncoderSeesTheBorders() throws {
        var c = try Self.configuration("reward+q", observationShape: [3, 64, 64])
        c.pixelArchitecture = .resnet
        c.pixelReadout = .flatten
        c.pixelOffset = 0
        c.pixelHiddenLayers = 1
        #expect(c.resolvedPixelPadding == false)
        let unpadded = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        #expect(unpadded.hiddenLayers[0].linear.weight.value.shape == [32, 16 * 6 * 6])
        c.pixelPadding = true
        let padded = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        #expect(padded.hiddenLayers[0].linear.weight.value.shape == [32, 16 * 8 * 8])
        #expect(padded.convolutions.map(\.padding) == [3, 1, 1])
        // A bright bottom row (row 63): unpadded, the stem (7x7, stride 2, 29 outputs: rows 0...62) never reads it, so
        // the features do not move at all; padded, they do. A bright middle row moves both.
        func image(row: Int) -> Tensor {
            var pixels = [Float](repeating: 0, count: 3 * 64 * 64)
            for ch in 0..<3 { for x in 0..<64 { pixels[ch * 4096 + row * 64 + x] = 255 } }
            return Tensor(shape: [1, 3, 64, 64], scalars: pixels)
        }
        let blank = Tensor(shape: [1, 3, 64, 64], scalars: [Float](repeating: 0, count: 3 * 4096))
        func change(_ e: PixelEncoder, row: Int) -> Float {
            let (base, lit) = withoutGradients { (e.readoutFeatures(blank).scalars, e.readoutFeatures(image(row: row)).scalars) }
            return zip(lit, base).map { Swift.abs($0 - $1) }.reduce(0, +)
        }
        #expect(change(unpadded, row: 63) == 0)
        #expect(change(padded, row: 63) > 0)
        #expect(change(unpadded, row: 31) > 0 && change(padded, row: 31) > 0)
        c.pixelPadding = nil
        #expect(c.resolvingDefaults.pixelPadding == false)
    }

    /// `pixelProjectionNorm` false ends the pixel encoder with a plain Linear (PyTorch's default initialisation) into
    /// SimNorm: the latent then depends on the scale of the pooled features, which TD-MPC2's LayerNorm divides out.
    @Test func pixelProjectionWithoutLayerNormKeepsTheFeatureScale() throws {
        var c = try Self.configuration("reward+q", observationShape: [3, 64, 64])
        c.pixelArchitecture = .resnet
        c.pixelReadout = .averagePool
        c.pixelOffset = 0
        #expect(c.resolvedPixelProjectionNorm)
        c.pixelProjectionNorm = false
        let encoder = try #require(try TDMPC2Agent(configuration: c, seed: 7).model.encoder as? PixelEncoder)
        let plain = try #require(encoder.plainProjection)
        #expect(encoder.projection == nil && plain.weight.value.shape == [16, 16])
        let bound = 1 / Float(16).squareRoot()
        #expect(plain.weight.value.scalars.allSatisfy { Swift.abs($0) <= bound } && plain.weight.value.scalars.contains { Swift.abs($0) > bound / 2 })
        #expect(try #require(plain.bias).value.scalars.contains { $0 != 0 })
        #expect(Set(encoder.namedParameters().map(\.path)).isSuperset(of: ["plainProjection.weight", "plainProjection.bias"]))
        // Scaling the pooled features p changes the latent SimNorm(W p + b); LayerNorm(W p) at initialisation would not.
        var g0 = SeededGenerator(seed: 8)
        let p = Tensor.randomUniform([3, 16], low: 0.5, high: 2, using: &g0)
        let z1 = plain(p).simNorm(groupSize: 8), z2 = plain(p * 3).simNorm(groupSize: 8)
        #expect(maxAbsDifference(z1.scalars, z2.scalars) > 1e-3)
        var g = SeededGenerator(seed: 5)
        let z = encoder(Tensor.randomUniform([2, 3, 64, 64], low: 0, high: 200, using: &g))
        #expect(z.shape == [2, 16] && stride(from: 0, to: 32, by: 8).allSatisfy { Swift.abs(z.scalars[$0..<$0 + 8].reduce(0, +) - 1) < 1e-5 })
        let agent = try TDMPC2Agent(configuration: c, seed: 7)
        let trained = try #require(agent.model.encoder as? PixelEncoder)
        let before = try #require(trained.plainProjection).weight.value.scalars
        #expect(agent.update(Self.batch(c, seed: 4)).isFinite)
        #expect(try #require(trained.plainProjection).weight.value.scalars != before)
    }

    @Test func bufferSamplesStayInsideEpisodesWithDocumentedShapes() throws {
        var buffer = EpisodeReplayBuffer(capacity: 60)
        // Episode e has observations whose value encodes (episode, time): 100 e + t.
        for (e, length) in [5, 1, 8, 3].enumerated() {
            let obs = Tensor(shape: [length + 1, 2], scalars: (0...length).flatMap { [Float(100 * e + $0), Float(e)] })
            buffer.append(Episode(observations: obs, actions: Tensor(shape: [length, 1], scalars: (0..<length).map { Float(100 * e + $0) }),
                                  rewards: .zeros([length]), terminated: .zeros([length])))
        }
        #expect(buffer.count == 17)
        var g = SeededGenerator(seed: 1)
        let batch = try buffer.sample(batchSize: 64, horizon: 3, using: &g)
        #expect(batch.observations.shape == [4, 64, 2] && batch.actions.shape == [3, 64, 1] && batch.rewards.shape == [3, 64, 1]
                && batch.terminated.shape == [3, 64, 1] && batch.stateValues.shape == [4, 64, 1])
        for b in 0..<64 {
            let episode = batch.observations[0, b, 1]
            #expect(episode != 1, "the 1-step episode is too short for horizon 3 and must not be sampled")
            for t in 0...3 {
                #expect(batch.observations[t, b, 1] == episode, "window crosses an episode boundary")
                #expect(batch.observations[t, b, 0] == batch.observations[0, b, 0] + Float(t))
                if t < 3 { #expect(batch.actions[t, b, 0] == batch.observations[t, b, 0]) }
            }
        }
        #expect(throws: ReplayBufferError.self) { try buffer.sample(batchSize: 1, horizon: 9, using: &g) }
        // Capacity: the oldest episodes go first.
        for _ in 0..<10 { buffer.append(Episode(observations: .zeros([7, 2]), actions: .zeros([6, 1]), rewards: .zeros([6]), terminated: .zeros([6]))) }
        #expect(buffer.count <= 60 && buffer.episodes.first?.length == 6)
    }
}
