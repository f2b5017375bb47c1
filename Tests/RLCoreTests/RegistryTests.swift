// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

@Suite struct RegistryTests {
    @Test func idsAreSortedAndMakeWorks() throws {
        let registry = try toyRegistry()
        #expect(registry.ids == ["Corridor-v1", "LineWalk-v0"])
        var env = try registry.make("LineWalk-v0")
        let (observation, _) = try env.reset(seed: 1)
        #expect(env.observationSpace.contains(observation))
        let step = try env.step(Tensor([0.5]))
        #expect(step.observation.shape == [1])
    }

    @Test func duplicateIDThrows() throws {
        var registry = try toyRegistry()
        let spec = try EnvironmentSpec(id: "LineWalk-v0") { _ in LineWalk() }
        #expect(throws: RegistryError.duplicateID("LineWalk-v0")) { try registry.register(spec) }
    }

    @Test func unknownIDSuggestsClosest() throws {
        let registry = try toyRegistry()
        #expect(throws: RegistryError.unknownID("LineWalk-v1", suggestions: ["LineWalk-v0"])) {
            try registry.make("LineWalk-v1")
        }
        #expect(registry.suggestions(for: "corridor") == ["Corridor-v1"])
        #expect(registry.suggestions(for: "Completely-Different-Name-v9").isEmpty)
        let message = RegistryError.unknownID("LineWalk-v1", suggestions: ["LineWalk-v0"]).description
        #expect(message.contains("Did you mean: 'LineWalk-v0'?"))
    }

    @Test(arguments: ["", "a/b/c", "/Name-v0", "Name v0", "Bad!-v1"])
    func invalidIDsAreRejected(id: String) {
        #expect(throws: RegistryError.self) { try EnvironmentSpec(id: id) { _ in LineWalk() } }
    }

    @Test func validIDsAndNames() throws {
        #expect(try EnvironmentSpec(id: "lab/Point_Mass.2-v10") { _ in LineWalk() }.name == "lab/Point_Mass.2")
        #expect(try EnvironmentSpec(id: "NoVersion") { _ in LineWalk() }.name == "NoVersion")
        #expect(throws: RegistryError.invalidMaxEpisodeSteps(id: "X-v0", value: 0)) {
            try EnvironmentSpec(id: "X-v0", maxEpisodeSteps: 0) { _ in LineWalk() }
        }
    }

    @Test func makeAppliesTheStepLimitAndItsOverride() throws {
        let registry = try toyRegistry()
        for (limit, expected) in [(nil, 50), (7, 7)] as [(Int?, Int)] {
            var env = try registry.make("LineWalk-v0", maxEpisodeSteps: limit)
            _ = try env.reset(seed: 0, options: [OptionKey.initialState: [0]])
            var steps = 0
            var last: Step<Tensor>
            repeat {
                // Alternate directions so the walk never terminates.
                last = try env.step(Tensor([steps % 2 == 0 ? 1 : -1]))
                steps += 1
            } while !last.isLast
            #expect(steps == expected)
            #expect(last.isTruncated && !last.isTerminated)
        }
        #expect(throws: RegistryError.invalidMaxEpisodeSteps(id: "LineWalk-v0", value: -1)) {
            try registry.make("LineWalk-v0", maxEpisodeSteps: -1)
        }
    }

    @Test func madeEnvironmentsEnforceOrder() throws {
        let registry = try toyRegistry()
        var env = try registry.make("Corridor-v1", options: ["length": 2])
        #expect(throws: EnvironmentError.stepBeforeReset) { try env.step(Tensor([1])) }
        _ = try env.reset()
        let step = try env.step(Tensor([1]))
        #expect(step.isTerminated && step.reward == 1)
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd) { try env.step(Tensor([1])) }
        _ = try env.reset()
        #expect(try env.step(Tensor([0])).reward == 0)
    }

    @Test func discreteActionsCrossAsIndexTensors() throws {
        let registry = try toyRegistry()
        var env = try registry.make("Corridor-v1")
        #expect(env.actionSpace.description == "Discrete(2) as index tensor [1]")
        _ = try env.reset()
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([2])) }
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([0.5])) }
        #expect(try env.step(Tensor([1])).observation == Tensor([1]))
    }

    @Test func constructorOptionErrorsPropagate() throws {
        let registry = try toyRegistry()
        #expect(throws: EnvironmentError.invalidOption(key: "length", message: "expected a number, got \"long\"")) {
            try registry.make("Corridor-v1", options: ["length": "long"])
        }
    }
}
