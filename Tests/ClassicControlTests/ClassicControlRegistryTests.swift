// Foresight — ClassicControlTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import ClassicControl
import RLCore
import TensorCore
import Testing

let classicRegistry: EnvironmentRegistry = {
    var registry = EnvironmentRegistry()
    do {
        try ClassicControlFamily.register(into: &registry)
    } catch {
        preconditionFailure("classic-control registration failed: \(error)")
    }
    return registry
}()

let classicIDs = ClassicControlFamily.episodeStepLimits.map(\.id)

@Suite struct ClassicControlRegistryTests {
    @Test func registersEveryIDWithGymnasiumLimits() throws {
        #expect(classicRegistry.ids == classicIDs.sorted())
        for (id, limit) in ClassicControlFamily.episodeStepLimits {
            #expect(try classicRegistry.spec(id).maxEpisodeSteps == limit)
        }
        var again = classicRegistry
        #expect(throws: RegistryError.duplicateID("CartPole-v1")) { try ClassicControlFamily.register(into: &again) }
        #expect(throws: RegistryError.unknownID("CartPole-v0", suggestions: ["CartPole-v1"])) {
            try classicRegistry.make("CartPole-v0")
        }
        #expect(classicRegistry.suggestions(for: "mountaincar").first == "MountainCar-v0")
    }

    /// The registered environments as made by the registry pass the checker. Pendulum's action space is
    /// Gymnasium's [-2, 2], which the strict check flags, so the registered ids are checked with
    /// Gymnasium's rule (a warning) and the rescaled Pendulum with the strict one.
    @Test(arguments: classicIDs)
    func checkerPasses(id: String) {
        let issues = checkEnvironment(requiresNormalizedActions: false) { try classicRegistry.make(id) }
        #expect(issues.failures.isEmpty, "\(id): \(issues)")
        let strict = checkEnvironment { try classicRegistry.make(id) }
        if id == "Pendulum-v1" {
            #expect(strict.failures.map(\.check) == [.actionSpace])
        } else {
            #expect(strict.failures.isEmpty, "\(id): \(strict)")
        }
    }

    @Test func rescaledPendulumPassesTheStrictCheck() {
        let issues = checkEnvironment { try Pendulum().rescalingActions() }
        #expect(issues.failures.isEmpty, "\(issues)")
    }

    /// 1,000 random-agent steps per id through the registry: observations stay in the space, rewards are
    /// finite, and no episode runs past the step limit.
    @Test(arguments: classicIDs)
    func randomAgentSmokeTest(id: String) throws {
        var env = try classicRegistry.make(id)
        let limit = try #require(try classicRegistry.spec(id).maxEpisodeSteps)
        var generator = SeededGenerator(seed: 2026)
        var (observation, _) = try env.reset(seed: 7)
        #expect(env.observationSpace.contains(observation))
        var length = 0, episodes = 0
        for _ in 0..<1000 {
            let step = try env.step(env.actionSpace.sample(using: &generator))
            length += 1
            #expect(env.observationSpace.contains(step.observation), "\(id): \(step.observation)")
            #expect(step.reward.isFinite)
            #expect(length <= limit)
            if step.isLast {
                #expect(step.isTerminated || length == limit)
                episodes += 1
                length = 0
                observation = try env.reset().observation
            }
        }
        #expect(episodes >= 1000 / limit)
    }

    /// The same seed and actions reproduce an episode exactly; another seed starts elsewhere.
    @Test(arguments: classicIDs)
    func seedingReproducesEpisodes(id: String) throws {
        func rollout(seed: UInt64) throws -> [Tensor] {
            var env = try classicRegistry.make(id)
            var generator = SeededGenerator(seed: 99)
            var observations = [try env.reset(seed: seed).observation]
            for _ in 0..<60 {
                let step = try env.step(env.actionSpace.sample(using: &generator))
                observations.append(step.observation)
                if step.isLast { observations.append(try env.reset().observation) }
            }
            return observations
        }
        let a = try rollout(seed: 11), b = try rollout(seed: 11), c = try rollout(seed: 12)
        #expect(a == b)
        #expect(a[0] != c[0])
    }
}
