// Foresight — CustomEnvironment example
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// A user-defined environment, written outside the library: a point mass on a table that must reach a goal.
// It is registered next to the standard environments, checked with `checkEnvironment`, and then a TD-MPC2 agent
// is trained on it through the public API (`TrainingRun` with the registry that holds it), printing its learning
// as it goes and its evaluation return against a random agent's.
//
//     swift run -c release CustomEnvironment [--steps N] [--eval-episodes N] [--run-dir DIR]

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

// MARK: - Register, check, train

/// `--steps N` (default 4000), `--eval-episodes N` (default 10), `--run-dir DIR` (default runs/point-mass).
func option(_ name: String) -> String? {
    CommandLine.arguments.firstIndex(of: name).flatMap { $0 + 1 < CommandLine.arguments.count ? CommandLine.arguments[$0 + 1] : nil }
}

do {
    let steps = try option("--steps").map { guard let n = Int($0), n >= 1 else { throw ExampleError.badOption("--steps \($0)") }; return n } ?? 4000
    let episodes = try option("--eval-episodes").map { guard let n = Int($0), n >= 1 else { throw ExampleError.badOption("--eval-episodes \($0)") }; return n } ?? 10

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

    // The baseline: a random agent; RecordEpisodeStatistics reports each return.
    var env = AnyEnvironment(try registry.make("examples/PointMass-v0")).recordingEpisodeStatistics()
    var agentGenerator = SeededGenerator(seed: 7)
    var randomReturns: [Double] = []
    for episode in 0..<episodes {
        _ = try env.reset(seed: UInt64(10_000 + episode))
        var step: Step<Tensor>
        repeat { step = try env.step(env.actionSpace.sample(using: &agentGenerator)) } while !step.isLast
        randomReturns.append(step.info["episode.return"] ?? .nan)
    }
    let randomMean = randomReturns.reduce(0, +) / Double(episodes)
    print(String(format: "random agent: mean return %.2f over %d episodes", randomMean, episodes))

    // Train a small TD-MPC2 agent on it: a run configuration, and the registry that knows the id.
    var run = RunConfiguration(environment: "examples/PointMass-v0")
    run.trainer.steps = steps
    run.trainer.seedSteps = min(1000, steps / 2)
    run.trainer.evaluationInterval = 1000
    run.trainer.evaluationEpisodes = episodes
    run.trainer.checkpointInterval = 1000
    run.agent.batchSize = 64
    run.agent.latentDimensions = 64; run.agent.mlpDimensions = 128; run.agent.encoderDimensions = 128
    run.agent.plannerSamples = 128; run.agent.plannerElites = 16; run.agent.plannerIterations = 4; run.agent.plannerPolicyTrajectories = 8
    let directory = URL(fileURLWithPath: option("--run-dir") ?? "runs/point-mass")
    if Trainer.hasCheckpoint(in: directory) { throw ExampleError.runExists(directory.path) }
    let training = try TrainingRun(run, runDirectory: directory, registry: registry)
    try run.save(to: directory.appendingPathComponent("run.json"))
    print("TD-MPC2 (\(training.agent.model.parameterCount) parameters): \(steps) steps, \(run.trainer.seedSteps ?? 0) of them random, run directory \(directory.path)")
    var recent: [Double] = []
    let summary = try training.trainer.run { event in
        switch event {
        case let .episode(step, index, episodeReturn, _, _):
            recent.append(episodeReturn)
            if recent.count == 5 {
                print(String(format: "  step %5d: episodes %d-%d, mean return %.2f", step, index - 4, index, recent.reduce(0, +) / 5))
                recent.removeAll()
            }
        case .evaluation(let e):
            print(String(format: "  step %5d: evaluation return %.2f (random agent %.2f)", e.step, e.meanReturn, randomMean))
        default: break
        }
        fflush(nil)
    }
    let final = summary.finalEvaluationReturn ?? .nan
    print(String(format: "trained in %.0f s: evaluation return %.2f against the random agent's %.2f (%@)", summary.wallClockSeconds, final, randomMean,
                 final > randomMean ? "better" : "not better yet; train longer with --steps"))
} catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    exit(1)
}

enum ExampleError: Error, CustomStringConvertible {
    case checkFailed, badOption(String), runExists(String)

    var description: String {
        switch self {
        case .checkFailed: "checkEnvironment found failures"
        case .badOption(let text): "\(text): expected a whole number >= 1"
        case .runExists(let path): "\(path) already holds a run; choose another --run-dir"
        }
    }
}
