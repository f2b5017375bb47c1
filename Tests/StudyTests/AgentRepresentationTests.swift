// Foresight — StudyTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import RLCore
import TDMPC2
import TensorCore
@testable import Study

/// `AgentRepresentation`: the study's representation metrics on a trained agent (`foresight evaluate` writes
/// them to representation.json on the counting tasks).
@Suite struct AgentRepresentationTests {
    static func pixelConfiguration() throws -> TDMPC2Configuration {
        var c = TDMPC2Configuration(observationShape: [3, 64, 64], actionDimensions: 3, modelSize: .m1)
        c.latentDimensions = 16; c.mlpDimensions = 32; c.encoderDimensions = 32; c.batchSize = 4; c.horizon = 1
        c.isEpisodic = true; c.qDropout = 0; c.pixelChannels = 4; c.pixelOffset = 0; c.shiftAugmentation = false
        c.evaluationAverageRate = 0.01
        c.routing = try AuxiliaryRouting(parsing: "reward+q")
        return c
    }

    static func update(_ agent: TDMPC2Agent, seed: UInt64) {
        let c = agent.configuration
        var g = SeededGenerator(seed: seed)
        let (h, b) = (c.horizon, c.batchSize)
        let batch = SequenceBatch(observations: .randomUniform([h + 1, b] + c.observationShape, low: 0, high: 255, using: &g),
                                  actions: .randomUniform([h, b, c.actionDimensions], low: 0, high: 1, using: &g),
                                  rewards: .randomUniform([h, b, 1], low: 0, high: 1, using: &g), terminated: .zeros([h, b, 1]),
                                  stateValues: .zeros([h + 1, b, 1]))
        _ = agent.update(batch)
    }

    /// The scores are those of the latents of the model the agent plans its evaluation actions with: the
    /// weight average when there is one, the trained weights otherwise, on the study's probe images.
    @Test func measuresTheModelThatPlansOnTheStudysImages() throws {
        let agent = try TDMPC2Agent(configuration: Self.pixelConfiguration(), seed: 3)
        Self.update(agent, seed: 1)
        Self.update(agent, seed: 2)   // after two updates the average (w1 + w2) / 2 differs from w2
        let averaged = try AgentRepresentation.measure(agent: agent, probeCount: 45, probeTrainCount: 36)
        #expect(averaged.weights == "averaged" && averaged.probeImages == 45 && averaged.probeTrainImages == 36)

        let probeSet = try ProbeSet.generate(count: 45, seed: AgentRepresentation.probeSeed)
        let trainSet = try ProbeSet.generate(count: 36, seed: AgentRepresentation.probeTrainSeed)
        func expected(_ model: WorldModel) -> (RepresentationScores, ProbeScores) {
            let z = FeatureMatrix(AgentRepresentation.encode(model, probeSet.observations))
            let zt = FeatureMatrix(AgentRepresentation.encode(model, trainSet.observations))
            return (RepresentationScores.measure(z, counts: probeSet.counts, rule: ClusterCountRule()),
                    ProbeScores.measure(train: zt, trainSet: trainSet, test: z, testSet: probeSet))
        }
        let average = try #require(agent.averagedModel)
        let (r, p) = expected(average)
        #expect(averaged.representation == r && averaged.probes == p)
        #expect((0...1).contains(r.countAccuracy) && r.clusters >= 1 && r.rankme >= 1 && r.withinBetweenRatio.isFinite)

        agent.evaluatesWithAverage = false
        let trained = try AgentRepresentation.measure(agent: agent, probeCount: 45, probeTrainCount: 36)
        let (rt, pt) = expected(agent.model)
        #expect(trained.weights == "trained" && trained.representation == rt && trained.probes == pt)
        #expect(trained.representation.meanPairwiseDistance != averaged.representation.meanPairwiseDistance)
        // Chunking does not change the latents (beyond the rounding of differently blocked products).
        let whole = AgentRepresentation.encode(agent.model, probeSet.observations, chunk: 45)
        let chunked = AgentRepresentation.encode(agent.model, probeSet.observations, chunk: 8)
        #expect(whole.shape == [45, 16] && chunked.shape == [45, 16])
        #expect(zip(whole.scalars, chunked.scalars).map { Swift.abs($0 - $1) }.max()! < 1e-5)
    }

    @Test func refusesAnAgentThatDoesNotReadTheCountingImages() throws {
        var c = try Self.pixelConfiguration()
        c.observationShape = [6]
        let agent = try TDMPC2Agent(configuration: c, seed: 1)
        #expect(throws: StudyError.invalidSetting(name: "observation shape", value: "[6]", expected: "[3, 64, 64] (the counting images)")) {
            try AgentRepresentation.measure(agent: agent)
        }
        let pixels = try TDMPC2Agent(configuration: Self.pixelConfiguration(), seed: 1)
        #expect(throws: StudyError.invalidSetting(name: "probeCount", value: "3", expected: ">= 9")) {
            try AgentRepresentation.measure(agent: pixels, probeCount: 3)
        }
        #expect(throws: StudyError.invalidSetting(name: "probeTrainCount", value: "0", expected: ">= 9")) {
            try AgentRepresentation.measure(agent: pixels, probeTrainCount: 0)
        }
    }
}
