// Foresight — CustomEnvironment example
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// A user-defined environment, written outside the library: a point mass on a table that must reach a goal.
// It is registered next to the standard environments, checked with `checkEnvironment`, and run for a few
// episodes with a random agent.
//
//     swift run CustomEnvironment

import Foundation
import ForesightKit

// MARK: - The environment

/// A point mass in the square [-1, 1]^2 pushed by a bounded force toward a random goal.
///
/// Observation `[6]`: position `(x, y)`, velocity `(vx, vy)` and goal `(gx, gy)`. Action `[2]`: force in
/// `[-1, 1]^2`. Dynamics (dt = 0.1, damping 0.1): `v += dt * (force - 0.1 v)`, `p += dt * v`, with the
/// position clamped to the walls (hitting a wall stops that velocity component). Reward: minus the distance
/// to the goal; the episode terminates when the mass is within 0.05 of the goal.
struct PointMass: Environment {
    static let dt = 0.1
    static let damping = 0.1
    static let goalRadius = 0.05

    var position = (x: 0.0, y: 0.0)
    var velocity = (x: 0.0, y: 0.0)
    var goal = (x: 0.0, y: 0.0)
    var generator = SeededGenerator(seed: 0)

    let observationSpace = Box(low: [-1, -1, -5, -5, -1, -1], high: [1, 1, 5, 5, 1, 1])
    let actionSpace = Box(low: -1, high: 1, shape: [2])

    var distance: Double { ((position.x - goal.x) * (position.x - goal.x) + (position.y - goal.y) * (position.y - goal.y)).squareRoot() }

    var observation: Tensor {
        Tensor([position.x, position.y, velocity.x, velocity.y, goal.x, goal.y].map { Float($0) })
    }

    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        func uniform() -> Double { Double(generator.nextUniform()) * 1.6 - 0.8 }
        if let state = try options.numbers(OptionKey.initialState, count: 6) {
            (position, velocity, goal) = ((state[0], state[1]), (state[2], state[3]), (state[4], state[5]))
        } else {
            position = (uniform(), uniform())
            velocity = (0, 0)
            goal = (uniform(), uniform())
        }
        return (observation, ["distance": distance])
    }

    mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        guard action.shape == [2], action.scalars.allSatisfy(\.isFinite) else {
            throw EnvironmentError.invalidAction("\(action); expected 2 finite forces")
        }
        let force = actionSpace.clamped(action).scalars.map(Double.init)
        velocity.x += Self.dt * (force[0] - Self.damping * velocity.x)
        velocity.y += Self.dt * (force[1] - Self.damping * velocity.y)
        position.x += Self.dt * velocity.x
        position.y += Self.dt * velocity.y
        if abs(position.x) > 1 { position.x = max(-1, min(1, position.x)); velocity.x = 0 }
        if abs(position.y) > 1 { position.y = max(-1, min(1, position.y)); velocity.y = 0 }
        let d = distance
        return Step(observation: observation, reward: Float(-d), isTerminated: d < Self.goalRadius, info: ["distance": d])
    }
}

// MARK: - Register, check, run

do {
    // Register the environment next to the standard ones, from this module, without changing Foresight.
    var registry = EnvironmentRegistry.standard
    try registry.register(EnvironmentSpec(id: "examples/PointMass-v0", maxEpisodeSteps: 200) { _ in PointMass() })
    print("Registered ids: \(registry.ids.joined(separator: ", "))")

    // Check it the way Gymnasium's check_env would (a fresh instance per check).
    let issues = checkEnvironment { try registry.make("examples/PointMass-v0") }
    if issues.isEmpty {
        print("checkEnvironment: no issues")
    } else {
        for issue in issues { print("checkEnvironment: \(issue)") }
    }
    if !issues.failures.isEmpty { throw ExampleError.checkFailed }

    // A random agent for a few episodes; RecordEpisodeStatistics reports each return and length.
    var env = AnyEnvironment(try registry.make("examples/PointMass-v0")).recordingEpisodeStatistics()
    var agentGenerator = SeededGenerator(seed: 7)
    for episode in 1...5 {
        _ = try env.reset(seed: UInt64(episode))
        var step: Step<Tensor>
        repeat {
            step = try env.step(env.actionSpace.sample(using: &agentGenerator))
        } while !step.isLast
        let outcome = step.isTerminated ? "reached the goal" : "time limit"
        print("episode \(episode): return \(String(format: "%.2f", step.info["episode.return"] ?? .nan)), "
            + "length \(Int(step.info["episode.length"] ?? 0)), \(outcome)")
    }
} catch {
    print("error: \(error)")
    exit(1)
}

enum ExampleError: Error { case checkFailed }
