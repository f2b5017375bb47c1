// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight evaluate`: evaluation episodes with a trained run's last checkpoint.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate the last checkpoint of a training run (prints and writes evaluation.json; on the counting tasks also control.json against the oracle and, from pixels, representation.json). Never writes into the run's logs, so a run that is still training can be evaluated.")

    @Option(name: .customLong("run-dir"), help: "The run directory written by `foresight train`.") var runDir: String
    @Option(name: .customLong("output"), help: "Write evaluation.json (and control.json, representation.json) into this directory (created if missing) instead of the run directory.")
    var output: String?
    @Option(parsing: .unconditional, help: "Evaluation episodes.") var episodes = 10
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads = 1
    @Option(name: .customLong("planner-samples"), parsing: .unconditional, help: "Plan the evaluation actions with this many samples per iteration (default: the run's evaluation planner).")
    var plannerSamples: Int?
    @Option(name: .customLong("planner-elites"), parsing: .unconditional, help: "Elites of the evaluation planner (default: the run's evaluation planner).") var plannerElites: Int?
    @Option(name: .customLong("planner-iterations"), parsing: .unconditional, help: "Iterations of the evaluation planner (default: the run's evaluation planner).") var plannerIterations: Int?
    @Option(name: .customLong("planner-horizon"), parsing: .unconditional, help: "Planning horizon of the evaluation planner (default: the training horizon).")
    var plannerHorizon: Int?
    @Flag(name: .customLong("trained-weights"), help: "Plan with the last update's weights even when the run evaluates with averaged weights (evaluationAverageRate).")
    var trainedWeights = false
    @Flag(name: .customLong("no-representation"), help: "On the counting tasks, skip the representation metrics (representation.json: the study's nearest-centroid count accuracy, clusters and linear probes of the encoder's latents).")
    var noRepresentation = false

    func validate() throws {
        try requireAtLeast([("--episodes", episodes, 1), ("--threads", threads, 1)])
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let directory = URL(fileURLWithPath: runDir)
        let outputDirectory = output.map { URL(fileURLWithPath: $0) } ?? directory
        var unwritten: [String] = []
        /// Writes one result file; a file that cannot be written (a read-only run directory) is reported at the end,
        /// after every result has been printed.
        func save(_ value: some Encodable, as name: String) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let url = outputDirectory.appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
                try encoder.encode(value).write(to: url, options: .atomic)
            } catch {
                unwritten.append("\(url.path): \(error.localizedDescription)")
            }
        }
        do {   // errors end the command (exit code 1, see CommandFailure.swift)
            let run = try RunConfiguration.load(from: directory.appendingPathComponent("run.json"))
            guard Trainer.hasCheckpoint(in: directory) else { throw CommandFailure("\(directory.path) has no checkpoint to evaluate (checkpoint/trainer.json): the run stopped before its first checkpoint") }
            let setup = try TrainingRun(run, runDirectory: directory)
            try setup.trainer.loadCheckpoint()   // the run's logs are left alone
            if trainedWeights {
                guard setup.agent.averagedModel != nil else {
                    throw CommandFailure("--trained-weights: this run does not average weights (no evaluationAverageRate), so it evaluates with its trained weights already")
                }
                setup.agent.evaluatesWithAverage = false
            }
            if plannerSamples != nil || plannerElites != nil || plannerIterations != nil || plannerHorizon != nil {
                let planner = setup.agent.evaluationPlanner?.configuration ?? setup.agent.planner.configuration
                let evaluationPlanner = planner.overriding(iterations: plannerIterations, sampleCount: plannerSamples, eliteCount: plannerElites, horizon: plannerHorizon)
                do { try setup.agent.setEvaluationPlanner(evaluationPlanner) } catch let ConfigurationError.invalidValue(key, value, expected) {
                    // In the command line's words: the option, its value and the value the range depends on.
                    let options = ["sampleCount": "--planner-samples", "eliteCount": "--planner-elites", "iterations": "--planner-iterations", "horizon": "--planner-horizon"]
                    let option = key.split(separator: ".").last.flatMap { options[String($0)] }
                    throw CommandFailure("\(option ?? key) \(value) (\(key)): expected "
                                         + expected.replacingOccurrences(of: "sampleCount", with: "the samples per iteration (\(evaluationPlanner.sampleCount))"))
                }
            }
            let result = try setup.trainer.evaluate(episodes: episodes, index: 1_000_000)
            for (i, r) in result.returns.enumerated() { print("episode \(i): return \(String(format: "%.4f", r))") }
            print("mean return \(String(format: "%.4f", result.meanReturn)) over \(episodes) episodes, mean length \(String(format: "%.1f", result.meanLength))"
                  + (result.successRate.map { ", success rate \(String(format: "%.2f", $0))" } ?? ""))
            save(result, as: "evaluation.json")
            // The counting tasks have an oracle: compare success and steps to the target on the same start counts.
            if CountingTask(rawValue: run.environment) != nil, run.environmentOptions.isEmpty {
                let rounds = Swift.max(episodes, 9)
                let scores = try ControlScores.measure(agent: setup.agent, environment: run.environment, episodes: rounds, seed: 7_000_000)
                func steps(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
                var line = String(format: "against the oracle over %d episodes (start counts 0-8): success %.2f (oracle %.2f), return %.2f (oracle %.2f), steps to target %@ (oracle %@)",
                                  rounds, scores.successRate, scores.oracleSuccessRate, scores.meanReturn, scores.oracleMeanReturn,
                                  steps(scores.meanStepsToTarget), steps(scores.oracleMeanStepsToTarget))
                if let excess = scores.stepsToTargetExcess { line += String(format: ", %+.1f%%", 100 * excess) }
                print(line)
                for start in scores.byStartCount ?? [] {
                    print(String(format: "  start count %d: success %.2f, steps to target %@ (oracle %@), final counts %@", start.startCount,
                                 start.successRate, steps(start.meanStepsToTarget), steps(start.oracleMeanStepsToTarget),
                                 start.finalCounts.map(String.init).joined(separator: " ")))
                }
                if let failures = scores.failures, !failures.isEmpty {
                    print("  failures (start -> final, shape, brightness):"
                          + failures.map { String(format: " %d->%d %@ %.2f", $0.startCount, $0.finalCount, $0.shape ?? "-", $0.brightness ?? .nan) }.joined(separator: ","))
                    if let b = scores.successMeanBrightness { print(String(format: "  successful episodes' mean brightness %.2f", b)) }
                }
                save(scores, as: "control.json")
                // What the encoder learned: the study's representation metrics on the agent that plans.
                if setup.agent.configuration.isPixel, !noRepresentation {
                    let r = try AgentRepresentation.measure(agent: setup.agent)
                    let m = r.representation, p = r.probes
                    print(String(format: "representation (%@ weights, %d held-out images): count accuracy %.3f (nearest centroid), %d clusters (%.2f of the images), within/between %.3f, RankMe %.1f",
                                 r.weights, r.probeImages, m.countAccuracy, m.clusters, m.clusteredFraction, m.withinBetweenRatio, m.rankme))
                    print(String(format: "  linear probes: count %.3f, shape %.3f, colour %.3f (R² %.2f), position R² %.2f",
                                 p.countAccuracy, p.shapeAccuracy, p.colourAccuracy, p.colourR2, p.positionR2))
                    save(r, as: "representation.json")
                }
            }
        }
        if !unwritten.isEmpty {
            // The evaluation itself succeeded and is printed above; only saving it failed.
            FileHandle.standardError.write(Data(("could not write the results printed above (pass --output DIR to write them elsewhere):\n"
                                                 + unwritten.map { "  \($0)\n" }.joined()).utf8))
        }
    }
}
