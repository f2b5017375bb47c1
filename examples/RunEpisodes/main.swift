// Foresight — examples/RunEpisodes
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// Runs episodes on any registered environment and prints their returns: with the agent of a training run
// (`--run-dir` holding a checkpoint), with an agent trained here first (`--train-steps N`), or with uniformly
// random actions (`--policy random`, the baseline every trained agent should beat).
//
// Usage:
//   RunEpisodes --env ID [--run-dir DIR] [--config FILE] [--train-steps N] [--policy agent|random]
//               [--episodes N] [--seed S] [--verbose]
//
//   RunEpisodes --env CartPole-v1 --policy random --episodes 5
//   RunEpisodes --env Pendulum-v1 --train-steps 2000 --run-dir runs/pendulum-short
//   RunEpisodes --run-dir runs/pendulum --episodes 10 --verbose       (environment read from run.json)

import Foundation
import ForesightKit

struct Options {
    var environment: String?
    var runDirectory: String?
    var configPath: String?
    var trainSteps: Int?
    var randomPolicy = false
    var episodes = 5
    var seed: UInt64 = 0
    var verbose = false
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("RunEpisodes: \(message)\n".utf8))
    exit(2)
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var i = 0
    func value(_ flag: String) -> String {
        i += 1
        guard i < arguments.count else { fail("\(flag) needs a value") }
        return arguments[i]
    }
    func integer(_ flag: String, minimum: Int) -> Int {
        let text = value(flag)
        guard let n = Int(text), n >= minimum else { fail("\(flag) expects an integer >= \(minimum), got '\(text)'") }
        return n
    }
    while i < arguments.count {
        switch arguments[i] {
        case "--env": options.environment = value("--env")
        case "--run-dir": options.runDirectory = value("--run-dir")
        case "--config": options.configPath = value("--config")
        case "--train-steps": options.trainSteps = integer("--train-steps", minimum: 1)
        case "--episodes": options.episodes = integer("--episodes", minimum: 1)
        case "--seed": options.seed = UInt64(integer("--seed", minimum: 0))
        case "--verbose": options.verbose = true
        case "--policy":
            let policy = value("--policy")
            guard ["agent", "random"].contains(policy) else { fail("--policy expects 'agent' or 'random', got '\(policy)'") }
            options.randomPolicy = policy == "random"
        case "-h", "--help":
            print("""
            usage: RunEpisodes --env ID [--run-dir DIR] [--config FILE] [--train-steps N] [--policy agent|random]
                               [--episodes N] [--seed S] [--verbose]
              --run-dir DIR      a `foresight train` run directory: its last checkpoint is loaded (with --train-steps,
                                 the directory the new run is written to)
              --config FILE      run configuration JSON for --train-steps (as `foresight train --config`)
              --train-steps N    train a new agent for N environment steps first
              --policy random    uniformly random actions instead of an agent
              --verbose          print each episode's end: terminated or truncated, the last info and (when small) observation
            """)
            exit(0)
        default: fail("unknown argument '\(arguments[i])' (see --help)")
        }
        i += 1
    }
    return options
}

/// Chooses actions: the trained agent in evaluation mode, or uniform random actions.
enum Policy {
    case agent(TDMPC2Agent, ActionAdapter)
    case random(SeededGenerator)
}

let options = parse(Array(CommandLine.arguments.dropFirst()))
BLAS.setThreadCount(1)

do {
    var policy: Policy
    var environmentID: String
    var environmentOptions = EnvironmentOptions()
    if options.randomPolicy {
        guard let id = options.environment else { fail("--policy random needs --env ID") }
        environmentID = id
        policy = .random(SeededGenerator(seed: options.seed &+ 0x5EED))
    } else if let steps = options.trainSteps {
        var run: RunConfiguration
        if let path = options.configPath {
            run = try RunConfiguration.load(from: URL(fileURLWithPath: path))
            if let id = options.environment { run.environment = id }
        } else {
            guard let id = options.environment else { fail("--train-steps needs --env ID or --config FILE") }
            run = RunConfiguration(environment: id)
        }
        run.trainer.steps = steps
        run.trainer.seed = options.seed
        let directory = URL(fileURLWithPath: options.runDirectory ?? "runs/run-episodes-\(run.environment)")
        if Trainer.hasCheckpoint(in: directory) { fail("\(directory.path) already holds a run; choose another --run-dir") }
        let setup = try TrainingRun(run, runDirectory: directory)
        try run.save(to: directory.appendingPathComponent("run.json"))
        print("Training on \(run.environment) for \(steps) steps (model size \(run.modelSize), \(setup.agent.model.parameterCount) parameters)...")
        let summary = try setup.trainer.run { event in
            if case .evaluation(let e) = event { print("  step \(e.step): evaluation return \(String(format: "%.2f", e.meanReturn))"); fflush(nil) }
        }
        print(String(format: "Trained in %.0f s (%.1f steps/s); run directory %@", summary.wallClockSeconds, summary.stepsPerSecond, directory.path))
        environmentID = run.environment
        environmentOptions = run.parsedOptions
        policy = .agent(setup.agent, setup.trainer.adapter)
    } else {
        guard let path = options.runDirectory else { fail("give --run-dir DIR (a trained run), --train-steps N, or --policy random") }
        let directory = URL(fileURLWithPath: path)
        let run = try RunConfiguration.load(from: directory.appendingPathComponent("run.json"))
        if let id = options.environment, id != run.environment { fail("--env \(id) differs from the run's environment \(run.environment)") }
        guard Trainer.hasCheckpoint(in: directory) else { fail("\(directory.path) has no checkpoint") }
        let setup = try TrainingRun(run, runDirectory: directory)
        try setup.trainer.loadCheckpoint()   // leaves the run's logs alone (the run may still be training)
        print("Loaded the agent of \(directory.path) (\(run.environment), step \(setup.trainer.currentStep)).")
        environmentID = run.environment
        environmentOptions = run.parsedOptions
        policy = .agent(setup.agent, setup.trainer.adapter)
    }

    var environment = try EnvironmentRegistry.standard.make(environmentID, options: environmentOptions)
    var returns: [Double] = []
    for k in 0..<options.episodes {
        var (observation, _) = try environment.reset(seed: options.seed &+ UInt64(k), options: [:])
        var total = 0.0, length = 0, last: (terminated: Bool, truncated: Bool, info: [String: Double]) = (false, false, [:])
        while true {
            let action: Tensor
            switch policy {
            case .agent(let agent, let adapter):
                action = adapter.environmentAction(agent.act(observation, isFirstStep: length == 0, mode: .evaluate))
            case .random(var generator):
                action = environment.actionSpace.sample(using: &generator)
                policy = .random(generator)
            }
            let step = try environment.step(action)
            total += Double(step.reward)
            length += 1
            observation = step.observation
            if step.isLast { last = (step.isTerminated, step.isTruncated, step.info); break }
        }
        returns.append(total)
        var line = "episode \(k): return \(String(format: "%.2f", total)), length \(length)"
        if let success = last.info["success"] { line += ", success \(success == 1 ? "yes" : "no")" }
        if options.verbose {
            line += last.terminated ? ", terminated" : ", truncated"
            if !last.info.isEmpty {
                line += ", info {" + last.info.sorted { $0.key < $1.key }.map { "\($0.key): \(String(format: "%g", $0.value))" }.joined(separator: ", ") + "}"
            }
            if observation.count <= 32 {
                line += ", last observation [" + observation.scalars.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "]"
            }
        }
        print(line)
    }
    let mean = returns.reduce(0, +) / Double(returns.count)
    let deviation = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
    print(String(format: "mean return %.2f ± %.2f over %d episodes on %@ (%@)", mean, deviation, returns.count, environmentID,
                 options.randomPolicy ? "random actions" : "agent, evaluation mode"))
} catch {
    fail("\(error)")
}
