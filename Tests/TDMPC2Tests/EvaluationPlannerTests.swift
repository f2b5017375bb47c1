// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore
import Testing
@testable import TDMPC2

/// The evaluation planner (`TDMPC2Configuration.evaluationPlanner`): a separate planning budget for
/// `.evaluate` actions that training never reads.
@Suite(.serialized) struct EvaluationPlannerTests {
    static func configuration(discrete: Bool) -> TDMPC2Configuration {
        var c = TrainerTests.agentConfiguration(discrete: discrete)
        var e = c.planner
        e.sampleCount = 128; e.eliteCount = 16; e.iterations = 4
        c.evaluationPlanner = e
        return c
    }

    @Test(arguments: [false, true]) func evaluationActionsUseTheEvaluationPlannerOnly(discrete: Bool) throws {
        let agent = try TDMPC2Agent(configuration: Self.configuration(discrete: discrete), seed: 5)
        #expect(agent.evaluationPlanner?.configuration.sampleCount == 128)
        #expect((agent.evaluationCategoricalPlanner != nil) == discrete)
        let observation = Tensor([0.2, 0.5])
        // The warm start each planner keeps tells which one planned.
        func trainingState() -> Bool { discrete ? agent.categoricalPlanner?.previousProbabilities != nil : agent.planner.previousMean != nil }
        func evaluationState() -> Bool {
            discrete ? agent.evaluationCategoricalPlanner?.previousProbabilities != nil : agent.evaluationPlanner?.previousMean != nil
        }
        _ = agent.act(observation, isFirstStep: true, mode: .explore)
        #expect(trainingState() && !evaluationState())
        _ = agent.act(observation, isFirstStep: true, mode: .evaluate)   // a first step resets every planner
        #expect(!trainingState() && evaluationState())
        _ = agent.act(observation, isFirstStep: false, mode: .evaluate)
        #expect(!trainingState() && evaluationState())
        // Without an evaluation planner, evaluation plans with the training planner.
        try agent.setEvaluationPlanner(nil)
        _ = agent.act(observation, isFirstStep: true, mode: .evaluate)
        #expect(trainingState() && agent.evaluationPlanner == nil)
    }

    @Test func theExplorationFloorReachesTheEvaluationPlanner() throws {
        let agent = try TDMPC2Agent(configuration: Self.configuration(discrete: true), seed: 5)
        agent.setExplorationFloor(0.2)
        #expect(agent.evaluationCategoricalPlanner?.configuration.minStd == 0.2)
        #expect(agent.evaluationPlanner?.configuration.minStd == 0.2)
        var planner = agent.planner.configuration
        planner.sampleCount = 32
        try agent.setEvaluationPlanner(planner)
        #expect(agent.evaluationCategoricalPlanner?.configuration.sampleCount == 32)
        #expect(agent.evaluationCategoricalPlanner?.configuration.minStd == 0.2)
    }

    @Test func aBadEvaluationPlannerIsNamed() throws {
        var c = Self.configuration(discrete: false)
        c.evaluationPlanner?.eliteCount = 500
        #expect(throws: ConfigurationError.invalidValue(key: "evaluationPlanner.eliteCount", value: "500", expected: "in [1, sampleCount]")) {
            try c.validate()
        }
        let agent = try TDMPC2Agent(configuration: Self.configuration(discrete: true), seed: 5)
        var planner = agent.planner.configuration
        planner.iterations = 0
        #expect(throws: ConfigurationError.invalidValue(key: "evaluationPlanner.iterations", value: "0", expected: ">= 1")) {
            try agent.setEvaluationPlanner(planner)
        }
    }

    @Test func configurationsWithoutTheKeyStillDecode() throws {
        let plain = TrainerTests.agentConfiguration(discrete: true)
        let data = try JSONEncoder().encode(plain)
        #expect(!String(decoding: data, as: UTF8.self).contains("evaluationPlanner"))
        #expect(try JSONDecoder().decode(TDMPC2Configuration.self, from: data) == plain)
        let withPlanner = Self.configuration(discrete: true)
        #expect(try JSONDecoder().decode(TDMPC2Configuration.self, from: JSONEncoder().encode(withPlanner)) == withPlanner)
    }

    /// Training reads only `.explore` actions, so the same seed trains the same run with or without an
    /// evaluation planner: the same update losses and training episodes (the evaluations may differ).
    @Test func trainingIsTheSameWithOrWithoutAnEvaluationPlanner() throws {
        func run(_ c: TDMPC2Configuration) throws -> (updates: String, episodes: String) {
            let dir = TrainerTests.temporaryDirectory("evaluation-planner")
            defer { try? FileManager.default.removeItem(at: dir) }
            let agent = try TDMPC2Agent(configuration: c, seed: 11)
            let trainer = try Trainer(configuration: TrainerTests.trainerConfiguration(steps: 160), agent: agent, environmentID: "Reach",
                                      episodeLength: 16, runDirectory: dir) {
                OrderEnforcing(TimeLimit(Reach(discrete: true), maxEpisodeSteps: 16))
            }
            let summary = try trainer.run { _ in }
            #expect(summary.evaluations.count == 3)   // at steps 64, 128 and the last (160)
            return (try String(contentsOf: dir.appendingPathComponent("updates.csv"), encoding: .utf8),
                    try String(contentsOf: dir.appendingPathComponent("episodes.csv"), encoding: .utf8))
        }
        let plain = try run(TrainerTests.agentConfiguration(discrete: true))
        let withEvaluationPlanner = try run(Self.configuration(discrete: true))
        #expect(plain.updates.split(separator: "\n").count > 10)
        #expect(plain.updates == withEvaluationPlanner.updates)
        #expect(plain.episodes == withEvaluationPlanner.episodes)
    }
}
