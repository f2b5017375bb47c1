// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight train`: online TD-MPC2 training with evaluation, logs, checkpoints and resume.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a TD-MPC2 agent online on an environment.",
        usage: """
        foresight train --env <env> [<options>]
        foresight train --config <file> [<options>]
        foresight train --run-dir <dir> --resume [--steps <steps>] [--threads <threads>]
        """,
        discussion: """
        Writes into the run directory: run.json (the configuration), updates/episodes/evaluations as CSV and \
        JSON lines, learning_curve.svg, checkpoint/ (agent, replay buffer, trainer state; written atomically) \
        and summary.json. --resume continues a stopped run from its last checkpoint; with the same seed and \
        one OpenBLAS thread the result equals an uninterrupted run. Options left out take their value from \
        --config, else the defaults shown.
        """)

    /// The defaults a run configuration starts from (shown in `--help`).
    static let defaults = RunConfiguration(environment: "")
    static let agentDefaults = TDMPC2Configuration(observationShape: [1], actionDimensions: 1, modelSize: .m1)

    @Option(help: "Environment id (see `foresight envs`); this or --config is required.") var env: String?
    @Option(help: "Which heads shape the encoder: reward, q, reward+q, none, random, reward+q+random, current-reward, joint-reward, reward-only, transition-only (default: \(Train.defaults.aux)).")
    var aux: String?
    @Option(name: .customLong("model-size"), parsing: .unconditional, help: "TD-MPC2 model-size preset: 1, 5, 19, 48 or 317 (millions of parameters; default: \(Train.defaults.modelSize)).") var modelSize: Int?
    @Option(parsing: .unconditional, help: "Environment steps to train for (default: \(Train.defaults.trainer.steps)).") var steps: Int?
    @Option(parsing: .unconditional, help: "Random seed (environment episodes, initialization, updates, planning; default: \(Train.defaults.trainer.seed)).", transform: seedArgument)
    var seed: UInt64?
    @Option(name: .customLong("run-dir"), help: "Run directory (default: runs/<env>-<seed>).") var runDir: String?
    @Option(help: "A JSON run configuration (see README); command-line options override it.") var config: String?
    @Flag(help: "Continue the run in --run-dir from its last checkpoint.") var resume = false
    @Option(name: .customLong("seed-steps"), parsing: .unconditional, help: "Random-action steps before the agent acts (default: TD-MPC2's max(1000, 5 x episode length), at most half the run).")
    var seedSteps: Int?
    @Option(name: .customLong("eval-interval"), parsing: .unconditional, help: "Evaluate every N environment steps (default: \(Train.defaults.trainer.evaluationInterval)).") var evalInterval: Int?
    @Option(name: .customLong("eval-episodes"), parsing: .unconditional, help: "Episodes per evaluation (default: \(Train.defaults.trainer.evaluationEpisodes)).") var evalEpisodes: Int?
    @Option(name: .customLong("target-return"), parsing: .unconditional, help: "Stop once an evaluation's mean return reaches this (summary.json records the step; default: none).")
    var targetReturn: Double?
    @Option(name: .customLong("checkpoint-interval"), parsing: .unconditional, help: "Checkpoint every N environment steps, at episode ends (default: \(Train.defaults.trainer.checkpointInterval)).") var checkpointInterval: Int?
    @Option(parsing: .unconditional, help: "Training and planning horizon (default: \(Train.agentDefaults.horizon)).") var horizon: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Update batch size (default: \(Train.agentDefaults.batchSize)).") var batchSize: Int?
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 1
    @Flag(name: .customLong("no-progress"), help: "Plain log lines even on a terminal.") var noProgress = false

    func validate() throws {
        try requireAtLeast([("--steps", steps, 1), ("--seed-steps", seedSteps, 0), ("--eval-interval", evalInterval, 1),
                            ("--eval-episodes", evalEpisodes, 1), ("--checkpoint-interval", checkpointInterval, 1), ("--horizon", horizon, 1),
                            ("--batch-size", batchSize, 1), ("--threads", threads, 1)])
        if let targetReturn, !targetReturn.isFinite { throw ValidationError("--target-return must be a finite number, got \(targetReturn)") }
        if resume {
            guard runDir != nil else { throw ValidationError("--resume needs --run-dir (the run to continue)") }
        } else if env == nil && config == nil {
            throw ValidationError("--env or --config is required (see `foresight envs` for the ids)")
        }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        var run: RunConfiguration
        var directory: URL
        if resume {
            directory = URL(fileURLWithPath: runDir ?? ".")
            run = try RunConfiguration.load(from: directory.appendingPathComponent("run.json"))
            if let steps { run.trainer.steps = steps }
        } else {
            if let config { run = try RunConfiguration.load(from: URL(fileURLWithPath: config)) } else {
                run = RunConfiguration(environment: env ?? "")
            }
            if let env { run.environment = env }
            if let aux { run.aux = aux }
            if let modelSize { run.modelSize = modelSize }
            if let steps { run.trainer.steps = steps }
            if let seed { run.trainer.seed = seed }
            if let seedSteps { run.trainer.seedSteps = seedSteps }
            if let evalInterval { run.trainer.evaluationInterval = evalInterval }
            if let evalEpisodes { run.trainer.evaluationEpisodes = evalEpisodes }
            if let checkpointInterval { run.trainer.checkpointInterval = checkpointInterval }
            if let targetReturn { run.trainer.targetReturn = targetReturn }
            if let horizon { run.agent.horizon = horizon }
            if let batchSize { run.agent.batchSize = batchSize }
            directory = URL(fileURLWithPath: runDir ?? "runs/\(run.environment)-\(run.trainer.seed)")
            if Trainer.hasCheckpoint(in: directory) {
                throw CommandFailure("\(directory.path) already holds a run; use --resume to continue it or choose another --run-dir")
            }
        }
        let setup = try TrainingRun(run, runDirectory: directory)
        if resume {
            try setup.trainer.resume()
            if let steps {
                guard steps >= setup.trainer.completedSteps else {
                    throw CommandFailure("--steps \(steps) is below the \(setup.trainer.completedSteps) steps this run has completed")
                }
                try run.save(to: directory.appendingPathComponent("run.json"))   // atomically: the old or the new file
            }
        } else {
            // Logs without a checkpoint are a run stopped before its first checkpoint: appending would repeat its rows.
            try setup.trainer.refuseStaleLogs()
            try run.save(to: directory.appendingPathComponent("run.json"))
        }
        let progress = ProgressReporter(TrainingProgress(totalSteps: run.trainer.steps, seedSteps: run.trainer.effectiveSeedSteps(episodeLength: setup.trainer.episodeLength),
                                                         evaluationInterval: run.trainer.evaluationInterval, evaluationEpisodes: run.trainer.evaluationEpisodes,
                                                         startStep: setup.trainer.completedSteps),
                                        interactive: !noProgress && isatty(1) == 1)
        print("foresight train: \(run.environment), model size \(run.modelSize) (\(setup.agent.model.parameterCount) parameters), aux \(run.aux), seed \(run.trainer.seed), \(run.trainer.steps) steps, run dir \(directory.path)")
        fflush(nil)
        let summary = try setup.trainer.run { progress.handle($0) }
        progress.finish()
        print("done: \(summary.steps) steps, \(summary.updates) updates, \(summary.episodes) episodes in \(String(format: "%.1f", summary.wallClockSeconds)) s (\(String(format: "%.1f", summary.stepsPerSecond)) steps/s)")
        if let step = summary.targetReachedStep { print("target return reached at step \(step)") }
        if let r = summary.finalEvaluationReturn {
            print("final evaluation return \(String(format: "%.3f", r)), best \(String(format: "%.3f", summary.bestEvaluationReturn ?? r))"
                  + (summary.successRate.map { ", success rate \(String(format: "%.2f", $0))" } ?? ""))
        }
        print("summary: \(directory.appendingPathComponent("summary.json").path)")
    }
}
