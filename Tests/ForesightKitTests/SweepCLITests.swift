// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit
import Testing

/// `foresight sweep` through the executable, without a cluster: each task is run as the job scripts run it
/// (`foresight sweep task SWEEP RUN`). The Slurm engine itself is tested by `scripts/slurm/test-sweep.sh`.
@Suite(.serialized) struct SweepCLITests {
    typealias CLI = CLITests

    static let spec = #"{"name": "cli", "train": {"environment": "CartPole-v1", "trainer": {"steps": 120, "seedSteps": 60, "evaluationInterval": 60, "evaluationEpisodes": 1, "checkpointInterval": 30},"#
        + #" "agent": {"usesPlanner": false, "batchSize": 16, "mlpDimensions": 32, "latentDimensions": 16}}, "seeds": [0, 1], "axes": [{"key": "aux", "values": ["reward"]}]}"#

    @Test func tasksSkipDoneRunsResumeInterruptedOnesAndCollectListsTheMissing() throws {
        let root = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let specURL = root.appendingPathComponent("sweep.json"), sweep = root.appendingPathComponent("sweep").path
        try Data(Self.spec.utf8).write(to: specURL)

        let plan = try CLI.run(["sweep", "plan", specURL.path, "--sweep-dir", sweep])
        #expect(plan.status == 0 && plan.output.contains("aux-reward_seed0") && plan.output.contains("aux-reward_seed1"), "\(plan.output)\(plan.error)")
        #expect(!FileManager.default.fileExists(atPath: sweep), "plan wrote the sweep directory")
        let slurm = try CLI.run(["sweep", "slurm", specURL.path, "--sweep-dir", sweep, "--throttle", "1"])
        #expect(slurm.status == 0 && slurm.output.contains("2 of 2 runs to do (array 0-1)"), "\(slurm.output)\(slurm.error)")
        let script = try String(contentsOfFile: sweep + "/sweep.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-1%1\n"), "\(script)")

        for name in ["aux-reward_seed0", "aux-reward_seed1"] {
            let task = try CLI.run(["sweep", "task", sweep, name])
            #expect(task.status == 0 && task.output.contains("starting"), "\(task.output)\(task.error)")
        }
        let skipped = try CLI.run(["sweep", "task", sweep, "aux-reward_seed0"])
        #expect(skipped.status == 0 && skipped.output.contains("done: skipped"), "\(skipped.output)")
        let collected = try CLI.run(["sweep", "collect", sweep])
        #expect(collected.status == 0 && collected.output.contains("2 of 2 runs done"), "\(collected.output)\(collected.error)")
        let csv = try String(contentsOfFile: sweep + "/collected/results.csv", encoding: .utf8)
        #expect(csv.contains("aux=reward,steps,2,120,120,120"), "\(csv)")

        // A run whose summary is gone has its checkpoint: collect names it, a new script holds only it, the task resumes.
        let summary = sweep + "/runs/aux-reward_seed1/summary.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: summary))
        try FileManager.default.removeItem(atPath: summary)
        let missing = try CLI.run(["sweep", "collect", sweep])
        #expect(missing.status == 1 && missing.output.contains("aux-reward_seed1 (aux=reward, seed 1): interrupted (resumable)"), "\(missing.output)")
        #expect(missing.error.hasPrefix("Error: 1 of 2 runs are not done: aux-reward_seed1"), "\(missing.error)")
        let again = try CLI.run(["sweep", "slurm", specURL.path, "--sweep-dir", sweep])
        #expect(again.output.contains("1 of 2 runs to do (array 1)"), "\(again.output)")
        let resumed = try CLI.run(["sweep", "task", sweep, "aux-reward_seed1"])
        #expect(resumed.status == 0 && resumed.output.contains("resuming"), "\(resumed.output)\(resumed.error)")
        let after = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any]
        let original = try JSONSerialization.jsonObject(with: before) as? [String: Any]
        #expect(after?["steps"] as? Int == 120 && after?["finalEvaluationReturn"] as? Double == original?["finalEvaluationReturn"] as? Double)
        #expect(try CLI.run(["sweep", "collect", sweep]).status == 0)
    }

    @Test func badDescriptionsAndRunsExitWith1NamingTheValue() throws {
        let root = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let specURL = root.appendingPathComponent("bad.json")
        try Data(Self.spec.replacingOccurrences(of: #""aux", "values": ["reward"]"#, with: #""aux", "values": ["rewrd"]"#).utf8).write(to: specURL)
        let bad = try CLI.run(["sweep", "plan", specURL.path])
        #expect(bad.status == 1 && bad.error.hasPrefix("Error: \(specURL.path)") && bad.error.contains("\"rewrd\""), "\(bad.error)")
        #expect(bad.error.split(separator: "\n").count == 1, "\(bad.error)")
        let notSweep = try CLI.run(["sweep", "collect", root.path])
        #expect(notSweep.status == 1 && notSweep.error.contains("not a sweep directory"), "\(notSweep.error)")
        let cpus = try CLI.run(["sweep", "slurm", specURL.path, "--cpus", "0"])
        #expect(cpus.status == 64 && cpus.error.contains("--cpus must be at least 1, got 0"), "\(cpus.error)")
    }
}
