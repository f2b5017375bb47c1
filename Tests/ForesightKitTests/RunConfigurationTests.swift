// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import ForesightKit
import TensorCore

/// Run configurations: agent overrides reach the agent, bad values are refused by name.
struct RunConfigurationTests {
    static func setup(_ json: String) throws -> TrainingRun {
        let run = try JSONDecoder().decode(RunConfiguration.self, from: Data(json.utf8))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-runconfig-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try TrainingRun(run, runDirectory: directory)
    }

    /// Each CartPole-v1 agent override in `cases` (a JSON object) is refused with an error containing `key` (the run
    /// configuration's key and the value, as `"agent.tdSteps" is 0`) and `value` (what was expected).
    static func expectRefused(_ cases: [(json: String, key: String, value: String)]) {
        for (json, key, value) in cases {
            do {
                _ = try setup(#"{"environment": "CartPole-v1", "agent": "# + json + "}")
                Issue.record("\(json) was accepted")
            } catch {
                #expect("\(error)".contains(key) && "\(error)".contains(value), "\(error)")
            }
        }
    }

    /// Valid JSON with a number that does not fit its field is reported with the key, the value and what was
    /// expected (Foundation on Linux calls it "not valid JSON").
    @Test func numbersThatDoNotFitTheirFieldAreNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-runconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("run.json")
        for (json, needles) in [(#"{"environment": "Pendulum-v1", "trainer": {"steps": 10.5}}"#, ["\"trainer.steps\" is 10.5", "whole number"]),
                                (#"{"environment": "Pendulum-v1", "trainer": {"seed": -3}}"#, ["\"trainer.seed\" is -3", "from 0 to"]),
                                (#"{"environment": "Pendulum-v1", "agent": {"learningRate": 1e39}}"#, ["\"agent.learningRate\"", "Float32"]),
                                (#"{"environment": "Pendulum-v1", "trainer": {"explorationDecay": {"final": 0.1, "steps": 2.5}}}"#,
                                 ["\"trainer.explorationDecay.steps\" is 2.5"])] {
            try Data(json.utf8).write(to: file)
            do {
                _ = try RunConfiguration.load(from: file)
                Issue.record("\(json) was accepted")
            } catch {
                #expect(needles.allSatisfy("\(error)".contains) && !"\(error)".contains("not valid JSON"), "\(error)")
            }
        }
    }

    @Test func targetAveragingRateOverrideReachesTheAgent() throws {
        let base = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32}}"#)
        #expect(base.agent.configuration.tau == 0.01)   // TD-MPC2's default
        let faster = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"tau": 0.05, "mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32}}"#)
        #expect(faster.agent.configuration.tau == 0.05)
        #expect(throws: (any Error).self) { try Self.setup(#"{"environment": "CartPole-v1", "agent": {"tau": 1.5}}"#) }
        do {
            _ = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"tau": 1.5}}"#)
        } catch {
            #expect("\(error)".contains("tau") && "\(error)".contains("1.5"), "\(error)")
        }
    }

    @Test func multiStepTargetsAndPlannerFloorOverridesReachTheAgent() throws {
        let small = #""mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32"#
        let base = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"# + small + "}}")
        #expect(base.agent.configuration.resolvedTDSteps == 1 && base.agent.configuration.planner.minStd == 0.05)
        let set = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"tdSteps": 10, "plannerMinStd": 0.3, "# + small + "}}")
        #expect(set.agent.configuration.resolvedTDSteps == 10 && set.agent.configuration.planner.minStd == 0.3)
        // A discrete planner's floor is a mixing weight: above 1 is refused by name, as is a TD step count of 0.
        Self.expectRefused([(#"{"plannerMinStd": 1.5}"#, #""agent.plannerMinStd" is 1.5"#, "at most 1 for discrete actions"), (#"{"tdSteps": 0}"#, #""agent.tdSteps" is 0"#, ">= 1")])
    }

    /// `plannerHorizon` deepens the plan without changing the training rollout's horizon, and
    /// `evaluationPlannerHorizon` deepens evaluation plans only; both plan a valid action, and a depth of 0 is refused by name.
    @Test func plannerHorizonsAreSeparateFromTheTrainingHorizon() throws {
        let small = #""mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32"#
        let set = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"horizon": 2, "plannerHorizon": 6, "evaluationPlannerHorizon": 9, "# + small + "}}")
        let agent = set.agent
        #expect(agent.configuration.horizon == 2)
        #expect(agent.configuration.planner.horizon == 6 && agent.categoricalPlanner?.configuration.horizon == 6)
        #expect(agent.configuration.evaluationPlanner?.horizon == 9 && agent.evaluationCategoricalPlanner?.configuration.horizon == 9)
        #expect(agent.configuration.evaluationPlanner?.sampleCount == agent.configuration.planner.sampleCount)
        // Each planner's warm start holds one distribution per step of its own horizon.
        for (mode, planned) in [(ActionMode.explore, { agent.categoricalPlanner?.previousProbabilities }), (.evaluate, { agent.evaluationCategoricalPlanner?.previousProbabilities })] {
            let action = agent.act(Tensor([0.01, 0.02, -0.01, 0.03]), isFirstStep: true, mode: mode)
            #expect(action.shape == [2] && action.scalars.reduce(0, +) == 1, "\(action.scalars)")
            #expect(planned()?.count == (mode == .explore ? 6 : 9) * 2)
        }
        // Without the key the planner plans over the training horizon, as in TD-MPC2.
        let plain = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"horizon": 4, "# + small + "}}")
        #expect(plain.agent.configuration.planner.horizon == 4 && plain.agent.configuration.evaluationPlanner == nil)
        Self.expectRefused([(#"{"plannerHorizon": 0}"#, #""agent.plannerHorizon" is 0"#, ">= 1"), (#"{"evaluationPlannerHorizon": 0}"#, #""agent.evaluationPlannerHorizon" is 0"#, ">= 1")])
    }

    /// The two-hot bins of the reward and Q heads: the override reaches the agent (its heads' widths and
    /// bin centres), and bad bins are refused by name, never trapped on.
    @Test func valueBinOverridesReachTheAgentAndBadBinsAreRefused() throws {
        let small = #""mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32"#
        let base = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"# + small + "}}")
        #expect(base.agent.configuration.regression == DiscreteRegression())
        let narrow = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"valueBinCount": 51, "valueMin": -1, "valueMax": 5, "# + small + "}}")
        let r = narrow.agent.configuration.regression
        #expect(r.binCount == 51 && r.vmin == -1 && r.vmax == 5)
        #expect(r.bins.scalars.first == -1 && r.bins.scalars.last == 5 && r.bins.count == 51)
        let rewardLogits = narrow.agent.model.rewardLogits(Tensor.zeros([2, 16]), Tensor.zeros([2, 2]))
        #expect(rewardLogits.shape == [2, 51], "\(rewardLogits.shape)")
        Self.expectRefused([(#"{"valueBinCount": 1}"#, #""agent.valueBinCount" is 1"#, "at least 2"), (#"{"valueMin": 5, "valueMax": 5}"#, #""agent.valueMin/valueMax" is [5.0, 5.0]"#, "vmin < vmax")])
    }

    /// The loss weights: overrides reach the agent's update, TD-MPC2's weights stay the default, and
    /// negative or non-finite weights are refused by name.
    @Test func lossCoefficientOverridesReachTheAgentAndBadOnesAreRefused() throws {
        let small = #""mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32"#
        let base = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"# + small + "}}").agent.configuration
        #expect(base.consistencyCoefficient == 20 && base.rewardCoefficient == 0.1 && base.valueCoefficient == 0.1 && base.terminationCoefficient == 1)
        let set = try Self.setup(#"{"environment": "CartPole-v1", "agent": {"consistencyCoefficient": 10, "rewardCoefficient": 1, "valueCoefficient": 0.5, "terminationCoefficient": 2, "# + small + "}}").agent.configuration
        #expect(set.consistencyCoefficient == 10 && set.rewardCoefficient == 1 && set.valueCoefficient == 0.5 && set.terminationCoefficient == 2)
        Self.expectRefused([(#"{"rewardCoefficient": -1}"#, #""agent.rewardCoefficient" is -1.0"#, ">= 0"), (#"{"valueCoefficient": -0.5}"#, "valueCoefficient", "-0.5")])
    }

    /// A misspelt key is refused at every level with the nearest known key, never ignored silently.
    /// The pixel encoder's layout and hidden blocks reach a pixel agent; bad values are refused by name.
    @Test func pixelArchitectureAndHiddenLayersReachTheAgent() throws {
        let run = try Self.setup(#"{"environment": "CountingHold-v0", "agent": {"pixelArchitecture": "resnet", "pixelHiddenLayers": 1, "pixelChannels": 4, "mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32}}"#)
        let c = run.agent.configuration
        #expect(c.pixelArchitecture == .resnet && c.pixelHiddenLayers == 1)
        let encoder = try #require(run.agent.model.encoder as? PixelEncoder)
        #expect(encoder.architecture == .resnet && encoder.residualBlocks.count == 3 && encoder.hiddenLayers.count == 1)
        Self.expectRefused([(#"{"pixelHiddenLayers": -1}"#, #""agent.pixelHiddenLayers" is -1"#, ">= 0")])
        do {
            _ = try Self.setup(#"{"environment": "CountingHold-v0", "agent": {"pixelArchitecture": "resnet50"}}"#)
            Issue.record("pixelArchitecture resnet50 was accepted")
        } catch {
            #expect("\(error)".contains("pixelArchitecture") && "\(error)".contains("resnet50"), "\(error)")
        }
    }

    @Test func unknownKeysAreRefusedWithTheNearestKnownKey() throws {
        for (json, key, suggestion) in [(#"{"environment": "CartPole-v1", "agent": {"rewardCoeficient": 1}}"#, "agent.rewardCoeficient", "agent.rewardCoefficient"),
                                        (#"{"environment": "CartPole-v1", "trainer": {"updatesPerstep": 2}}"#, "trainer.updatesPerstep", "trainer.updatesPerStep"),
                                        (#"{"environment": "CartPole-v1", "trainer": {"explorationDecay": {"final": 0.1, "step": 3}}}"#,
                                         "trainer.explorationDecay.step", "trainer.explorationDecay.steps"),
                                        (#"{"environment": "CartPole-v1", "trainer": {"learningRateDecay": {"fianl": 0.1, "steps": 3}}}"#,
                                         "trainer.learningRateDecay.fianl", "trainer.learningRateDecay.final"),
                                        (#"{"environment": "CartPole-v1", "agnet": {}}"#, "agnet", "agent")] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-keys-\(UUID().uuidString).json")
            try Data(json.utf8).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                _ = try RunConfiguration.load(from: url)
                Issue.record("\(json) was accepted")
            } catch {
                #expect("\(error)".contains("unknown key \"\(key)\"") && "\(error)".contains("did you mean \"\(suggestion)\""), "\(error)")
            }
        }
        // A key far from every known one is refused without a misleading suggestion.
        do {
            _ = try JSONDecoder().decode(RunConfiguration.self, from: Data(#"{"environment": "CartPole-v1", "agent": {"zzzzzzzzzzzz": 1}}"#.utf8))
            Issue.record("an unknown agent key was accepted")
        } catch {
            #expect("\(error)".contains("zzzzzzzzzzzz") && !"\(error)".contains("did you mean"), "\(error)")
        }
    }

    /// The agent keys the reader accepts are exactly ``AgentOverrides``' stored properties, and every shipped
    /// configuration (examples/configs) loads.
    @Test func knownKeysMatchTheSettingsAndTheShippedConfigurationsLoad() throws {
        let properties = Set(Mirror(reflecting: AgentOverrides()).children.compactMap(\.label))
        let keys = Set(AgentOverrides.CodingKeys.allCases.map(\.stringValue))
        #expect(properties == keys, "not readable: \(properties.subtracting(keys)), no such setting: \(keys.subtracting(properties))")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let configs = try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("examples/configs"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(configs.count >= 5)
        for url in configs { _ = try RunConfiguration.load(from: url) }
        let topLevel = Set(Mirror(reflecting: RunConfiguration(environment: "x")).children.compactMap(\.label))
        #expect(topLevel == Set(RunConfiguration.CodingKeys.allCases.map(\.stringValue)))
    }

    /// On the counting tasks from pixels the trainer measures the encoder at every evaluation (on by default,
    /// `"representationProbe": false` turns it off); other tasks get no probe; a bad image count is refused.
    @Test func representationProbeIsInstalledOnCountingPixelRunsOnly() throws {
        let small = #""agent": {"mlpDimensions": 32, "latentDimensions": 16, "encoderDimensions": 32, "pixelChannels": 4}"#
        let hold = try Self.setup(#"{"environment": "CountingHold-v0", "# + small + "}")
        let probe = try #require(hold.trainer.evaluationProbe)
        #expect(probe.name == "representation" && probe.columns == AgentRepresentation.columns && hold.configuration.representationProbeImages == 540)
        let values = try probe.measure(hold.agent)
        #expect(values.count == AgentRepresentation.columns.count && values[0] >= 0 && values[0] <= 1)
        #expect(try Self.setup(#"{"environment": "CountingHold-v0", "representationProbe": false, "# + small + "}").trainer.evaluationProbe == nil)
        #expect(try Self.setup(#"{"environment": "CartPole-v1", "# + small + "}").trainer.evaluationProbe == nil)
        do {
            _ = try Self.setup(#"{"environment": "Counting-v0", "representationProbeImages": 4, "# + small + "}")
            Issue.record("4 probe images were accepted")
        } catch {
            #expect("\(error)".contains("representationProbeImages 4"), "\(error)")
        }
        let roundTrip = try JSONDecoder().decode(RunConfiguration.self, from: JSONEncoder().encode(hold.configuration))
        #expect(roundTrip == hold.configuration)
    }
}
