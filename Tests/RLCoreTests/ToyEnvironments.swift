// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - Toy environments used by the tests

/// A point on a line: observation `[x]`, action `[u]` in [-1, 1], x += 0.1 u, reward -|x|,
/// terminates when |x| >= 1. The initial x is uniform in [-0.5, 0.5) from the seeded generator.
struct LineWalk: Environment {
    var x: Double = 0
    var generator = SeededGenerator(seed: 0)
    var stepCount = 0

    var observationSpace: Box { Box(low: -2, high: 2, shape: [1]) }
    var actionSpace: Box { Box(low: -1, high: 1, shape: [1]) }

    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        if let state = try options.numbers(OptionKey.initialState, count: 1) {
            x = state[0]
        } else {
            x = Double(generator.nextUniform()) - 0.5
        }
        stepCount = 0
        return (Tensor([Float(x)]), ["x": x])
    }

    mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        guard action.shape == [1] else { throw EnvironmentError.invalidAction("shape \(action.shape), expected [1]") }
        x += 0.1 * Double(min(max(action.scalars[0], -1), 1))
        stepCount += 1
        return Step(observation: Tensor([Float(x)]), reward: Float(-abs(x)), isTerminated: abs(x) >= 1, info: ["x": x])
    }
}

/// A corridor of `length` cells with Discrete(2) actions (0 left, 1 right); reward 1 on reaching the right end.
struct Corridor: Environment {
    var length = 5
    var position = 0

    var observationSpace: Box { Box(low: 0, high: Float(length - 1), shape: [1]) }
    var actionSpace: Discrete { Discrete(2) }

    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        position = 0
        return (Tensor([0]), [:])
    }

    mutating func step(_ action: Int) throws -> Step<Tensor> {
        guard actionSpace.contains(action) else { throw EnvironmentError.invalidAction("\(action) is not in \(actionSpace)") }
        position = min(max(position + (action == 1 ? 1 : -1), 0), length - 1)
        let done = position == length - 1
        return Step(observation: Tensor([Float(position)]), reward: done ? 1 : 0, isTerminated: done)
    }
}

/// A registry with the two toy environments.
func toyRegistry() throws -> EnvironmentRegistry {
    var registry = EnvironmentRegistry()
    try registry.register(EnvironmentSpec(id: "LineWalk-v0", maxEpisodeSteps: 50) { _ in LineWalk() })
    try registry.register(EnvironmentSpec(id: "Corridor-v1", maxEpisodeSteps: 20) { options in
        var env = Corridor()
        if let length = try options.number("length") { env.length = Int(length) }
        return env.indexTensorActions()
    })
    return registry
}
