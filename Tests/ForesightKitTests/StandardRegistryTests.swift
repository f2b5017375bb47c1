// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import ForesightKit
import Testing

/// Every environment in the standard registry: the checker and a 1,000-step random-agent smoke test.
@Suite struct StandardRegistryTests {
    @Test func containsTheClassicControlSuite() {
        for (id, _) in ClassicControlFamily.episodeStepLimits {
            #expect(EnvironmentRegistry.standard.contains(id))
        }
    }

    @Test func containsTheCountingFamily() throws {
        for variant in CountingFamily.variants {
            #expect(EnvironmentRegistry.standard.contains(variant.id))
            #expect(try EnvironmentRegistry.standard.spec(variant.id).maxEpisodeSteps == variant.configuration.maxEpisodeSteps)
        }
    }

    /// Gymnasium's rule for action bounds (a warning), since Pendulum-v1 keeps Gymnasium's [-2, 2].
    @Test(arguments: EnvironmentRegistry.standard.ids)
    func checkerPasses(id: String) {
        let issues = checkEnvironment(requiresNormalizedActions: false) { try EnvironmentRegistry.standard.make(id) }
        #expect(issues.failures.isEmpty, "\(id): \(issues)")
    }

    @Test(arguments: EnvironmentRegistry.standard.ids)
    func randomAgentSmokeTest(id: String) throws {
        var env = try EnvironmentRegistry.standard.make(id)
        var generator = SeededGenerator(seed: 1)
        _ = try env.reset(seed: 3)
        for _ in 0..<1000 {
            let step = try env.step(env.actionSpace.sample(using: &generator))
            #expect(env.observationSpace.contains(step.observation))
            #expect(step.reward.isFinite)
            if step.isLast { _ = try env.reset() }
        }
    }
}
