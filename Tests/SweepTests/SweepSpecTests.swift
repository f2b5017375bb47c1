// Foresight — SweepTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit
import Sweep
import Testing

/// Sweep descriptions: decoding, expansion into named runs with their full configuration, and errors that name the
/// key and the value at fault.
@Suite struct SweepSpecTests {
    static let base = #"{"environment": "CartPole-v1", "trainer": {"steps": 200, "seedSteps": 50}, "agent": {"batchSize": 16}}"#

    static func plan(_ json: String) throws -> SweepPlan { try SweepPlan(try SweepSpec.decode(Data(json.utf8))) }

    @Test func axesExpandIntoEveryCombinationForEverySeed() throws {
        let plan = try Self.plan(#"{"name": "grid", "train": \#(Self.base), "seeds": [0, 7],"#
            + #" "axes": [{"key": "aux", "values": ["reward", "reward+q"]}, {"key": "agent.horizon", "values": [3, 5]}]}"#)
        #expect(plan.kind == "train" && plan.runs.count == 8)
        #expect(plan.runs.map(\.name) == ["aux-reward_horizon-3_seed0", "aux-reward_horizon-3_seed7", "aux-reward_horizon-5_seed0",
                                          "aux-reward_horizon-5_seed7", "aux-reward+q_horizon-3_seed0", "aux-reward+q_horizon-3_seed7",
                                          "aux-reward+q_horizon-5_seed0", "aux-reward+q_horizon-5_seed7"])
        #expect(plan.runs.map(\.index) == Array(0..<8))
        let run = plan.runs[6]
        #expect(run.group == "aux=reward+q agent.horizon=5" && run.seed == 0)
        let c = try #require(run.configuration)
        #expect(c.aux == "reward+q" && c.agent.horizon == 5 && c.trainer.seed == 0)
        // The base's other keys are kept.
        #expect(c.environment == "CartPole-v1" && c.trainer.steps == 200 && c.trainer.seedSteps == 50 && c.agent.batchSize == 16)
        #expect(plan.runs[1].configuration?.trainer.seed == 7)
        #expect(plan.foresightVersion == ForesightVersion.current)
        // The same description plans the same runs (stable names).
        let again = try Self.plan(#"{"name": "grid", "train": \#(Self.base), "seeds": [0, 7],"#
            + #" "axes": [{"key": "aux", "values": ["reward", "reward+q"]}, {"key": "agent.horizon", "values": [3, 5]}]}"#)
        #expect(again == plan)
    }

    @Test func seedsAsARangeAndNoAxes() throws {
        let plan = try Self.plan(#"{"name": "seeds", "train": \#(Self.base), "seeds": {"first": 2, "count": 3}}"#)
        #expect(plan.runs.map(\.name) == ["seed2", "seed3", "seed4"])
        #expect(plan.runs.map(\.group) == ["base", "base", "base"])
        #expect(plan.runs.compactMap { $0.configuration?.trainer.seed } == [2, 3, 4])
    }

    @Test func studySweepsRunEachConfigurationAndSeedSeedMajor() throws {
        let plan = try Self.plan(#"{"name": "study", "study": {"quick": true, "configs": ["reward", "reward+q"], "settings": {"updates": 10}}, "seeds": [0, 1]}"#)
        #expect(plan.kind == "study")
        #expect(plan.runs.map(\.name) == ["reward_seed0", "reward+q_seed0", "reward_seed1", "reward+q_seed1"])
        #expect(plan.runs.map(\.group) == ["reward", "reward+q", "reward", "reward+q"])
        #expect(plan.studyConfigs == ["reward", "reward+q"])
        #expect(plan.studySettings?.updates == 10)
        #expect(plan.studySettings?.probeCount == StudySettings.quick.probeCount)
        #expect(plan.runs[3].studyArguments == ["--configs", "reward+q", "--first-seed", "1", "--seeds", "1", "--jobs", "1", "--quick", "--set", "updates=10"])
    }

    /// Every bad description is refused with a message naming the key and the value.
    @Test(arguments: [
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axis": []}"#, ["\"axis\"", "unknown", "\"axes\""]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base)}"#, ["seeds", "missing"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0, -1]}"#, ["seeds[1]", "-1"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [1, 1]}"#, ["seeds", "each seed once"]),
        (#"{"name": "a b", "train": \#(SweepSpecTests.base), "seeds": [0]}"#, ["name", "\"a b\""]),
        (#"{"name": "x", "seeds": [0]}"#, ["\"train\" or \"study\""]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "study": {"configs": ["q"]}, "seeds": [0]}"#, ["both"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "agent.horizn", "values": [3]}]}"#, ["agent.horizn", "horizon"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "environment", "values": ["CartPole-v9"]}]}"#, ["environment", "CartPole-v9"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "aux", "values": ["rewards"]}]}"#, ["aux", "rewards"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "trainer.steps", "values": ["many"]}]}"#, ["trainer.steps"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "aux", "values": []}]}"#, ["axes[0].values", "non-empty"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "aux", "values": ["q", "q"]}]}"#, ["axes[0].values", "q", "once"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "trainer.seed", "values": [1]}]}"#, ["trainer.seed", "seeds"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "axes": [{"key": "environmentOptions.m", "values": ["a b", "a-b"]}]}"#, ["run name", "m-a-b_seed0"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "resources": {"memory": "2 GB"}}"#, ["memory", "2 GB"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "resources": {"cpus": 0}}"#, ["resources.cpus", "0"]),
        (#"{"name": "x", "train": \#(SweepSpecTests.base), "seeds": [0], "resources": {"time": "1h"}}"#, ["time", "1h"]),
        (#"{"name": "x", "study": {"configs": ["rewards"]}, "seeds": [0]}"#, ["study.configs[0]", "rewards"]),
        (#"{"name": "x", "study": {"configs": ["q"], "settings": {"updatez": 3}}, "seeds": [0]}"#, ["study.settings.updatez", "updates"]),
        (#"{"name": "x", "study": {"configs": ["q"]}, "seeds": [0], "axes": [{"key": "aux", "values": ["q"]}]}"#, ["axes[0].key", "study"]),
        (#"{"name": "x", "train": [1], "seeds": [0]}"#, ["train", "an array"]),
        ("not json", ["not valid JSON"]),
    ] as [(String, [String])])
    func badDescriptionsNameTheKeyAndValue(json: String, needles: [String]) {
        do {
            _ = try Self.plan(json)
            Issue.record("accepted \(json)")
        } catch {
            let message = "\(error)"
            for needle in needles { #expect(message.contains(needle), "\(json): \(message) lacks \(needle)") }
        }
    }

    @Test func loadNamesTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-spec-\(UUID().uuidString).json")
        #expect(throws: SweepError.self) { try SweepSpec.load(from: url) }
        try Data(#"{"name": "x", "train": {"environment": "CartPole-v1"}, "seeds": "all"}"#.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do { _ = try SweepSpec.load(from: url); Issue.record("accepted seeds \"all\"") } catch {
            #expect("\(error)".contains(url.path) && "\(error)".contains("seeds") && "\(error)".contains("\"all\""), "\(error)")
        }
    }
}
