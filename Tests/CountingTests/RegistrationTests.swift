// Foresight — CountingTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import Testing
import TensorCore
@testable import Counting

@Suite struct RegistrationTests {
    @Test func registersBothIdsWithTheirSettings() throws {
        let registry = try countingRegistry()
        #expect(registry.ids == ["Counting-v0", "CountingHold-v0"])
        #expect(try registry.spec("Counting-v0").maxEpisodeSteps == 4)
        #expect(try registry.spec("CountingHold-v0").maxEpisodeSteps == 50)
        let paper = try registry.make("Counting-v0")
        #expect(paper.actionSpace as? Box == Box(low: -1, high: 1, shape: [1]))
        #expect(paper.observationSpace as? Box == Box(low: 0, high: 255, shape: [3, 64, 64]))
        let hold = try registry.make("CountingHold-v0")
        #expect(hold.actionSpace as? IndexSpace == IndexSpace(Discrete(3)))
        var duplicate = registry
        #expect(throws: RegistryError.duplicateID("Counting-v0")) { try CountingFamily.register(into: &duplicate) }
    }

    @Test func paperVariantTruncatesAfterFourSteps() throws {
        var env = try countingRegistry().make("Counting-v0")
        _ = try env.reset(seed: 0, options: ["count": 8])
        for t in 1...4 {
            let step = try env.step(Tensor([1]))
            #expect(step.info[CountingInfoKey.count] == 8 && !step.isTerminated && step.isTruncated == (t == 4))
        }
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd) { try env.step(Tensor([1])) }
        // Reaching the target terminates.
        _ = try env.reset(options: ["count": 3])
        let step = try env.step(Tensor([0.5]))
        #expect(step.isTerminated && !step.isTruncated && step.reward == 1)
    }

    @Test func holdVariantNeverTerminatesAndTruncatesAtFifty() throws {
        var env = try countingRegistry().make("CountingHold-v0")
        _ = try env.reset(seed: 0, options: ["count": 4])
        var total: Float = 0
        for t in 1...50 {
            let step = try env.step(Tensor([1]))   // keep
            total += step.reward
            #expect(!step.isTerminated && step.isTruncated == (t == 50))
        }
        #expect(total == 50)
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd) { try env.step(Tensor([1])) }
        _ = try env.reset()
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([3])) }   // not in Discrete(3)
    }

    @Test func optionsOverrideTheVariant() throws {
        let registry = try countingRegistry()
        var dense = try registry.make("Counting-v0", options: ["reward": "dense", "terminateOnSuccess": false, "actions": "removeAdd"],
                                      maxEpisodeSteps: 10)
        #expect(dense.actionSpace as? IndexSpace == IndexSpace(Discrete(2)))
        _ = try dense.reset(seed: 0, options: ["count": 3])
        var steps = 0
        while true {
            let step = try dense.step(Tensor([1]))
            steps += 1
            #expect(!step.isTerminated)
            if steps == 1 { #expect(step.reward == 2) }
            if step.isLast { break }
        }
        #expect(steps == 10)
        var target = try registry.make("CountingHold-v0", options: ["target": 7, "startCount": 2, "maxCount": 10, "seed": 5])
        let info = try target.reset().info
        #expect(info[CountingInfoKey.count] == 2 && info[CountingInfoKey.target] == 7)
        #expect(throws: EnvironmentError.self) { try registry.make("Counting-v0", options: ["maxEpisodeSteps": 10]) }
        #expect(throws: EnvironmentError.self) { try registry.make("Counting-v0", options: ["reward": "shaped"]) }
        #expect(throws: EnvironmentError.self) { try registry.make("Counting-v0", options: ["actions": "continuous"]) }
        #expect(throws: EnvironmentError.self) { try registry.make("Counting-v0", options: ["target": 9]) }
        #expect(throws: EnvironmentError.self) { try registry.make("Counting-v0", options: ["seed": -1]) }
    }

    @Test func randomActionsRunAThousandStepsInsideTheSpaces() throws {
        let registry = try countingRegistry()
        for id in registry.ids {
            var env = try registry.make(id)
            var generator = SeededGenerator(seed: 17)
            var (observation, info) = try env.reset(seed: 17)
            var episodes = 0
            for t in 0..<1000 {
                let step = try env.step(env.actionSpace.sample(using: &generator))
                if t % 10 == 0 {
                    #expect(env.observationSpace.contains(observation))
                    expectObservationMatchesInfo(step.observation, step.info)
                }
                #expect(step.reward.isFinite && step.reward >= 0)
                observation = step.observation
                info = step.info
                if step.isLast {
                    episodes += 1
                    (observation, info) = try env.reset()
                }
            }
            #expect(episodes >= (id == CountingFamily.paperID ? 200 : 19))
            _ = info
        }
    }
}
