// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import ForesightKit
import Testing

/// End-to-end tests of the `foresight` executable built next to the test bundle.
@Suite(.serialized) struct CLITests {
    struct Result { var status: Int32; var output: String; var error: String }

    static var executable: URL { product("foresight") }

    /// An executable product built next to the test bundle.
    static func product(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    static func run(_ arguments: [String], product name: String = "foresight") throws -> Result {
        let process = Process()
        process.executableURL = product(name)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile(), errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self), error: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("foresight-cli-\(UUID().uuidString)") }

    @Test func helpListsEverySubcommandAndTrainOption() throws {
        try #require(FileManager.default.fileExists(atPath: Self.executable.path), "build the foresight executable first (swift build)")
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        for command in ["train", "evaluate", "envs", "rollout", "bench"] { #expect(help.output.contains(command), "help lacks \(command)") }
        let train = try Self.run(["train", "--help"])
        for option in ["--env", "--aux", "--model-size", "--steps", "--seed", "--run-dir", "--config", "--resume"] {
            #expect(train.output.contains(option), "train --help lacks \(option)")
        }
    }

    /// `bench tdmpc2 --json`: one JSON object with the figures the comparison script reads, all positive, and
    /// the executed FLOPs within 5 % of the analytic count.
    @Test func benchTDMPC2PrintsOneJSONObject() throws {
        let r = try Self.run(["bench", "tdmpc2", "--model-size", "1", "--update-iterations", "1", "--act-iterations", "1",
                              "--warmup", "0", "--json"])
        #expect(r.status == 0, "\(r.error)")
        let line = try #require(r.output.split(separator: "\n").last { $0.hasPrefix("{") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for key in ["update_ms", "act_ms", "act_explore_ms", "act_eval_ms", "update_gflops", "act_gflops", "sgemm_gflops",
                    "openblas_sgemm_1t_gflops", "openblas_sgemm_gflops", "update_gflop", "act_gflop"] {
            let value = try #require(object[key] as? Double, "missing \(key)")
            #expect(value > 0 && value.isFinite, "\(key) = \(value)")
        }
        let (executed, estimate) = (object["update_gflop"] as? Double ?? 0, object["update_gflop_estimate"] as? Double ?? 1)
        #expect(Swift.abs(executed / estimate - 1) < 0.05, "update: executed \(executed) GFLOP, estimate \(estimate)")
    }

    /// `bench vector --json`: one JSON object per environment count, with positive rates.
    @Test func benchVectorPrintsOneObjectPerCount() throws {
        let r = try Self.run(["bench", "vector", "--counts", "1,2", "--iterations", "1", "--warmup", "0", "--json"])
        #expect(r.status == 0, "\(r.error)")
        let objects = try r.output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.compactMap { $0["environments"] as? Int } == [1, 2])
        for object in objects {
            for key in ["step_ms", "step_cpu_ms", "env_steps_per_second", "env_steps_per_cpu_second", "plan_gflops"] {
                let value = try #require(object[key] as? Double, "missing \(key)")
                #expect(value > 0 && value.isFinite, "\(key) = \(value)")
            }
        }
        let discrete = try Self.run(["bench", "vector", "--env", "CartPole-v1", "--counts", "1", "--iterations", "1"])
        #expect(discrete.status != 0 && discrete.error.contains("CartPole-v1") && discrete.error.contains("continuous"), "\(discrete.error)")
    }

    @Test func unknownEnvironmentSuggestsTheClosestId() throws {
        let r = try Self.run(["train", "--env", "CartPole-v2", "--run-dir", Self.temporaryDirectory().path])
        #expect(r.status != 0)
        #expect(r.error.contains("CartPole-v2") && r.error.contains("CartPole-v1"), "\(r.error)")
    }

    @Test func malformedConfigurationIsNamed() throws {
        let dir = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json")
        try Data(#"{"environment": "Pendulum-v1", "trainer": {"steps": "many"}}"#.utf8).write(to: file)
        let r = try Self.run(["train", "--config", file.path, "--run-dir", dir.appendingPathComponent("run").path])
        #expect(r.status != 0 && r.error.contains("malformed run configuration") && r.error.contains("steps"), "\(r.error)")
        let badAux = try Self.run(["train", "--env", "Pendulum-v1", "--aux", "rewards", "--run-dir", dir.appendingPathComponent("run2").path])
        #expect(badAux.status != 0 && badAux.error.contains("rewards"), "\(badAux.error)")
    }

    /// Writes `json` as `config.json` in `dir`, trains it into `dir/run` and returns that run directory.
    static func trainSmallRun(_ json: String, in dir: URL) throws -> (config: URL, runDirectory: URL) {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("config.json")
        try Data(json.utf8).write(to: config)
        let runDir = dir.appendingPathComponent("run")
        let r = try run(["train", "--config", config.path, "--run-dir", runDir.path, "--no-progress"])
        #expect(r.status == 0, "\(r.error)")
        return (config, runDir)
    }

    /// A 200-step Pendulum-v1 run of a small agent (seconds); `agentSettings` adds agent keys (each followed by ", ").
    static func smallPendulumRun(agentSettings: String = "") -> String {
        """
        {"environment": "Pendulum-v1", "trainer": {"steps": 200, "seedSteps": 100, "pretrainingUpdates": 20, "evaluationInterval": 200,
         "evaluationEpisodes": 1, "checkpointInterval": 200, "seed": 4},
         "agent": {\(agentSettings)"batchSize": 16, "latentDimensions": 32, "mlpDimensions": 64, "encoderDimensions": 64,
                   "plannerSamples": 32, "plannerElites": 4, "plannerPolicyTrajectories": 4, "plannerIterations": 2}}
        """
    }

    @Test func trainTwoHundredStepsThenEvaluateAndResume() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (config, runDir) = try Self.trainSmallRun(Self.smallPendulumRun(), in: dir)
        let summaryData = try Data(contentsOf: runDir.appendingPathComponent("summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
        for key in ["environment", "seed", "steps", "finalEvaluationReturn", "bestEvaluationReturn", "wallClockSeconds", "stepsPerSecond"] {
            #expect(summary[key] != nil, "summary.json lacks \(key)")
        }
        #expect(summary["steps"] as? Int == 200 && summary["environment"] as? String == "Pendulum-v1")
        // A second train into the same directory is refused; --resume continues it.
        let again = try Self.run(["train", "--config", config.path, "--run-dir", runDir.path])
        #expect(again.status != 0 && again.error.contains("--resume"))
        let resumed = try Self.run(["train", "--run-dir", runDir.path, "--resume", "--steps", "400", "--no-progress"])
        #expect(resumed.status == 0, "\(resumed.error)")
        let lines = try String(contentsOf: runDir.appendingPathComponent("episodes.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 2)  // header + two 200-step episodes
        let evaluation = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1"])
        #expect(evaluation.status == 0 && evaluation.output.contains("mean return"), "\(evaluation.error)")
        #expect(FileManager.default.fileExists(atPath: runDir.appendingPathComponent("evaluation.json").path))
        // A deeper evaluation plan runs; a depth of 0 is refused by name.
        let deeper = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1", "--planner-horizon", "5"])
        #expect(deeper.status == 0 && deeper.output.contains("mean return"), "\(deeper.error)")
        let flat = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1", "--planner-horizon", "0"])
        #expect(flat.status == 1 && flat.error.contains("--planner-horizon 0 (evaluationPlanner.horizon): expected >= 1"), "\(flat.error)")
        let elites = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1", "--planner-samples", "16", "--planner-elites", "20"])
        #expect(elites.status == 1 && elites.error.contains("--planner-elites 20 (evaluationPlanner.eliteCount): expected in [1, the samples per iteration (16)]"),
                "\(elites.error)")
        let notAveraged = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1", "--trained-weights"])
        #expect(notAveraged.status != 0 && notAveraged.error.contains("does not average weights"), "\(notAveraged.error)")
        // examples/RunEpisodes loads the same run and plays episodes with it.
        let episodes = try Self.run(["--run-dir", runDir.path, "--episodes", "2", "--verbose"], product: "RunEpisodes")
        #expect(episodes.status == 0, "\(episodes.error)")
        #expect(episodes.output.contains("step 400") && episodes.output.contains("episode 1: return") && episodes.output.contains("truncated"),
                "\(episodes.output)")
    }

    /// A run that evaluates with averaged weights resumes with them, and `evaluate --trained-weights` plans
    /// with the last update's weights instead (another return on the same episodes).
    @Test func averagedWeightsEvaluateAndResume() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, runDir) = try Self.trainSmallRun(Self.smallPendulumRun(agentSettings: #""evaluationAverageRate": 0.05, "#), in: dir)
        let resumed = try Self.run(["train", "--run-dir", runDir.path, "--resume", "--steps", "400", "--no-progress"])
        #expect(resumed.status == 0, "\(resumed.error)")
        func meanReturn(_ extra: [String]) throws -> String? {
            let r = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1"] + extra)
            #expect(r.status == 0, "\(r.error)")
            return r.output.split(separator: "\n").first { $0.hasPrefix("mean return") }.map(String.init)
        }
        let averaged = try #require(try meanReturn([])), trained = try #require(try meanReturn(["--trained-weights"]))
        #expect(averaged != trained)
    }

    @Test func evaluateOnACountingTaskComparesWithTheOracle() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, runDir) = try Self.trainSmallRun("""
        {"environment": "CountingHold-v0", "trainer": {"steps": 60, "seedSteps": 50, "pretrainingUpdates": 5, "evaluationInterval": 60,
         "evaluationEpisodes": 1, "checkpointInterval": 60, "seed": 2},
         "agent": {"batchSize": 4, "horizon": 1, "latentDimensions": 16, "mlpDimensions": 32, "encoderDimensions": 32, "pixelChannels": 4,
                   "plannerSamples": 16, "plannerElites": 4, "plannerPolicyTrajectories": 2, "plannerIterations": 1}}
        """, in: dir)
        // Training logged the encoder's representation at its evaluation (step 60), without changing the run.
        let curve = try String(contentsOf: runDir.appendingPathComponent("representation.csv"), encoding: .utf8).split(separator: "\n")
        #expect(curve.count == 2 && curve[0].hasPrefix("step,count_accuracy,clusters,") && curve[1].hasPrefix("60,"), "\(curve)")
        let unprobedDir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: unprobedDir) }
        let config = try String(contentsOf: dir.appendingPathComponent("config.json"), encoding: .utf8)
        let (_, unprobed) = try Self.trainSmallRun(config.replacingOccurrences(of: #"{"environment": "CountingHold-v0","#,
                                                                               with: #"{"environment": "CountingHold-v0", "representationProbe": false,"#), in: unprobedDir)
        #expect(!FileManager.default.fileExists(atPath: unprobed.appendingPathComponent("representation.csv").path))
        #expect(try Data(contentsOf: unprobed.appendingPathComponent("updates.csv")) == Data(contentsOf: runDir.appendingPathComponent("updates.csv")))
        #expect(try Data(contentsOf: unprobed.appendingPathComponent("evaluations.csv")) == Data(contentsOf: runDir.appendingPathComponent("evaluations.csv")))
        let evaluation = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "2"])
        #expect(evaluation.status == 0, "\(evaluation.error)")
        // Nine episodes (one per start count) against the oracle, whose success rate on CountingHold-v0 is 1.
        #expect(evaluation.output.contains("against the oracle over 9 episodes") && evaluation.output.contains("(oracle 1.00)"), "\(evaluation.output)")
        let control = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: runDir.appendingPathComponent("control.json"))) as? [String: Any])
        #expect(control["oracleSuccessRate"] as? Double == 1 && control["episodes"] as? Int == 9)
        // One row per start count: every episode ends at the count it reports, and success means ending at 4.
        let rows = try #require(control["byStartCount"] as? [[String: Any]])
        #expect(rows.map { $0["startCount"] as? Int } == (0...8).map { $0 })
        for row in rows {
            let finals = try #require(row["finalCounts"] as? [Int])
            #expect(finals.count == 1 && row["episodes"] as? Int == 1)
            #expect(row["successRate"] as? Double == (finals == [4] ? 1 : 0), "\(row)")
            #expect(evaluation.output.contains("start count \(row["startCount"] as? Int ?? -1): success"))
        }
        let overall = rows.compactMap { $0["successRate"] as? Double }.reduce(0, +) / 9
        #expect(Swift.abs(overall - (control["successRate"] as? Double ?? -1)) < 1e-9)
        // Every failed episode is listed with its scene's shape and colour brightness (the counting colours span
        // channels 30-225, so a brightness in [0.11, 0.89]).
        let failures = try #require(control["failures"] as? [[String: Any]])
        let failedRows = rows.filter { ($0["finalCounts"] as? [Int]) != [4] }
        #expect(failures.map { $0["startCount"] as? Int } == failedRows.map { $0["startCount"] as? Int })
        #expect(failures.map { $0["finalCount"] as? Int } == failedRows.map { ($0["finalCounts"] as? [Int])?.first })
        for f in failures {
            #expect(["circle", "square", "triangle", "line"].contains(f["shape"] as? String ?? "?"), "\(f)")
            let b = try #require(f["brightness"] as? Double)
            #expect(b > 0.11 && b < 0.89, "\(f)")
        }
        #expect(failures.isEmpty || evaluation.output.contains("failures (start -> final, shape, brightness)"))
        // From pixels, the encoder's representation on the study's probe images (representation.json).
        let representationFile = runDir.appendingPathComponent("representation.json")
        let representation = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: representationFile)) as? [String: Any])
        #expect(representation["weights"] as? String == "trained" && representation["probeImages"] as? Int == 1080)
        let scores = try #require(representation["representation"] as? [String: Any])
        let accuracy = try #require(scores["countAccuracy"] as? Double)
        #expect(accuracy >= 0 && accuracy <= 1)
        #expect(evaluation.output.contains("representation (trained weights, 1080 held-out images): count accuracy \(String(format: "%.3f", accuracy))"))
        #expect(evaluation.output.contains("linear probes: count"))
        try FileManager.default.removeItem(at: representationFile)
        let without = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1", "--no-representation"])
        #expect(without.status == 0 && !without.output.contains("representation ("), "\(without.output)")
        #expect(!FileManager.default.fileExists(atPath: representationFile.path))
    }

    /// Evaluation never writes into a run's logs (a run still training keeps rows written after its last checkpoint),
    /// still reports when it cannot write its results, and writes them elsewhere with --output. `--resume --steps`
    /// records the new step count in run.json. A checkpoint with a bad value is refused with the file, the field and
    /// the value (exit code below 128) and left as it was, and a new run into a directory with the logs of a run
    /// stopped before its first checkpoint is refused.
    @Test func evaluateLeavesTheRunAloneAndResumeRecordsItsSteps() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (config, runDir) = try Self.trainSmallRun(Self.smallPendulumRun(), in: dir)
        let episodes = runDir.appendingPathComponent("episodes.csv")
        let resumed = try Self.run(["train", "--run-dir", runDir.path, "--resume", "--steps", "400", "--no-progress"])
        #expect(resumed.status == 0, "\(resumed.error)")
        let run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: runDir.appendingPathComponent("run.json"))) as? [String: Any])
        #expect((run["trainer"] as? [String: Any])?["steps"] as? Int == 400)
        // A row written after the last checkpoint by a training that is still running.
        let handle = try FileHandle(forWritingTo: episodes)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("450,2,-1000,50,\n".utf8))
        try handle.close()
        let logs = try Data(contentsOf: episodes)
        let evaluation = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1"])
        #expect(evaluation.status == 0 && evaluation.output.contains("mean return"), "\(evaluation.error)")
        #expect(try Data(contentsOf: episodes) == logs)
        // Results that cannot be written (here evaluation.json is a directory) are printed and the failure reported.
        let results = runDir.appendingPathComponent("evaluation.json")
        try? FileManager.default.removeItem(at: results)
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        let unwritable = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1"])
        #expect(unwritable.status == 0 && unwritable.output.contains("mean return") && unwritable.error.contains("could not write"), "\(unwritable.error)")
        let elsewhere = dir.appendingPathComponent("elsewhere")
        let moved = try Self.run(["evaluate", "--run-dir", runDir.path, "--episodes", "1", "--output", elsewhere.path])
        #expect(moved.status == 0 && FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("evaluation.json").path), "\(moved.error)")
        // A NaN Adam step count: refused by evaluate and --resume by file, field and value; nothing changes.
        let agentFile = runDir.appendingPathComponent("checkpoint/agent.safetensors")
        var (tensors, metadata) = try SafeTensors.load(from: agentFile)
        tensors["optim.model.step"] = Tensor(Float.nan)
        try SafeTensors.save(tensors, metadata: metadata, to: agentFile)
        let corrupt = try Data(contentsOf: agentFile), state = try Data(contentsOf: runDir.appendingPathComponent("checkpoint/trainer.json"))
        for arguments in [["evaluate", "--run-dir", runDir.path, "--episodes", "1"], ["train", "--run-dir", runDir.path, "--resume", "--steps", "600"]] {
            let r = try Self.run(arguments)
            #expect(r.status > 0 && r.status < 128, "\(arguments[0]): status \(r.status)")
            #expect(r.error.contains("agent.safetensors") && r.error.contains("optim.model.step") && r.error.contains("nan"), "\(r.error)")
        }
        #expect(try Data(contentsOf: agentFile) == corrupt && Data(contentsOf: runDir.appendingPathComponent("checkpoint/trainer.json")) == state)
        #expect(try Data(contentsOf: episodes) == logs)
        // A run killed before its first checkpoint left logs: a new train there is refused and writes nothing.
        let stale = dir.appendingPathComponent("stale")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("step,episode,return,length,success\n200,0,-1200,200,\n".utf8).write(to: stale.appendingPathComponent("episodes.csv"))
        let again = try Self.run(["train", "--config", config.path, "--run-dir", stale.path, "--no-progress"])
        #expect(again.status > 0 && again.status < 128 && again.error.contains("episodes.csv") && again.error.contains("nothing was started"), "\(again.error)")
        #expect(!FileManager.default.fileExists(atPath: stale.appendingPathComponent("run.json").path))
    }

    /// Negative numbers are values of options that take numbers, and out-of-range values get a clear error naming
    /// the option (exit code below 128) instead of "Missing value", a trap or a 49 GB allocation.
    @Test func numericOptionsTakeNegativeValuesAndCheckRanges() throws {
        let start = try Self.run(["rollout", "--env", "CartPole-v1", "--initial-state", "-0.1,0.2,0,0", "--steps", "1"])
        #expect(start.status == 0 && start.output.hasPrefix(#"{"t":0,"observation":[-0.1,0.2,0.0,0.0]"#), "\(start.output) \(start.error)")
        let frames = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: frames) }
        for (arguments, needles) in [
            (["rollout", "--env", "CartPole-v1", "--seed", "-1"], ["--seed", "-1", "from 0 to"]),
            (["rollout", "--env", "CartPole-v1", "--steps", "-5"], ["--steps must be >= 0, got -5"]),
            (["rollout", "--env", "Pendulum-v1", "--option", "g=-1e39", "--steps", "1"], ["--option g", "-1e39", "Float32"]),
            (["rollout", "--env", "Counting-v0", "--save-frames", frames.path, "--frame-scale", "2000"], ["--frame-scale 2000", "at most 32"]),
            (["train", "--env", "Pendulum-v1", "--steps", "-5"], ["--steps must be >= 1, got -5"]),
            (["train", "--env", "Pendulum-v1", "--seed", "-1"], ["--seed", "-1", "from 0 to"]),
            (["train", "--env", "Pendulum-v1", "--eval-episodes", "0"], ["--eval-episodes must be >= 1, got 0"]),
            (["bench", "core", "--iterations", "0"], ["--iterations must be >= 1, got 0"]),
            (["bench", "core", "--width", "0"], ["--width must be >= 1, got 0"]),
            (["bench", "vector", "--counts", "1,x"], ["--counts", "'1,x'"]),
            (["bench", "vector", "--counts", "0"], ["--counts", "1...1024"]),
        ] {
            let r = try Self.run(arguments)
            #expect(r.status > 0 && r.status < 128, "\(arguments): status \(r.status)")
            #expect(needles.allSatisfy(r.error.contains) && !r.error.contains("Missing value"), "\(arguments): \(r.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: frames.path))
    }

    @Test func runEpisodesPlaysRandomActionsAndRefusesBadInput() throws {
        try #require(FileManager.default.fileExists(atPath: Self.product("RunEpisodes").path), "build the RunEpisodes example first (swift build)")
        let random = try Self.run(["--env", "CartPole-v1", "--policy", "random", "--episodes", "3", "--seed", "2", "--verbose"], product: "RunEpisodes")
        #expect(random.status == 0, "\(random.error)")
        let lines = random.output.split(separator: "\n").filter { $0.hasPrefix("episode ") }
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains("terminated") }, "\(random.output)")   // random CartPole falls well before 500
        #expect(random.output.contains("mean return") && random.output.contains("random actions"))
        let again = try Self.run(["--env", "CartPole-v1", "--policy", "random", "--episodes", "3", "--seed", "2", "--verbose"], product: "RunEpisodes")
        #expect(again.output == random.output, "same seed, different episodes")
        let unknown = try Self.run(["--env", "CartPol-v1", "--policy", "random"], product: "RunEpisodes")
        #expect(unknown.status != 0 && unknown.error.contains("CartPol-v1") && unknown.error.contains("CartPole-v1"), "\(unknown.error)")
        let badCount = try Self.run(["--env", "CartPole-v1", "--policy", "random", "--episodes", "zero"], product: "RunEpisodes")
        #expect(badCount.status != 0 && badCount.error.contains("zero"), "\(badCount.error)")
    }
}
