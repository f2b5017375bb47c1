// Foresight — GymMuJoCoTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import GymMuJoCo
import MuJoCo
import RLCore
import TensorCore
import Testing

let mujocoRegistry: EnvironmentRegistry = {
    var registry = EnvironmentRegistry()
    try! GymMuJoCoFamily.register(into: &registry)  // Fixed, distinct ids: a failure is a bug in the family.
    return registry
}()

@Suite struct GymMuJoCoEnvironmentTests {
    /// Gymnasium 1.4's spaces (`gymnasium.make(id).observation_space.shape`, `action_space`).
    static let spaces: [GymMuJoCoTask: (observation: Int, action: Int, high: Float)] = [
        .invertedPendulum: (4, 1, 3), .invertedDoublePendulum: (9, 1, 1), .reacher: (10, 2, 1), .swimmer: (8, 2, 1),
        .hopper: (11, 3, 1), .halfCheetah: (17, 6, 1), .walker2d: (17, 6, 1), .ant: (105, 8, 1),
    ]

    @Test(arguments: GymMuJoCoTask.allCases)
    func registeredWithGymnasiumsSpacesAndLimits(_ task: GymMuJoCoTask) throws {
        let spec = try mujocoRegistry.spec(task.id)
        #expect(spec.maxEpisodeSteps == (task == .reacher ? 50 : 1000))
        let env = try mujocoRegistry.make(task.id)
        let expected = try #require(Self.spaces[task])
        let observation = try #require(env.observationSpace as? Box)
        let action = try #require(env.actionSpace as? Box)
        #expect(observation.shape == [expected.observation])
        #expect(action.shape == [expected.action])
        #expect(action.high.scalars.allSatisfy { $0 == expected.high } && action.low.scalars.allSatisfy { $0 == -expected.high })
    }

    @Test(arguments: GymMuJoCoTask.allCases)
    func passesTheEnvironmentChecker(_ task: GymMuJoCoTask) throws {
        let issues = checkEnvironment(requiresNormalizedActions: false) { try mujocoRegistry.make(task.id) }
        let failures = issues.filter { $0.severity == .failure }
        #expect(failures.isEmpty, "\(task.id): \(failures)")
    }

    @Test func seededResetsAreReproducibleAndStayWithinTheNoise() throws {
        for task in GymMuJoCoTask.allCases where task != .reacher {
            var env = try GymMuJoCoEnvironment(task)
            let initial = env.simulation.initialQpos
            let (a, _) = try env.reset(seed: 7)
            let qposA = env.simulation.qpos, qvelA = env.simulation.qvel
            let (b, _) = try env.reset(seed: 7)
            #expect(a.scalars == b.scalars && env.simulation.qpos == qposA && env.simulation.qvel == qvelA, "\(task.id)")
            let (c, _) = try env.reset(seed: 8)
            #expect(c.scalars != a.scalars, "\(task.id)")
            let scale = try #require(task.defaultResetNoiseScale)
            for (q, q0) in zip(env.simulation.qpos, initial) { #expect(abs(q - q0) <= scale, "\(task.id)") }
            // No noise: exactly Gymnasium's init_qpos and zero velocities.
            var still = try GymMuJoCoEnvironment(task, options: ["reset_noise_scale": 0])
            _ = try still.reset(seed: 1)
            #expect(still.simulation.qpos == initial && still.simulation.qvel.allSatisfy { $0 == 0 }, "\(task.id)")
        }
    }

    @Test func reacherGoalsLieWithinTheirDisc() throws {
        var env = try GymMuJoCoEnvironment(.reacher)
        for seed in 0..<50 as Range<UInt64> {
            _ = try env.reset(seed: seed)
            let q = env.simulation.qpos, v = env.simulation.qvel
            #expect((q[2] * q[2] + q[3] * q[3]).squareRoot() < 0.2)
            #expect(abs(q[0]) <= 0.1 && abs(q[1]) <= 0.1 && v[2] == 0 && v[3] == 0 && abs(v[0]) <= 0.005)
        }
    }

    @Test func resetInfoHasGymnasiumsKeys() throws {
        let expected: [GymMuJoCoTask: Set<String>] = [
            .invertedPendulum: [], .invertedDoublePendulum: [], .reacher: [],
            .swimmer: ["x_position", "y_position", "distance_from_origin"], .ant: ["x_position", "y_position", "distance_from_origin"],
            .hopper: ["x_position", "z_distance_from_origin"], .walker2d: ["x_position", "z_distance_from_origin"],
            .halfCheetah: ["x_position"],
        ]
        for task in GymMuJoCoTask.allCases {
            var env = try GymMuJoCoEnvironment(task)
            let (_, info) = try env.reset(seed: 3)
            #expect(Set(info.keys) == expected[task], "\(task.id)")
        }
    }

    @Test func optionsChangeTheEnvironmentAsGymnasiumsKeywords() throws {
        var full = try GymMuJoCoEnvironment(.halfCheetah, options: ["exclude_current_positions_from_observation": false])
        #expect(full.observationSpace.shape == [18])
        let (observation, _) = try full.reset(seed: 0)
        #expect(Double(observation.scalars[0]) == Double(Float(full.simulation.qpos[0])))
        let antWithoutForces = try GymMuJoCoEnvironment(.ant, options: ["include_cfrc_ext_in_observation": false])
        #expect(antWithoutForces.observationSpace.shape == [27])
        let skip = try GymMuJoCoEnvironment(.hopper, options: ["frame_skip": 2])
        #expect(abs(skip.dt - 0.004) < 1e-15)
        // A hopper that may not fall over keeps going after an unhealthy state and loses its survival reward.
        var hopper = try GymMuJoCoEnvironment(.hopper, options: ["terminate_when_unhealthy": false, "healthy_z_range": [5, 10]])
        _ = try hopper.reset(seed: 0)
        let step = try hopper.step(Tensor([0, 0, 0]))
        #expect(!step.isTerminated && step.info["reward_survive"] == 0)
    }

    @Test func badOptionsAndActionsAreRefusedByName() throws {
        #expect(throws: EnvironmentError.self) { try GymMuJoCoEnvironment(.hopper, options: ["healthy_reward_": 1]) }
        do {
            _ = try GymMuJoCoEnvironment(.hopper, options: ["frame_skip": 0])
            Issue.record("frame_skip 0 accepted")
        } catch let EnvironmentError.invalidOption(key, message) {
            #expect(key == "frame_skip" && message.contains("0"))
        }
        #expect(throws: EnvironmentError.self) { try GymMuJoCoEnvironment(.walker2d, options: ["healthy_z_range": [2, 1]]) }
        #expect(throws: MuJoCoError.unknownName(kind: "body", name: "head", model: try GymMuJoCoModels.directory() + "/ant.xml")) {
            try GymMuJoCoEnvironment(.ant, options: ["main_body": "head"])
        }
        var env = try GymMuJoCoEnvironment(.hopper)
        #expect(throws: EnvironmentError.stepBeforeReset) { try env.step(Tensor([0, 0, 0])) }
        _ = try env.reset(seed: 0)
        #expect(throws: EnvironmentError.invalidAction("shape [2], expected [3]")) { try env.step(Tensor([0, 0])) }
        #expect(throws: EnvironmentError.invalidAction("element 1 is nan, expected a finite number")) { try env.step(Tensor([0, .nan, 0])) }
        var pendulum = try GymMuJoCoEnvironment(.invertedPendulum)
        #expect(throws: EnvironmentError.self) { try pendulum.reset(seed: 0, options: [OptionKey.initialState: [0, 0, 0]]) }
    }

    @Test func missingModelsSayHowToInstallThem() throws {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID().uuidString)").path
        do {
            _ = try GymMuJoCoEnvironment(.hopper, options: ["modelDirectory": .string(nowhere)])
            Issue.record("a missing model directory was accepted")
        } catch let error as GymMuJoCoError {
            #expect(error == .modelDirectoryMissing(path: nowhere, source: "option modelDirectory"))
            #expect(error.description.contains("pip install gymnasium") && error.description.contains(GymMuJoCoModels.environmentVariable))
        }
        #expect(throws: GymMuJoCoError.modelDirectoryMissing(path: nowhere, source: GymMuJoCoModels.environmentVariable)) {
            try GymMuJoCoModels.directory(environment: [GymMuJoCoModels.environmentVariable: nowhere])
        }
        let notFound = GymMuJoCoError.modelDirectoryNotFound(searched: ["/a/site-packages"])
        #expect(notFound.description.contains("/a/site-packages") && notFound.description.contains("pip install gymnasium"))
        // A directory without the task's file: MuJoCo's layer names the file.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: MuJoCoError.missingModelFile(path: empty.path + "/hopper.xml")) {
            try GymMuJoCoEnvironment(.hopper, options: ["modelDirectory": .string(empty.path)])
        }
    }

    /// Gymnasium's reward structure, on a seeded episode: the reward is the sum of the info's terms.
    @Test func rewardsAreTheSumOfTheirInfoTerms() throws {
        let terms: [GymMuJoCoTask: [String]] = [
            .invertedPendulum: ["reward_survive"],
            .invertedDoublePendulum: ["reward_survive", "distance_penalty", "velocity_penalty"],
            .reacher: ["reward_dist", "reward_ctrl"], .swimmer: ["reward_forward", "reward_ctrl"],
            .halfCheetah: ["reward_forward", "reward_ctrl"], .hopper: ["reward_forward", "reward_ctrl", "reward_survive"],
            .walker2d: ["reward_forward", "reward_ctrl", "reward_survive"],
            .ant: ["reward_forward", "reward_ctrl", "reward_contact", "reward_survive"],
        ]
        for task in GymMuJoCoTask.allCases {
            var env = try GymMuJoCoEnvironment(task)
            _ = try env.reset(seed: 11)
            var generator = SeededGenerator(seed: 5)
            for _ in 0..<5 {
                let step = try env.step(env.actionSpace.sample(using: &generator))
                let sum = try #require(terms[task]).reduce(0.0) { $0 + (step.info[$1] ?? .nan) }
                #expect(abs(Double(step.reward) - sum) <= 1e-6 * max(1, abs(sum)), "\(task.id)")
                if step.isLast { break }
            }
        }
    }
}
