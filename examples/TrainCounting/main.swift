// Foresight — examples/TrainCounting
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// The main job: trains a TD-MPC2 agent on the P-JEPA counting environment (Counting-v0: 64x64 images of
// 0-8 objects, a sign action adds or removes one, reward 1 and termination when the count is 4), then
// reports what it learned: control against a random policy and the oracle, and what the encoder kept
// (count accuracy of nearest count centroids on held-out images).
//
// Usage: TrainCounting [CONFIG.json] [RUN_DIR]

import Foundation
import ForesightKit

let arguments = CommandLine.arguments.dropFirst()
let configPath = arguments.first ?? "examples/configs/counting-quick.json"
let runDirectory = URL(fileURLWithPath: arguments.dropFirst().first ?? "runs/counting-quick")

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("TrainCounting: \(message)\n".utf8))
    exit(1)
}

do {
    BLAS.setThreadCount(1)
    let run = try RunConfiguration.load(from: URL(fileURLWithPath: configPath))
    try? FileManager.default.removeItem(at: runDirectory)
    let setup = try TrainingRun(run, runDirectory: runDirectory)
    try run.save(to: runDirectory.appendingPathComponent("run.json"))
    print("Training TD-MPC2 (model size \(run.modelSize), \(setup.agent.model.parameterCount) parameters) on \(run.environment) for \(run.trainer.steps) steps, aux \(run.aux)...")
    let summary = try setup.trainer.run { event in
        switch event {
        case .pretraining(let n): print("  seed data collected; pretraining with \(n) updates")
        case .evaluation(let e):
            print("  step \(e.step): evaluation return \(String(format: "%.2f", e.meanReturn)), success \(String(format: "%.2f", e.successRate ?? 0))"
                  + (e.probe?["count_accuracy"].map { ", encoder count accuracy \(String(format: "%.2f", $0))" } ?? ""))
        default: break
        }
        fflush(nil)
    }
    print(String(format: "Trained in %.0f s (%.1f steps/s, %d updates).", summary.wallClockSeconds, summary.stepsPerSecond, summary.updates))

    // Control: the trained agent against a random policy and the oracle, on the same start counts.
    let episodes = 99
    let agentScores = try ControlScores.measure(agent: setup.agent, environment: run.environment, episodes: episodes, seed: 7_000_000)
    var random = SeededGenerator(seed: 99)
    var environment = try EnvironmentRegistry.standard.make(run.environment, options: run.parsedOptions)
    var randomReturn = 0.0, randomSuccesses = 0
    for k in 0..<episodes {
        _ = try environment.reset(seed: UInt64(k), options: ["count": .number(Double(k % 9))])
        var done = false, last: [String: Double] = [:]
        while !done {
            let step = try environment.step(environment.actionSpace.sample(using: &random))
            randomReturn += Double(step.reward)
            last = step.info
            done = step.isLast
        }
        if last["success"] == 1 { randomSuccesses += 1 }
    }
    func steps(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
    print("")
    print("What it learned: control on \(run.environment) over \(episodes) episodes (start counts 0-8, evaluation mode)")
    print(String(format: "  agent  : success rate %.2f, mean return %.2f, steps to 4 objects %@", agentScores.successRate, agentScores.meanReturn, steps(agentScores.meanStepsToTarget)))
    print(String(format: "  random : success rate %.2f, mean return %.2f", Double(randomSuccesses) / Double(episodes), randomReturn / Double(episodes)))
    print(String(format: "  oracle : success rate %.2f, mean return %.2f, steps to 4 objects %@", agentScores.oracleSuccessRate, agentScores.oracleMeanReturn, steps(agentScores.oracleMeanStepsToTarget)))
    if let excess = agentScores.stepsToTargetExcess {
        print(String(format: "  steps to target: %.1f%% above the optimum", 100 * excess))
    }

    // Representation: do latents group by object count? Nearest-centroid accuracy on held-out images.
    let probe = try CountingDataset.generate(sampleCount: 900, seed: 12345)
    let latents = withoutGradients { setup.agent.model.encoder(probe.observations) }
    let d = latents.shape[1]
    var centroids = [[Double]](repeating: [Double](repeating: 0, count: d), count: 9)
    var sizes = [Int](repeating: 0, count: 9)
    for (i, c) in probe.counts.enumerated() {
        sizes[c] += 1
        for j in 0..<d { centroids[c][j] += Double(latents.scalars[i * d + j]) }
    }
    for c in 0..<9 where sizes[c] > 0 { for j in 0..<d { centroids[c][j] /= Double(sizes[c]) } }
    var correct = 0
    for (i, c) in probe.counts.enumerated() {
        var best = 0, bestDistance = Double.infinity
        for k in 0..<9 where sizes[k] > 0 {
            var dist = 0.0
            for j in 0..<d { let x = Double(latents.scalars[i * d + j]) - centroids[k][j]; dist += x * x }
            if dist < bestDistance { bestDistance = dist; best = k }
        }
        if best == c { correct += 1 }
    }
    print("What the encoder kept: nearest-count-centroid accuracy \(String(format: "%.2f", Double(correct) / Double(probe.sampleCount))) on \(probe.sampleCount) held-out images (chance 0.11)")
    print("Run directory: \(runDirectory.path) (summary.json, learning_curve.svg, logs, checkpoint)")
} catch {
    fail("\(error)")
}
