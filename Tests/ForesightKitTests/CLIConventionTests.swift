// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit
import Testing

/// The `foresight` command's conventions (README, "Errors and exit codes"): `--version`; defaults in `--help`;
/// a wrong command line exits with 64 and the subcommand's usage; a command that cannot do its work exits with 1
/// and one `Error:` line naming the file, key or value, without usage text or Foundation's error dumps.
@Suite(.serialized) struct CLIConventionTests {
    typealias CLI = CLITests

    @Test func versionAndDefaultsInHelp() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0 && version.output == ForesightVersion.current + "\n", "\(version.output)")
        let help = try CLI.run(["train", "--help"])
        #expect(help.status == 0)
        let defaults = RunConfiguration(environment: "x")
        let text = help.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")   // as one line, without the wrapping
        for needle in ["foresight train --env <env> [<options>]", "foresight train --config <file> [<options>]",
                       "foresight train --run-dir <dir> --resume [--steps <steps>]", "(default: \(defaults.trainer.steps))",
                       "default: \(defaults.trainer.seed))", "(default: \(defaults.trainer.evaluationEpisodes))", "(default: \(defaults.aux))"] {
            #expect(text.contains(needle), "train --help lacks \(needle)")
        }
        let root = try CLI.run(["--help"])
        #expect(root.output.contains("Exit codes: 0") && root.output.contains("64"), "\(root.output)")
    }

    @Test func wrongCommandLinesExitWith64AndTheSubcommandsUsage() throws {
        for (arguments, needle) in [
            (["train"], "--env or --config is required"),
            (["train", "--resume"], "--resume needs --run-dir"),
            (["study", "counting", "--first-seed", "-1"], "--first-seed must be at least 0, got -1"),
            (["bench", "vector", "--warmup", "-1"], "--warmup must be >= 0, got -1"),
        ] {
            let r = try CLI.run(arguments)
            #expect(r.status == 64, "\(arguments): status \(r.status)")
            #expect(r.error.hasPrefix("Error: ") && r.error.contains(needle), "\(arguments): \(r.error)")
            #expect(r.error.contains("Usage: foresight \(arguments[0])") && !r.error.contains("Missing value"), "\(arguments): \(r.error)")
        }
    }

    @Test func failuresExitWith1AndNameTheFileOrKey() throws {
        let dir = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a-file")
        try Data().write(to: file)
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let elites = dir.appendingPathComponent("elites.json")
        try Data(#"{"environment": "Pendulum-v1", "agent": {"plannerSamples": 64, "plannerElites": 100000}}"#.utf8).write(to: elites)
        let steps = dir.appendingPathComponent("steps.json")
        try Data(#"{"environment": "Pendulum-v1", "trainer": {"steps": 10.5}}"#.utf8).write(to: steps)
        for (arguments, needles) in [
            (["train", "--config", dir.appendingPathComponent("missing.json").path], ["no run configuration at", "missing.json", "no such file"]),
            (["train", "--env", "Pendulum-v1", "--run-dir", file.appendingPathComponent("run").path], ["cannot write", "a-file/run", "Not a directory"]),
            (["evaluate", "--run-dir", empty.path], [empty.path, "is not a run directory", "run.json"]),
            (["train", "--config", elites.path, "--run-dir", dir.appendingPathComponent("run").path],
             [#""agent.plannerElites" is 100000"#, "plannerSamples (64)"]),
            (["train", "--config", steps.path, "--run-dir", dir.appendingPathComponent("run").path], [#""trainer.steps" is 10.5"#, "expected a whole number"]),
            (["rollout", "--env", "CartPole-v2"], ["CartPole-v2", "CartPole-v1"]),
        ] {
            let r = try CLI.run(arguments)
            #expect(r.status == 1, "\(arguments): status \(r.status)")
            #expect(r.error.hasPrefix("Error: ") && needles.allSatisfy(r.error.contains), "\(arguments): \(r.error)")
            #expect(!r.error.contains("Usage:") && !r.error.contains("NSCocoaErrorDomain") && r.error.split(separator: "\n").count == 1,
                    "\(arguments): \(r.error)")
        }
    }

    /// Training progress as plain lines: each evaluation is announced before it runs (it may take minutes).
    @Test func progressAnnouncesEvaluations() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("config.json")
        try Data(CLI.smallPendulumRun().utf8).write(to: config)
        let r = try CLI.run(["train", "--config", config.path, "--run-dir", dir.appendingPathComponent("run").path, "--no-progress"])
        #expect(r.status == 0, "\(r.error)")
        let lines = r.output.split(separator: "\n").map(String.init)
        let announced = try #require(lines.firstIndex(of: "evaluating @200: 1 episodes"), "\(r.output)")
        let reported = try #require(lines.firstIndex { $0.hasPrefix("eval @200: return ") }, "\(r.output)")
        #expect(announced < reported)
    }
}
