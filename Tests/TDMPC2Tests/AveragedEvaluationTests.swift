// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore
import TensorCore
import Testing
@testable import TDMPC2

/// Evaluation with averaged weights (`TDMPC2Configuration.evaluationAverageRate`): `.evaluate` actions plan
/// with a moving average of the model's weights, which training never reads.
@Suite(.serialized) struct AveragedEvaluationTests {
    static func configuration(rate: Float?, discrete: Bool = true) -> TDMPC2Configuration {
        var c = TrainerTests.agentConfiguration(discrete: discrete)
        c.evaluationAverageRate = rate
        return c
    }

    static func batch(_ c: TDMPC2Configuration, seed: UInt64) -> SequenceBatch {
        var g = SeededGenerator(seed: seed)
        let (h, b, a) = (c.horizon, c.batchSize, c.actionDimensions)
        return SequenceBatch(observations: .randomNormal([h + 1, b] + c.observationShape, using: &g),
                             actions: .randomUniform([h, b, a], low: 0, high: 1, using: &g),
                             rewards: .randomUniform([h, b, 1], low: 0, high: 1, using: &g), terminated: .zeros([h, b, 1]),
                             stateValues: .zeros([h + 1, b, 1]))
    }

    static func maxDifference(_ a: [String: Tensor], _ b: [String: Tensor]) -> Float {
        a.keys.map { key in zip(a[key]!.scalars, b[key]!.scalars).map { Swift.abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    /// With rate r the average is the plain mean of every update's weights until 1/(n+1) falls below r, then
    /// an exponential moving average: after updates 1, 2 and 3 at r = 0.4 it is w1, (w1 + w2) / 2, and
    /// m2 + 0.4 (w3 − m2).
    @Test func theAverageIsTheMeanOfTheWeightsThenAnExponentialAverage() throws {
        let c = Self.configuration(rate: 0.4)
        let agent = try TDMPC2Agent(configuration: c, seed: 7)
        let average = try #require(agent.averagedModel)
        #expect(average.stateDict() == agent.model.stateDict())   // starts at the initial weights
        var weights: [[String: Tensor]] = []
        for k in 0..<3 {
            agent.update(Self.batch(c, seed: UInt64(k)))
            weights.append(agent.model.stateDict())
        }
        // Recompute the expected average from the three snapshots.
        var expected = weights[0]
        for key in expected.keys {
            let w1 = weights[0][key]!.scalars, w2 = weights[1][key]!.scalars, w3 = weights[2][key]!.scalars
            let m2 = zip(w1, w2).map { ($0 + $1) / 2 }
            expected[key] = Tensor(shape: weights[0][key]!.shape, scalars: zip(m2, w3).map { $0 + 0.4 * ($1 - $0) })
        }
        #expect(Self.maxDifference(average.stateDict(), expected) < 1e-6)
        #expect(Self.maxDifference(average.stateDict(), agent.model.stateDict()) > 1e-4)   // it does lag the model
    }

    /// Training never reads the average: the same seed and batches give the same model and the same
    /// exploration actions with or without it.
    @Test(arguments: [false, true]) func trainingIsTheSameWithOrWithoutTheAverage(discrete: Bool) throws {
        let plain = try TDMPC2Agent(configuration: Self.configuration(rate: nil, discrete: discrete), seed: 7)
        let averaged = try TDMPC2Agent(configuration: Self.configuration(rate: 0.05, discrete: discrete), seed: 7)
        #expect(plain.averagedModel == nil)
        let observation = Tensor([0.2, 0.5])
        for k in 0..<4 {
            let b = Self.batch(plain.configuration, seed: UInt64(k))
            #expect(plain.update(b) == averaged.update(b))
            #expect(plain.act(observation, isFirstStep: k == 0, mode: .explore) == averaged.act(observation, isFirstStep: k == 0, mode: .explore))
        }
        #expect(plain.model.stateDict() == averaged.model.stateDict())
    }

    /// Evaluation plans with the average: at rate 1 the average is the model, so evaluation actions equal
    /// those of an agent without one; at a small rate they come from other weights and differ, unless
    /// `evaluatesWithAverage` is off.
    @Test func evaluationActionsPlanWithTheAverage() throws {
        func evaluationActions(rate: Float?, withAverage: Bool = true) throws -> [Tensor] {
            let c = Self.configuration(rate: rate, discrete: false)
            let agent = try TDMPC2Agent(configuration: c, seed: 7)
            agent.evaluatesWithAverage = withAverage
            for k in 0..<6 { agent.update(Self.batch(c, seed: UInt64(k))) }
            let observations = [Tensor([0.2, 0.5]), Tensor([-0.6, 0.5]), Tensor([0.9, 0.5])]
            return observations.enumerated().map { agent.act($1, isFirstStep: $0 == 0, mode: .evaluate) }
        }
        let plain = try evaluationActions(rate: nil)
        #expect(try evaluationActions(rate: 1) == plain)
        #expect(try evaluationActions(rate: 0.01) != plain)
        #expect(try evaluationActions(rate: 0.01, withAverage: false) == plain)
    }

    @Test func theAverageIsSavedAndRestored() throws {
        let c = Self.configuration(rate: 0.3)
        let agent = try TDMPC2Agent(configuration: c, seed: 7)
        for k in 0..<3 { agent.update(Self.batch(c, seed: UInt64(k))) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-average-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try agent.save(to: url)
        let restored = try TDMPC2Agent(configuration: c, seed: 99)
        try restored.load(from: url)
        #expect(restored.averagedModel?.stateDict() == agent.averagedModel?.stateDict())
        // The restored agent continues the same average.
        let next = Self.batch(c, seed: 10)
        agent.update(next); restored.update(next)
        #expect(restored.averagedModel?.stateDict() == agent.averagedModel?.stateDict())
        // A checkpoint without the average is refused by an agent that keeps one (their configurations differ),
        // and a checkpoint whose average tensors are missing is refused by name.
        let plain = try TDMPC2Agent(configuration: Self.configuration(rate: nil), seed: 7)
        #expect(throws: AgentError.self) { try plain.load(from: url) }
        var (tensors, metadata) = agent.checkpointTensors()
        tensors = tensors.filter { !$0.key.hasPrefix("average.") }
        let before = restored.averagedModel?.stateDict()
        #expect(throws: AgentError.self) { try restored.restore(tensors: tensors, metadata: metadata, source: "test") }
        #expect(restored.averagedModel?.stateDict() == before)   // unchanged when refused
    }

    @Test(arguments: [Float(0), -0.1, 1.5, .nan]) func aBadRateIsRefusedByName(rate: Float) {
        #expect(throws: ConfigurationError.invalidValue(key: "evaluationAverageRate", value: "\(rate)", expected: "in (0, 1]")) {
            try Self.configuration(rate: rate).validate()
        }
    }
}
