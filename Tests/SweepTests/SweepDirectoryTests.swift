// Foresight — SweepTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit
import Sweep
import Testing

/// The sweep directory (preparing, run states, what a task does), the job scripts and the collected table.
@Suite struct SweepDirectoryTests {
    static func plan(steps: Int = 200) throws -> SweepPlan {
        let json = #"{"name": "dir", "train": {"environment": "CartPole-v1", "trainer": {"steps": \#(steps)}}, "seeds": [0, 1],"#
            + #" "axes": [{"key": "aux", "values": ["reward", "q"]}], "resources": {"cpus": 2, "memory": "1G", "time": "00:10:00", "throttle": 2}}"#
        return try SweepPlan(try SweepSpec.decode(Data(json.utf8)), commit: "abc123")
    }

    static func temporary(_ suffix: String = "") -> SweepDirectory {
        SweepDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("sweep-test-\(UUID().uuidString)\(suffix)", isDirectory: true))
    }

    static func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A `summary.json` as the trainer writes it.
    static func summary(seed: Int, finalReturn: Double) -> String {
        #"{"environment": "CartPole-v1", "seed": \#(seed), "steps": 200, "updates": 150, "episodes": 9, "finalEvaluationReturn": \#(finalReturn),"#
            + #" "bestEvaluationReturn": \#(finalReturn + 1), "wallClockSeconds": 2.5, "stepsPerSecond": 80, "evaluations": []}"#
    }

    @Test func prepareWritesEveryRunAndRefusesAnotherSweep() throws {
        let plan = try Self.plan(), directory = Self.temporary()
        defer { try? FileManager.default.removeItem(at: directory.root) }
        try directory.prepare(plan)
        #expect(try directory.loadPlan() == plan)
        for run in plan.runs {
            let record = try JSONDecoder().decode(SweepRun.self, from: Data(contentsOf: directory.runDirectory(run).appendingPathComponent("sweep-run.json")))
            #expect(record == run)
            let config = try RunConfiguration.load(from: directory.runDirectory(run).appendingPathComponent("config.json"))
            #expect(config == run.configuration && config.trainer.seed == UInt64(run.seed))
            #expect(directory.state(of: run) == .notStarted)
        }
        try directory.prepare(plan)   // the same sweep again: fine
        do { try directory.prepare(try Self.plan(steps: 300)); Issue.record("prepared another sweep over this one") } catch {
            #expect("\(error)".contains(directory.planURL.path) && "\(error)".contains("another sweep"), "\(error)")
        }
    }

    @Test func statesAndTaskActions() throws {
        let plan = try Self.plan(), directory = Self.temporary()
        defer { try? FileManager.default.removeItem(at: directory.root) }
        try directory.prepare(plan)
        let (done, interrupted, stale, failed) = (plan.runs[0], plan.runs[1], plan.runs[2], plan.runs[3])
        try Self.write(Self.summary(seed: 0, finalReturn: 10), directory.runDirectory(done).appendingPathComponent("summary.json"))
        try Self.write("{}", directory.runDirectory(interrupted).appendingPathComponent("checkpoint/trainer.json"))
        try Self.write("step,loss\n1,2\n", directory.runDirectory(stale).appendingPathComponent("updates.csv"))
        try directory.recordFailure(failed, message: "a loss became non-finite")
        #expect(directory.state(of: done) == .done && directory.state(of: interrupted) == .interrupted)
        #expect(directory.state(of: stale) == .notStarted && directory.state(of: failed) == .failed("a loss became non-finite"))
        #expect(directory.pending(plan) == [1, 2, 3])

        #expect(try directory.beginTask(done) == .skip)
        #expect(try directory.beginTask(interrupted) == .resume)
        #expect(directory.arguments(for: interrupted, action: .resume, threads: 2).starts(with: ["train", "--resume", "--run-dir", directory.runDirectory(interrupted).path]))
        // Logs without a checkpoint are cleared (train refuses to append to them); the run's description stays.
        #expect(try directory.beginTask(stale) == .start)
        // One task per run at a time: a second lock on the same run is refused until the first is released.
        var held: SweepDirectory.TaskLock? = try directory.lock(stale)
        do { _ = try directory.lock(stale); Issue.record("a run was locked twice") } catch {
            #expect("\(error)".contains("being run by another task"), "\(error)")
        }
        #expect(held != nil)
        held = nil
        _ = try directory.lock(stale)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.runDirectory(stale).path).sorted()
            .filter { $0 != "sweep-task.lock" }
        #expect(left == ["config.json", "sweep-run.json"])
        #expect(directory.arguments(for: stale, action: .start, threads: 1).starts(with: ["train", "--config", directory.runDirectory(stale).appendingPathComponent("config.json").path]))
        // A failed run is retried, and its note cleared.
        #expect(try directory.beginTask(failed) == .start && directory.state(of: failed) == .notStarted)
    }

    @Test func collectionGroupsSeedsAndListsUnfinishedRuns() throws {
        let plan = try Self.plan(), directory = Self.temporary()
        defer { try? FileManager.default.removeItem(at: directory.root) }
        try directory.prepare(plan)
        // aux=reward: seeds 0 and 1 done; aux=q: seed 0 done, seed 1 interrupted.
        let returns = [12.0, 20.0, 31.0]
        for (run, r) in zip(plan.runs, returns) {
            try Self.write(Self.summary(seed: run.seed, finalReturn: r), directory.runDirectory(run).appendingPathComponent("summary.json"))
        }
        try Self.write("{}", directory.runDirectory(plan.runs[3]).appendingPathComponent("checkpoint/trainer.json"))
        let before = try FileManager.default.subpathsOfDirectory(atPath: directory.root.path).sorted()
        let collection = try SweepCollection(directory)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: directory.root.path).sorted() == before, "collecting changed the sweep directory")
        #expect(collection.groups == ["aux=reward", "aux=q"])
        #expect(collection.unfinished.map(\.run.name) == ["aux-q_seed1"])
        let reward = try #require(collection.cells.first { $0.group == "aux=reward" && $0.metric == "final return" })
        #expect(reward.interval == StudyStatistics.interval([12, 20]))
        let q = try #require(collection.cells.first { $0.group == "aux=q" && $0.metric == "final return" })
        #expect(q.interval.count == 1 && q.interval.mean == 31)
        #expect(collection.metricNames.starts(with: ["final return", "best return"]) && !collection.metricNames.contains("success rate"))
        #expect(collection.groupCSV.contains("aux=reward,final return,2,16,"))
        #expect(collection.runCSV.contains("aux-q_seed1,aux=q,1,interrupted (resumable),"))
        let markdown = collection.markdown
        #expect(markdown.contains("3 of 4 runs done") && markdown.contains("- aux-q_seed1 (aux=q, seed 1): interrupted (resumable)"), "\(markdown)")
        #expect(markdown.contains("| aux=reward | 2 | 16 ["), "\(markdown)")

        try Self.write("{\"steps\": 1}", directory.runDirectory(plan.runs[0]).appendingPathComponent("summary.json"))
        do { _ = try SweepCollection(directory); Issue.record("read a malformed summary") } catch {
            #expect("\(error)".contains(directory.runDirectory(plan.runs[0]).appendingPathComponent("summary.json").path), "\(error)")
        }
    }

    @Test func memoryInBytes() {
        #expect(SweepResources(memory: "2G").memoryBytes == 2 << 30)
        #expect(SweepResources(memory: "500M").memoryBytes == 500 << 20)
        #expect(SweepResources(memory: "1024").memoryBytes == 1 << 30)
        #expect(SweepResources(memory: "64K").memoryBytes == 64 << 10)
        #expect(SweepResources().memoryBytes == nil)
        #expect(throws: SweepError.self) { try SweepResources(memory: "99999999999T").validate() }
    }

    @Test func arrayRanges() {
        #expect(SweepScripts.arrayRanges([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        #expect(SweepScripts.arrayRanges([3]) == "3")
    }

    /// A fake `foresight` that prints its arguments, so the script's index-to-run mapping and quoting are run for real.
    static func fakeForesight(in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("fake foresight")
        try write("#!/bin/sh\nprintf '%s|' \"$@\"\n", url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    static func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func slurmScriptMapsArrayIndicesToRunsAndQuotesPaths() throws {
        let plan = try Self.plan(), directory = Self.temporary(" it's $HOME")
        defer { try? FileManager.default.removeItem(at: directory.root) }
        try directory.prepare(plan)
        let foresight = try Self.fakeForesight(in: directory.root)
        let script = try SweepScripts.slurm(plan: plan, directory: directory, indices: [1, 3], resources: plan.resources, foresight: foresight.path)
        for line in ["#SBATCH --array=1,3%2", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=1G", "#SBATCH --time=00:10:00",
                     "#SBATCH --job-name=foresight-dir", "#SBATCH --output=\"\(directory.logsURL.path)/slurm-%A_%a.out\""] {
            #expect(script.contains(line + "\n"), "script lacks \(line)")
        }
        let url = directory.root.appendingPathComponent("sweep.sbatch")
        try Self.write(script, url)
        for (index, name) in [(1, "aux-reward_seed1"), (3, "aux-q_seed1")] {
            let r = try Self.shell(["bash", url.path], environment: ["SLURM_ARRAY_TASK_ID": "\(index)", "SLURM_CPUS_PER_TASK": "2"])
            #expect(r.status == 0 && r.output.hasSuffix("sweep|task|\(directory.root.path)|\(name)|--threads|2|"), "\(r.output)")
        }
        let missing = try Self.shell(["bash", url.path], environment: ["SLURM_ARRAY_TASK_ID": "0"])
        #expect(missing.status != 0 && missing.output.contains("no run has array index 0"), "\(missing.output)")
        let outside = try Self.shell(["bash", url.path], environment: ["SLURM_ARRAY_TASK_ID": ""])
        #expect(outside.status != 0 && outside.output.contains("sbatch"), "\(outside.output)")
        // A '%' would be read by Slurm as a file-name pattern in --output.
        #expect(throws: SweepError.self) {
            try SweepScripts.slurm(plan: plan, directory: Self.temporary("%j"), indices: [0], resources: plan.resources, foresight: foresight.path)
        }
    }

    @Test func rayScriptIsPythonThatHoldsThePendingRuns() throws {
        let plan = try Self.plan(), directory = Self.temporary(" it's \"q\" \\ é")
        let script = try SweepScripts.ray(plan: plan, directory: directory, indices: [0, 2], resources: plan.resources, foresight: "/opt/fore'sight")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-ray-\(UUID().uuidString).py")
        try Self.write(script, url)
        defer { try? FileManager.default.removeItem(at: url) }
        // Parse it (Ray is not needed to read the constants) and evaluate its literals.
        let check = """
        import ast, json, sys
        tree = ast.parse(open(sys.argv[1]).read())
        values = {t.id: ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                  if t.id in ("FORESIGHT", "SWEEP_DIR", "CPUS", "MEMORY", "MAX_IN_FLIGHT", "RUNS")}
        print(json.dumps(values))
        """
        let r = try Self.shell(["python3", "-c", check, url.path])
        #expect(r.status == 0, "\(r.output)")
        let values = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any], "\(r.output)")
        #expect(values["FORESIGHT"] as? String == "/opt/fore'sight")
        #expect(values["SWEEP_DIR"] as? String == directory.root.path)
        #expect(values["CPUS"] as? Int == 2 && values["MAX_IN_FLIGHT"] as? Int == 2 && values["MEMORY"] as? Int == 1 << 30)
        #expect(values["RUNS"] as? [String] == ["aux-reward_seed0", "aux-q_seed0"])
        #expect(script.contains("@ray.remote(num_cpus=CPUS") && script.contains("\"sweep\", \"task\""))
    }
}
